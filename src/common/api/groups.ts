import { z } from 'zod';
import { request } from './define';

// Requests of the consumer-groups domain; see define.ts for the conventions. Everything is
// in Kafka's terms (group, member, topic, partition, committed offset, log end offset) so the
// same views can later be pointed at a remote cluster.

const groupId = z.string().min(1).max(255);
const offset = z.number().int().min(0);

export const groupStateSchema = z.enum([
  'Empty',
  'PreparingRebalance',
  'CompletingRebalance',
  'Stable',
  'Dead',
]);

export const groupSummarySchema = z.object({
  groupId: z.string(),
  state: groupStateSchema,
  protocolType: z.string(),
  members: z.number().int(),
  /** Topics the group has committed offsets for or is assigned. */
  topics: z.array(z.string()),
  /** Sum of the lag of every partition with a committed offset; null when none has one. */
  totalLag: z.number().nullable(),
});

export const groupMemberSchema = z.object({
  memberId: z.string(),
  groupInstanceId: z.string().nullable(),
  clientId: z.string(),
  clientHost: z.string(),
  assignment: z.array(z.object({ topic: z.string(), partitions: z.array(z.number().int()) })),
});

export const partitionLagSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  committedOffset: z.number().nullable(),
  logEndOffset: z.number(),
  lag: z.number().nullable(),
});

export const groupDetailSchema = groupSummarySchema.extend({
  protocol: z.string(),
  generationId: z.number().int(),
  memberList: z.array(groupMemberSchema),
  partitions: z.array(partitionLagSchema),
});

/** Where a reset moves the committed offsets to (Kafka's kafka-consumer-groups --to-*). */
export const offsetSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('earliest') }),
  z.object({ kind: z.literal('latest') }),
  z.object({ kind: z.literal('offset'), offset }),
  /** Milliseconds since the epoch: the first offset at or after this time. */
  z.object({ kind: z.literal('timestamp'), timestamp: z.number().int().min(0) }),
  z.object({ kind: z.literal('shift'), by: z.number().int() }),
]);

export const resetPlanEntrySchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  oldOffset: z.number().nullable(),
  newOffset: z.number(),
});

export const lagPointSchema = z.object({
  /** Milliseconds since the epoch of the sample. */
  timestamp: z.number(),
  /** Total lag of the group at that time (partitions with a committed offset). */
  lag: z.number(),
});

export const groupsRequests = {
  'groups.list': request(
    'Every consumer group with its state, member count, topics and total lag.',
    z.object({}).strict(),
    z.array(groupSummarySchema),
  ),
  'groups.describe': request(
    "A group's members (client id, host, assigned partitions) and, per partition, committed offset, log end offset and lag.",
    z.object({ groupId }).strict(),
    groupDetailSchema,
  ),
  'groups.lagHistory': request(
    "The group's total lag sampled over the last minutes (kept in memory while the app runs).",
    z.object({ groupId }).strict(),
    z.object({ intervalMs: z.number(), points: z.array(lagPointSchema) }),
  ),
  'groups.resetOffsets': request(
    'Plans (dryRun: true) or executes a reset of committed offsets for the whole group, a topic or one partition. ' +
      'Executing is refused with GROUP_NOT_EMPTY while the group has active members; the plan is always returned.',
    z
      .object({
        groupId,
        topic: z.string().min(1).optional(),
        partition: z.number().int().min(0).optional(),
        spec: offsetSpecSchema,
        dryRun: z.boolean(),
      })
      .strict()
      .refine((p) => p.partition === undefined || p.topic !== undefined, {
        message: 'a partition needs a topic',
        path: ['partition'],
      }),
    z.object({
      plan: z.array(resetPlanEntrySchema),
      executed: z.boolean(),
      /** Why executing is not possible right now (active members), or null. */
      blockedReason: z.string().nullable(),
    }),
  ),
  'groups.delete': request(
    'Deletes a group and its committed offsets; refused with GROUP_NOT_EMPTY while it has members.',
    z.object({ groupId }).strict(),
    z.object({}),
  ),
} as const;

export const groupsSubscriptions = {} as const;

export type GroupSummary = z.output<typeof groupSummarySchema>;
export type GroupDetail = z.output<typeof groupDetailSchema>;
export type OffsetSpec = z.output<typeof offsetSpecSchema>;
export type ResetPlanEntry = z.output<typeof resetPlanEntrySchema>;
export type LagPoint = z.output<typeof lagPointSchema>;
