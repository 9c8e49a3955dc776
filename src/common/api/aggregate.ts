import { z } from 'zod';
import { logLevelSchema } from './dashboard';
import { subscription } from './define';
import {
  partitionsParam,
  scanProgressSchema,
  scanRangeSchema,
  searchQuerySchema,
  streamErrorSchema,
} from './messages';
import { topicNameSchema } from './topics';

// Counts over a view or a search, computed in the main process: the top values of a field
// (a facet) and messages over time by level (the histogram above the browser). Counted over
// every message of the range (or every hit of the query), not only the rows the table has
// loaded, and bounded: the scan stops after `maxMatches` counted messages, and at most
// MAX_DISTINCT values of a field are told apart.

/** Distinct values of a field counted one by one; further new values go to `other`. */
export const MAX_DISTINCT = 10_000;
/** A value longer than this is counted under its first MAX_VALUE_CHARS characters. */
export const MAX_VALUE_CHARS = 500;

/**
 * A field as the browser names it: a JSON path with dots (`http.status`), a logfmt key, or
 * a message attribute: `$key`, `$partition`, `$level` (the level column), `$headers.<name>`.
 */
export const facetFieldSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((f) => !f.startsWith('$') || /^\$(key|partition|level|headers\..+)$/.test(f), {
    message: 'a field starting with $ must be $key, $partition, $level or $headers.<name>',
  });

export const facetSchema = z.object({
  field: z.string(),
  values: z.array(z.object({ value: z.string(), count: z.number().int() })),
  /** Messages counted that have the field, and that do not. */
  present: z.number().int(),
  missing: z.number().int(),
  /** Distinct values told apart, and how many messages had a value beyond MAX_DISTINCT. */
  distinct: z.number().int(),
  other: z.number().int(),
});
export type Facet = z.output<typeof facetSchema>;

export const levelBucketsSchema = z.object({
  bucketMs: z.number(),
  buckets: z.array(z.object({ start: z.number(), counts: z.record(logLevelSchema, z.number()) })),
});

export const aggregateResultSchema = z.object({
  type: z.literal('result'),
  /** False for the counts so far, sent while the scan runs; true once, at the end. */
  final: z.boolean(),
  facet: facetSchema.nullable(),
  histogram: levelBucketsSchema.nullable(),
  scanned: z.number(),
  /** Messages counted: those of the range, or the query's hits. */
  matched: z.number(),
  /** The scan stopped at maxMatches before the end of the range. */
  truncated: z.boolean(),
  elapsedMs: z.number(),
});
export type AggregateResult = z.output<typeof aggregateResultSchema>;

export const aggregateSubscriptions = {
  'messages.aggregate': subscription(
    'Counts the messages of a range of a view, or the hits of a query over it, in the main process: the top values of a field with counts, and/or messages per time bucket by level. Streams progress and the counts so far, then the final counts; unsubscribing cancels. An invalid query or field fails at once with INVALID_ARGUMENT.',
    z
      .object({
        topic: topicNameSchema,
        partitions: partitionsParam,
        range: scanRangeSchema.default({ kind: 'all' }),
        query: searchQuerySchema.optional(),
        field: facetFieldSchema.optional(),
        top: z.number().int().min(1).max(100).default(10),
        histogram: z
          .object({
            from: z.number().int().min(0),
            to: z.number().int().min(0),
            buckets: z.number().int().min(1).max(500).default(80),
          })
          .strict()
          .refine((h) => h.to > h.from, { message: 'to must be after from', path: ['to'] })
          .optional(),
        maxMatches: z.number().int().min(1).max(20_000_000).default(2_000_000),
      })
      .strict()
      .refine((p) => p.field !== undefined || p.histogram !== undefined, {
        message: 'give a field, a histogram, or both',
      }),
    z.discriminatedUnion('type', [scanProgressSchema, aggregateResultSchema, streamErrorSchema]),
  ),
} as const;
