import { z } from 'zod';
import { request, subscription } from './define';
import {
  exportEventSchema,
  exportFileNameSchema,
  messageRowSchema,
  partitionEndsSchema,
  scanRangeSchema,
  searchEventSchema,
  searchQuerySchema,
  seekTargetSchema,
  tailNewestSchema,
  tailRowsSchema,
  windowBudgetError,
  withinWindowBudget,
} from './messages';
import { topicNameSchema } from './topics';

// Requests of the timeline: several topics (e.g. the logs of three services) browsed as one
// view, every partition of every topic merged by timestamp. Rows are numbered as in a
// topic's merged view (see messages.ts): all messages in (timestamp, lane, offset) order,
// where the lanes are the topics in the order given, each topic's partitions in order. Row
// i is found with time-index lookups per partition, never by reading from the start.

/** The topics of a timeline, in the order that breaks ties between equal timestamps. */
export const timelineTopicsSchema = z
  .array(topicNameSchema)
  .min(1, 'a timeline needs at least one topic')
  .max(16, 'a timeline shows at most 16 topics')
  .refine((t) => new Set(t).size === t.length, 'a timeline names each topic once');

export const laneEndsSchema = partitionEndsSchema.extend({ topic: topicNameSchema });
export type LaneEnds = z.output<typeof laneEndsSchema>;

const previewBytes = z
  .number()
  .int()
  .min(16)
  .max(64 * 1024)
  .default(512);

/** A seek target of a timeline: an offset names its topic and partition. */
export const timelineTargetSchema = z.union([
  seekTargetSchema.refine((t) => t.kind !== 'offset', 'an offset needs its topic'),
  z
    .object({
      kind: z.literal('offset'),
      topic: topicNameSchema,
      partition: z.number().int().nonnegative(),
      offset: z.number().int().nonnegative(),
    })
    .strict(),
]);
export type TimelineTarget = z.output<typeof timelineTargetSchema>;

/** What a timeline's search or export covers: every message, or a time window (offsets are per partition). */
export const timelineRangeSchema = scanRangeSchema
  .refine(
    (r) => r.kind === 'all' || r.kind === 'time',
    'a timeline searches and exports all messages or a time window',
  )
  .default({ kind: 'all' });

export const timelineRequests = {
  'timeline.window': request(
    'Rows [start, start + count) of several topics merged by timestamp, each row naming its topic, with the current total and every lane (topic partition) end.',
    z
      .object({
        topics: timelineTopicsSchema,
        start: z.number().int().nonnegative(),
        count: z.number().int().min(1).max(1000),
        previewBytes,
      })
      .strict()
      .refine(withinWindowBudget, windowBudgetError),
    z.object({
      total: z.number().int().nonnegative(),
      rows: z.array(messageRowSchema),
      lanes: z.array(laneEndsSchema),
    }),
  ),
  'timeline.locate': request(
    'Turns a seek target (time, earliest, latest, last N, or topic+partition+offset) into a row index of the timeline.',
    z.object({ topics: timelineTopicsSchema, target: timelineTargetSchema }).strict(),
    z.object({
      index: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
      note: z.string().nullable(),
    }),
  ),
} as const;

export const timelineSubscriptions = {
  'timeline.tail': subscription(
    "The timeline's lane ends and total, sent at start and whenever any of its topics grows (at most 10 times a second, one event at a time). With `newest`, each event also carries the timeline's newest rows, as messages.tail's do.",
    z.object({ topics: timelineTopicsSchema, newest: tailNewestSchema.optional() }).strict(),
    z.object({
      total: z.number().int().nonnegative(),
      lanes: z.array(laneEndsSchema),
      newest: tailRowsSchema.optional(),
    }),
  ),
  'timeline.search': subscription(
    'Searches the timeline (every partition of its topics) in the main process and streams the hits merged by time, as the timeline shows them, each naming its topic, with progress. Unsubscribing cancels. An invalid query fails at once with INVALID_ARGUMENT.',
    z
      .object({
        topics: timelineTopicsSchema,
        range: timelineRangeSchema,
        query: searchQuerySchema,
        maxResults: z.number().int().min(1).max(100_000).default(1000),
        previewBytes,
        /** Go on after this hit (the last one received), as messages.search does. */
        after: z
          .object({
            topic: topicNameSchema,
            partition: z.number().int().nonnegative(),
            offset: z.number().int().nonnegative(),
          })
          .strict()
          .optional(),
      })
      .strict(),
    searchEventSchema,
  ),
  'timeline.export': subscription(
    "Writes the timeline (or a time window of it, optionally only a search's matches) merged by time to a JSON Lines or CSV file under exports/, every record naming its topic, as messages.export does.",
    z
      .object({
        topics: timelineTopicsSchema,
        range: timelineRangeSchema,
        query: searchQuerySchema.optional(),
        format: z.enum(['jsonl', 'csv']),
        /** File name only; defaults to timeline-<time>.<format>. */
        fileName: exportFileNameSchema.optional(),
      })
      .strict(),
    exportEventSchema,
  ),
} as const;
