import { z } from 'zod';
import { request } from './define';

// Requests behind the Topic settings view: the retention and segment configs a person edits,
// the partition count (increase only), and the segments on disk with what retention will
// delete next. Kept apart from topics.ts (the inspection UI's) so each file has one owner.

const topic = z.string().min(1).max(249);

/** -1 = forever / unlimited, as in Kafka. */
export const topicSettingsSchema = z.object({
  retentionMs: z.number().int().min(-1),
  retentionBytes: z.number().int().min(-1),
  cleanupPolicy: z.enum(['delete', 'compact', 'compact,delete']),
  /** Kafka's minimum segment.bytes is 14 bytes; we keep a sane floor of 1 KiB. */
  segmentBytes: z
    .number()
    .int()
    .min(1024)
    .max(2 ** 31 - 1),
});

/** Each setting's Kafka topic config, as kafka-configs and the broker name it. */
export const TOPIC_SETTING_CONFIGS = {
  retentionMs: 'retention.ms',
  retentionBytes: 'retention.bytes',
  cleanupPolicy: 'cleanup.policy',
  segmentBytes: 'segment.bytes',
} as const;

export const topicSettingsViewSchema = topicSettingsSchema.extend({
  topic: z.string(),
  partitions: z.number().int(),
});

export const segmentViewSchema = z.object({
  partition: z.number().int(),
  baseOffset: z.number(),
  /** Offset after the last record in the segment. */
  nextOffset: z.number(),
  sizeBytes: z.number(),
  firstTimestamp: z.number().nullable(),
  maxTimestamp: z.number().nullable(),
  active: z.boolean(),
  /** Whether the next retention pass deletes this segment, and why. */
  deletion: z.enum(['time', 'size']).nullable(),
  /**
   * For a compacted topic: whether compaction already cleaned the segment (every offset in
   * it below the cleaner point) or it is still dirty; null when the topic is not compacted.
   */
  compaction: z.enum(['cleaned', 'dirty']).nullable(),
});

export const topicSettingsRequests = {
  'topicSettings.get': request(
    "A topic's retention time and size, cleanup policy, segment size and partition count.",
    z.object({ topic }).strict(),
    topicSettingsViewSchema,
  ),
  'topicSettings.update': request(
    'Validates and applies a change to the configs and/or an increase of the partition count; ' +
      'validateOnly checks without applying. Decreasing partitions is refused (INVALID_ARGUMENT).',
    z
      .object({
        topic,
        configs: topicSettingsSchema.partial().strict().default({}),
        partitions: z.number().int().min(1).max(10_000).optional(),
        validateOnly: z.boolean().default(false),
      })
      .strict(),
    topicSettingsViewSchema,
  ),
  'topicSettings.segments': request(
    'The segments on disk of every partition of a topic (or one) and which of them retention will delete next.',
    z.object({ topic, partition: z.number().int().min(0).optional() }).strict(),
    z.object({
      now: z.number(),
      segments: z.array(segmentViewSchema),
    }),
  ),
} as const;

export const topicSettingsSubscriptions = {} as const;

export type TopicSettings = z.output<typeof topicSettingsSchema>;
export type TopicSettingsView = z.output<typeof topicSettingsViewSchema>;
export type SegmentView = z.output<typeof segmentViewSchema>;
