import { z } from 'zod';
import { request, subscription } from './define';

// Requests and subscriptions of the collectors domain; see define.ts for the conventions.
void z;
void request;
void subscription;

export const collectorsRequests = {} as const;

export const collectorsSubscriptions = {} as const;
