import { z } from 'zod';
import { request, subscription } from './define';

// Requests and subscriptions of the settings domain; see define.ts for the conventions.
void z;
void request;
void subscription;

export const settingsRequests = {} as const;

export const settingsSubscriptions = {} as const;
