import { z } from 'zod';
import { request } from './define';

export const systemRequests = {
  'system.info': request(
    'Version, data directory and the services running in this process.',
    z.object({}).strict(),
    z.object({
      version: z.string(),
      dataDir: z.string(),
      mode: z.enum(['electron', 'headless', 'test']),
      kafkaListener: z.string().nullable(),
    }),
  ),
} as const;

export const systemSubscriptions = {} as const;
