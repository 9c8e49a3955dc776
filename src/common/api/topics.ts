import { z } from 'zod';
import { request, subscription } from './define';

// Requests and subscriptions of the topics domain; see define.ts for the conventions.
void z;
void request;
void subscription;

export const topicsRequests = {} as const;

export const topicsSubscriptions = {} as const;
