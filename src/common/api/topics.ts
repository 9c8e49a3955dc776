import { z } from 'zod';
import { request, subscription } from './define';

// Requests and subscriptions of the topics domain; see define.ts for the conventions.
// Everything is in Kafka's terms (topics, partitions, offsets, configs) so that the same
// views can later describe a remote cluster.

/** Kafka's rule for topic names: 1-249 characters of [a-zA-Z0-9._-], not "." or "..". */
export const topicNameSchema = z
  .string()
  .min(1, 'topic name is empty')
  .max(249, 'topic name is longer than 249 characters')
  .regex(/^[a-zA-Z0-9._-]+$/, 'topic name may only contain letters, digits, ".", "_" and "-"')
  .refine((n) => n !== '.' && n !== '..', 'topic name cannot be "." or ".."');

const nonNegativeInt = z.number().int().nonnegative();
const sizeBytes = () => z.number().int().min(-1);

export const partitionInfoSchema = z.object({
  partition: nonNegativeInt,
  logStartOffset: nonNegativeInt,
  logEndOffset: nonNegativeInt,
  /** logEndOffset - logStartOffset (counts compacted-away offsets too, as Kafka UIs do). */
  messageCount: nonNegativeInt,
  /** Bytes on disk; -1 = not available (a remote cluster that does not say). */
  sizeBytes: sizeBytes(),
  /** Timestamp (ms) of the newest record, null when the partition is empty or it is not known. */
  lastTimestamp: z.number().nullable(),
  /** Broker id of the leader; -1 when there is none (offline). The local broker is node 0. */
  leader: z.number().int(),
  /** Broker ids holding a copy, the preferred leader first (Kafka's order). */
  replicas: z.array(z.number().int()),
  /** Replicas in sync with the leader. */
  isr: z.array(z.number().int()),
  /** Fewer replicas in sync than assigned: a broker is behind or down. */
  underReplicated: z.boolean(),
  /** No leader: nothing can be read or written until the cluster elects one. */
  offline: z.boolean(),
});
export type PartitionInfo = z.output<typeof partitionInfoSchema>;

export const topicSummarySchema = z.object({
  name: z.string(),
  internal: z.boolean(),
  partitionCount: nonNegativeInt,
  messageCount: nonNegativeInt,
  /** Bytes on disk; -1 = not available (a remote cluster that does not say). */
  sizeBytes: sizeBytes(),
  /** -1 = keep forever. */
  retentionMs: z.number(),
  /** -1 = unlimited. */
  retentionBytes: z.number(),
  /** Partitions with fewer replicas in sync than assigned (see partitionInfoSchema). */
  underReplicatedPartitions: nonNegativeInt,
  /** Partitions without a leader. */
  offlinePartitions: nonNegativeInt,
  /** Messages per second over the last minute, all partitions together. */
  messageRate: z.number(),
  /** Messages per second in consecutive buckets, oldest first (for a sparkline). */
  rateHistory: z.array(z.number()),
  lastTimestamp: z.number().nullable(),
});
export type TopicSummary = z.output<typeof topicSummarySchema>;

export const topicDetailSchema = topicSummarySchema.extend({
  partitions: z.array(partitionInfoSchema),
  configs: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type TopicDetail = z.output<typeof topicDetailSchema>;

const topicConfigValue = z.union([z.string(), z.number()]);

export const topicsRequests = {
  'topics.list': request(
    'Every topic with its partition count, message count, size, retention, rate and last message time. Internal topics only when asked; `filter` keeps names containing it (case-insensitive).',
    z
      .object({
        includeInternal: z.boolean().default(false),
        filter: z.string().max(249).default(''),
      })
      .strict(),
    z.object({ topics: z.array(topicSummarySchema) }),
  ),
  'topics.describe': request(
    'One topic with its partitions (start/end offsets, sizes, last timestamps) and configs. UNKNOWN_TOPIC if it does not exist.',
    z.object({ topic: topicNameSchema }).strict(),
    topicDetailSchema,
  ),
  'topics.create': request(
    'Creates a topic. ALREADY_EXISTS if it exists, INVALID_TOPIC / INVALID_CONFIG for a rejected name or config.',
    z
      .object({
        name: topicNameSchema,
        partitions: z.number().int().min(1).max(10_000).default(1),
        configs: z.record(z.string(), topicConfigValue).default({}),
      })
      .strict(),
    topicDetailSchema,
  ),
  'topics.delete': request(
    'Deletes a topic and all its messages. `confirm` must repeat the topic name, so that a stray call cannot delete data.',
    z.object({ name: topicNameSchema, confirm: z.string() }).strict(),
    z.object({ deleted: z.string() }),
  ),
} as const;

export const topicsSubscriptions = {
  'topics.changed': subscription(
    'The topic list, sent once at start and again (at most once a second) whenever topics are created, deleted or receive messages.',
    z.object({ includeInternal: z.boolean().default(false) }).strict(),
    z.object({ topics: z.array(topicSummarySchema) }),
  ),
} as const;
