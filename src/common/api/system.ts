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
      /**
       * What the caller's transport can do with a finished export besides writing it; the
       * renderer shows the matching buttons and never asks which transport it runs on.
       */
      capabilities: z.object({
        /** `messages.exportDownload` gives a link the browser can download (headless). */
        downloadExports: z.boolean(),
        /** `messages.exportShow` opens the system's file manager on it (Electron). */
        showExportInFolder: z.boolean(),
      }),
    }),
  ),
} as const;

export const systemSubscriptions = {} as const;
