import { z } from 'zod';
import { request } from './define';

// The dashboard: message rates over time (sampled in memory while the app runs), produced
// (log end offsets' growth) and consumed (consumer groups' committed offsets' growth), disk
// use per topic, and a histogram of messages over time stacked by log level (as lnav's).

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'none'] as const;
export const logLevelSchema = z.enum(LOG_LEVELS);

export const ratePointSchema = z.object({ timestamp: z.number(), rate: z.number() });

export const dashboardRequests = {
  'dashboard.rates': request(
    'Messages per second over the last minutes: produced per topic (growth of its log end ' +
      "offsets), consumed per topic (growth of consumer groups' committed offsets, summed over " +
      'the groups that read it), and both summed over all topics.',
    z.object({}).strict(),
    z.object({
      intervalMs: z.number(),
      /** Produced: messages appended per second. */
      topics: z.array(z.object({ topic: z.string(), points: z.array(ratePointSchema) })),
      /** Consumed: committed offsets' growth per second, summed over `groups`. */
      consumed: z.array(
        z.object({
          topic: z.string(),
          groups: z.array(z.string()),
          points: z.array(ratePointSchema),
        }),
      ),
      total: z.object({
        produced: z.array(ratePointSchema),
        consumed: z.array(ratePointSchema),
      }),
    }),
  ),
  'dashboard.disk': request(
    'Bytes on disk per topic (all partitions).',
    z.object({}).strict(),
    z.array(
      z.object({
        topic: z.string(),
        sizeBytes: z.number(),
        partitions: z.number().int(),
        messages: z.number(),
      }),
    ),
  ),
  'dashboard.histogram': request(
    "Messages of a topic per time bucket, counted by log level (from the record's level header or " +
      'its JSON level field). At most maxMessages of the newest messages in the window are scanned.',
    z
      .object({
        topic: z.string().min(1),
        /** Only these partitions (the browser's choice); all when absent. */
        partitions: z.array(z.number().int().nonnegative()).min(1).max(10_000).optional(),
        from: z.number().int().min(0),
        to: z.number().int().min(0),
        buckets: z.number().int().min(1).max(500).default(60),
        maxMessages: z.number().int().min(1).max(2_000_000).default(200_000),
      })
      .strict()
      .refine((p) => p.to > p.from, { message: 'to must be after from', path: ['to'] }),
    z.object({
      bucketMs: z.number(),
      buckets: z.array(
        z.object({
          start: z.number(),
          counts: z.record(logLevelSchema, z.number()),
        }),
      ),
      scanned: z.number(),
      /** True when maxMessages stopped the scan before the window's start. */
      truncated: z.boolean(),
    }),
  ),
  'dashboard.locate': request(
    'The first message of a topic at or after a time (over all partitions), so a chart click can open ' +
      'the message browser there; null when no message is that new.',
    z.object({ topic: z.string().min(1), timestamp: z.number().int().min(0) }).strict(),
    z.object({ partition: z.number().int(), offset: z.number() }).nullable(),
  ),
} as const;

export const dashboardSubscriptions = {} as const;

export type LogLevel = z.output<typeof logLevelSchema>;
export type RatePoint = z.output<typeof ratePointSchema>;
