import { z } from 'zod';
import { clusterNameSchema } from './clusters';
import { request } from './define';
import { searchQuerySchema } from './messages';

// Replay, the debugging workflow: copy a range of a topic into another topic, into a file,
// or move a consumer group to the start of the range so the service being debugged
// consumes it again. Jobs run in the main process; the UI polls their progress.
// Source and target may be on different clusters (docs/clusters.md, Replay across clusters):
// a range of a production topic into `local` to debug it offline, or local records into a
// remote topic (refused with FORBIDDEN when that cluster is read-only).

const topicName = z.string().min(1).max(249);

/** One end of a range: an offset (the same in every chosen partition) or a time. */
export const rangeBoundSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('earliest') }),
  z.object({ kind: z.literal('latest') }),
  z.object({ kind: z.literal('offset'), offset: z.number().int().min(0) }),
  z.object({ kind: z.literal('timestamp'), timestamp: z.number().int().min(0) }),
]);

export const replayRangeSchema = z.object({
  /**
   * The cluster the range is read from; absent = the cluster the request is about (its
   * `cluster`, else `local`). Jobs carry it filled in.
   */
  cluster: clusterNameSchema.optional(),
  topic: topicName,
  /** One partition, or every partition of the topic when omitted. */
  partition: z.number().int().min(0).optional(),
  /** Inclusive start. */
  from: rangeBoundSchema,
  /** Exclusive end ("latest" = the log end offset when the job starts). */
  to: rangeBoundSchema,
  /** Only messages matching this search query (the message browser's search). */
  filter: searchQuerySchema.optional(),
});

export const replayTargetSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('topic'),
    /** The cluster written to; absent = the range's cluster. Jobs carry it filled in. */
    cluster: clusterNameSchema.optional(),
    topic: topicName,
    /** Create the topic when it does not exist, with this many partitions. */
    createPartitions: z.number().int().min(1).max(10_000).optional(),
    keepKeys: z.boolean().default(true),
    keepHeaders: z.boolean().default(true),
    keepTimestamps: z.boolean().default(true),
    /** Write each message into the partition it came from (needs enough partitions). */
    keepPartitions: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal('file'),
    /** Absolute path of a new JSON Lines file (refused if it exists). */
    path: z.string().min(1),
  }),
  z.object({
    kind: z.literal('group'),
    groupId: z.string().min(1).max(255),
  }),
]);

export const replayJobSchema = z.object({
  id: z.string(),
  range: replayRangeSchema,
  target: replayTargetSchema,
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  /** Messages in the range (before filtering), fixed when the job starts. */
  total: z.number(),
  /** Messages read from the range so far. */
  scanned: z.number(),
  /** Messages written to the target (after filtering). */
  written: z.number(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  error: z.string().nullable(),
  /** Per partition: where the range starts and ends (exclusive) once resolved. */
  partitions: z.array(
    z.object({ partition: z.number().int(), startOffset: z.number(), endOffset: z.number() }),
  ),
});

export const replayRequests = {
  'replay.start': request(
    'Starts a replay job and returns it at once; poll replay.get for progress.',
    z.object({ range: replayRangeSchema, target: replayTargetSchema }).strict(),
    replayJobSchema,
  ),
  'replay.get': request(
    'One replay job by id.',
    z.object({ id: z.string() }).strict(),
    replayJobSchema,
  ),
  'replay.list': request(
    'Every replay job of this run, newest first.',
    z.object({}).strict(),
    z.array(replayJobSchema),
  ),
  'replay.cancel': request(
    'Cancels a running job; what it already wrote stays. Safe on a finished job.',
    z.object({ id: z.string() }).strict(),
    replayJobSchema,
  ),
} as const;

export const replaySubscriptions = {} as const;

export type RangeBound = z.output<typeof rangeBoundSchema>;
export type ReplayRange = z.output<typeof replayRangeSchema>;
export type ReplayTarget = z.output<typeof replayTargetSchema>;
export type ReplayTargetInput = z.input<typeof replayTargetSchema>;
export type ReplayJob = z.output<typeof replayJobSchema>;
