import { z } from 'zod';
import { request, subscription } from './define';

// Requests and subscriptions of the messages domain; see define.ts for the conventions.
void z;
void request;
void subscription;

export const messagesRequests = {} as const;

export const messagesSubscriptions = {} as const;
