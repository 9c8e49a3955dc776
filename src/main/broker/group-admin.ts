import { LogdockError } from '../../common/errors';
import type { OffsetResetPlanEntry, OffsetSpec, PartitionLag } from './api';
import type { GroupCoordinator } from './coordinator';

/** What the reset planner needs from the broker. */
export interface OffsetSource {
  partitionCount(topic: string): number | null;
  offsetsOf(topic: string, partition: number): { logStartOffset: number; logEndOffset: number };
  offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number | null>;
  readonly groups: GroupCoordinator;
}

/**
 * Lag of every partition a group has committed or is assigned: log end offset minus the
 * committed offset (null when nothing is committed). Throws UNKNOWN_GROUP.
 */
export function computeLag(
  groups: GroupCoordinator,
  groupId: string,
  logEndOffset: (topic: string, partition: number) => number | null,
): PartitionLag[] {
  if (!groups.hasGroup(groupId))
    throw new LogdockError('UNKNOWN_GROUP', `group ${groupId} does not exist`);
  const keys = new Map<string, { topic: string; partition: number }>();
  for (const o of groups.fetchOffsets(groupId, null)) keys.set(`${o.topic}:${o.partition}`, o);
  for (const m of groups.describeGroup(groupId).memberList) {
    for (const a of m.assignment)
      for (const p of a.partitions) keys.set(`${a.topic}:${p}`, { topic: a.topic, partition: p });
  }
  const committed = committedPositions(groups, groupId);
  const out: PartitionLag[] = [];
  for (const [key, { topic, partition }] of keys) {
    const leo = logEndOffset(topic, partition);
    if (leo === null) continue; // topic deleted since
    const c = committed.get(key) ?? null;
    out.push({
      topic,
      partition,
      committedOffset: c,
      logEndOffset: leo,
      lag: c === null ? null : Math.max(0, leo - c),
    });
  }
  return out.sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
}

/**
 * A group's committed offsets by `topic:partition`, leaving out the negative ones: a client
 * may commit Kafka's logical -1 or -2 (kafkajs' resetOffsets does), which is no position in
 * the log, so such a partition has no lag and a shift starts from the log start.
 */
export function committedPositions(groups: GroupCoordinator, groupId: string): Map<string, number> {
  return new Map(
    groups
      .fetchOffsets(groupId, null)
      .filter((o) => o.offset >= 0)
      .map((o) => [`${o.topic}:${o.partition}`, o.offset]),
  );
}

function clamp(offset: number, start: number, end: number): number {
  return Math.min(Math.max(offset, start), end);
}

/**
 * The offsets a reset would set, as `kafka-consumer-groups --reset-offsets` computes them:
 * earliest/latest = log start/end, a timestamp = first offset at or after it (log end when
 * none), an offset or a shift is clamped into [log start, log end]. Scope: one partition,
 * one topic, or every partition the group committed. Throws UNKNOWN_TOPIC,
 * UNKNOWN_PARTITION, INVALID_ARGUMENT.
 */
export async function planOffsetReset(
  src: OffsetSource,
  groupId: string,
  target: { topic?: string; partition?: number; spec: OffsetSpec },
): Promise<OffsetResetPlanEntry[]> {
  const committed = committedPositions(src.groups, groupId);
  let scope: { topic: string; partition: number }[];
  if (target.topic !== undefined) {
    const n = src.partitionCount(target.topic);
    if (n === null)
      throw new LogdockError('UNKNOWN_TOPIC', `topic "${target.topic}" does not exist`);
    if (target.partition !== undefined) {
      if (!Number.isInteger(target.partition) || target.partition < 0 || target.partition >= n) {
        throw new LogdockError(
          'UNKNOWN_PARTITION',
          `topic "${target.topic}" has no partition ${target.partition}`,
        );
      }
      scope = [{ topic: target.topic, partition: target.partition }];
    } else {
      scope = Array.from({ length: n }, (_, partition) => ({ topic: target.topic!, partition }));
    }
  } else {
    scope = src.groups
      .fetchOffsets(groupId, null)
      .filter(
        (o) => src.partitionCount(o.topic) !== null && o.partition < src.partitionCount(o.topic)!,
      );
    if (scope.length === 0) {
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `group ${groupId} has no committed offsets; name a topic to reset`,
      );
    }
  }
  const plan: OffsetResetPlanEntry[] = [];
  for (const { topic, partition } of scope) {
    const { logStartOffset: start, logEndOffset: end } = src.offsetsOf(topic, partition);
    const old = committed.get(`${topic}:${partition}`) ?? null;
    const spec = target.spec;
    let next: number;
    switch (spec.kind) {
      case 'earliest':
        next = start;
        break;
      case 'latest':
        next = end;
        break;
      case 'offset':
        if (!Number.isSafeInteger(spec.offset))
          throw new LogdockError('INVALID_ARGUMENT', `offset ${spec.offset} is not an integer`);
        next = clamp(spec.offset, start, end);
        break;
      case 'timestamp':
        next = (await src.offsetForTimestamp(topic, partition, spec.timestamp)) ?? end;
        break;
      case 'shift':
        if (!Number.isSafeInteger(spec.by))
          throw new LogdockError('INVALID_ARGUMENT', `shift ${spec.by} is not an integer`);
        next = clamp((old ?? start) + spec.by, start, end);
        break;
    }
    plan.push({ topic, partition, oldOffset: old, newOffset: next });
  }
  return plan;
}
