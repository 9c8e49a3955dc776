import { z } from 'zod';
import { request, subscription } from './define';

// Requests and subscriptions of the groups domain; see define.ts for the conventions.
void z;
void request;
void subscription;

export const groupsRequests = {} as const;

export const groupsSubscriptions = {} as const;
