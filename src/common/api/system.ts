import { z } from 'zod';
import { request, subscription } from './define';

/** What is wrong with the data directory's storage (see broker/storage-health.ts). */
/** Partitions going through background work since `since`: `total` of them, `done` finished. */
const backgroundProgressSchema = z.object({
  since: z.number(),
  total: z.number().int(),
  done: z.number().int(),
  /** Some of the partitions not done yet (`topic-partition`). */
  pending: z.array(z.string()),
});

export const storageHealthSchema = z.object({
  /** Corrupt batches readers or the background scrub met, still stored. */
  corrupt: z.array(
    z.object({
      topic: z.string(),
      partition: z.number().int(),
      file: z.string(),
      position: z.number().int(),
      baseOffset: z.number().int().nullable(),
      lastOffset: z.number().int().nullable(),
      reason: z.string(),
      detectedAt: z.number(),
    }),
  ),
  /** Set while writes are refused because the disk is full. */
  diskFull: z.object({ since: z.number(), message: z.string() }).nullable(),
  lastScrub: z
    .object({
      finishedAt: z.number(),
      partitions: z.number().int(),
      bytes: z.number(),
      corrupt: z.number().int(),
    })
    .nullable(),
  /**
   * Partitions recovering in the background after an unclean shutdown (they answer reads
   * once done); null when none is. `total` counts those of this start, `done` the finished.
   */
  recovery: backgroundProgressSchema.nullable().optional(),
  /**
   * Partitions found on disk at startup still loading in the background (they answer once
   * loaded, each at once when first asked); null when none is.
   */
  loading: backgroundProgressSchema.nullable().optional(),
});
export type StorageHealth = z.infer<typeof storageHealthSchema>;

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

export const systemSubscriptions = {
  'system.storage': subscription(
    'Storage problems: corrupt batches found by readers or the background scrub, and a full disk refusing writes. Sent at start and on every change.',
    z.object({}).strict(),
    storageHealthSchema,
  ),
} as const;
