import type { Admin } from '@platformatic/kafka';
import { LogdockError } from '../../common/errors';
import type {
  GroupDescription,
  GroupSummary,
  OffsetResetPlanEntry,
  OffsetResetTarget,
  PartitionLag,
} from '../cluster/cluster';
import { describeGroups } from './describe-groups';
import { kafkaCall } from './kafka-errors';

type Offsets = (names: string[]) => Promise<{
  start: Map<string, number>;
  end: Map<string, number>;
  counts: Map<string, number>;
}>;

const STATES = new Set<GroupSummary['state']>([
  'Empty',
  'PreparingRebalance',
  'CompletingRebalance',
  'Stable',
  'Dead',
]);

/**
 * Consumer groups of a remote cluster (ListGroups, DescribeGroups, OffsetFetch, OffsetCommit
 * through AlterConsumerGroupOffsets, DeleteGroups). Reset plans follow
 * `kafka-consumer-groups --reset-offsets`: the new offset is clamped to the partition's
 * start and end; applying needs a group without members (the broker refuses otherwise).
 */
export class RemoteGroups {
  constructor(
    private readonly admin: Admin,
    private readonly cluster: string,
    private readonly offsets: Offsets,
  ) {}

  async list(): Promise<GroupSummary[]> {
    const groups = await kafkaCall(`list groups on ${this.cluster}`, () => this.admin.listGroups());
    if (groups.size === 0) return [];
    const described = await kafkaCall(`describe groups on ${this.cluster}`, () =>
      describeGroups(this.admin, [...groups.keys()]),
    );
    return [...groups.values()].map((g) => ({
      groupId: g.id,
      state: toState(described.get(g.id)?.state ?? g.state),
      protocolType: g.protocolType,
      members: described.get(g.id)?.members.length ?? 0,
    }));
  }

  async describe(groupId: string): Promise<GroupDescription> {
    const described = await kafkaCall(`describe group ${groupId} on ${this.cluster}`, () =>
      describeGroups(this.admin, [groupId]),
    );
    const group = described.get(groupId);
    if (!group || toState(group.state) === 'Dead') {
      throw new LogdockError(
        'UNKNOWN_GROUP',
        `group ${groupId} does not exist on cluster ${this.cluster}`,
      );
    }
    return {
      groupId,
      state: toState(group.state),
      protocolType: group.protocolType,
      protocol: group.protocol,
      generationId: -1,
      members: group.members.length,
      memberList: group.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignment: m.assignment,
      })),
    };
  }

  async committed(groupId: string): Promise<Map<string, number>> {
    const listed = await kafkaCall(`fetch the offsets of group ${groupId} on ${this.cluster}`, () =>
      this.admin.listConsumerGroupOffsets({ groups: [groupId] }),
    );
    const out = new Map<string, number>();
    for (const group of listed) {
      for (const t of group.topics) {
        for (const p of t.partitions) {
          if (p.committedOffset >= 0n)
            out.set(`${t.name}:${p.partitionIndex}`, Number(p.committedOffset));
        }
      }
    }
    return out;
  }

  async lag(groupId: string): Promise<PartitionLag[]> {
    const committed = await this.committed(groupId);
    if (committed.size === 0) await this.describe(groupId); // UNKNOWN_GROUP when there is none
    const topics = [...new Set([...committed.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))];
    const { end } = await this.offsets(topics);
    return [...committed].map(([key, offset]) => {
      const cut = key.lastIndexOf(':');
      const logEndOffset = end.get(key) ?? 0;
      return {
        topic: key.slice(0, cut),
        partition: Number(key.slice(cut + 1)),
        committedOffset: offset,
        logEndOffset,
        lag: Math.max(0, logEndOffset - offset),
      };
    });
  }

  async plan(
    groupId: string,
    target: OffsetResetTarget,
    offsetForTimestamp: (
      topic: string,
      partition: number,
      timestamp: number,
    ) => Promise<number | null>,
  ): Promise<OffsetResetPlanEntry[]> {
    const committed = await this.committed(groupId);
    const topics =
      target.topic !== undefined
        ? [target.topic]
        : [...new Set([...committed.keys()].map(topicOf))];
    const { start, end, counts } = await this.offsets(topics);
    const scope = scopeOf(target, committed, counts, groupId, this.cluster);
    const plan: OffsetResetPlanEntry[] = [];
    for (const { topic, partition } of scope) {
      const key = `${topic}:${partition}`;
      const first = start.get(key) ?? 0;
      const last = end.get(key) ?? 0;
      const old = committed.get(key) ?? null;
      const { spec } = target;
      let wanted: number;
      if (spec.kind === 'earliest') wanted = first;
      else if (spec.kind === 'latest') wanted = last;
      else if (spec.kind === 'offset') wanted = spec.offset;
      else if (spec.kind === 'shift') wanted = (old ?? last) + spec.by;
      else wanted = (await offsetForTimestamp(topic, partition, spec.timestamp)) ?? last;
      plan.push({
        topic,
        partition,
        oldOffset: old,
        newOffset: Math.min(Math.max(wanted, first), last),
      });
    }
    return plan;
  }

  async apply(groupId: string, plan: OffsetResetPlanEntry[]): Promise<void> {
    const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
    for (const e of plan) {
      const list = byTopic.get(e.topic) ?? [];
      list.push({ partition: e.partition, offset: BigInt(e.newOffset) });
      byTopic.set(e.topic, list);
    }
    await kafkaCall(`reset the offsets of group ${groupId} on ${this.cluster}`, () =>
      this.admin.alterConsumerGroupOffsets({
        groupId,
        topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })),
      }),
    );
  }

  async delete(groupId: string): Promise<void> {
    await kafkaCall(`delete group ${groupId} on ${this.cluster}`, () =>
      this.admin.deleteGroups({ groups: [groupId] }),
    );
  }
}

/** Kafka's state name in any spelling (PreparingRebalance, PREPARING_REBALANCE) → ours. */
function toState(state: string): GroupSummary['state'] {
  const key = state.replace(/_/g, '').toLowerCase();
  return [...STATES].find((s) => s.toLowerCase() === key) ?? 'Dead';
}

function topicOf(key: string): string {
  return key.slice(0, key.lastIndexOf(':'));
}

function scopeOf(
  target: OffsetResetTarget,
  committed: Map<string, number>,
  counts: Map<string, number>,
  groupId: string,
  cluster: string,
): { topic: string; partition: number }[] {
  if (target.topic === undefined) {
    const scope = [...committed.keys()]
      .map((key) => ({
        topic: topicOf(key),
        partition: Number(key.slice(key.lastIndexOf(':') + 1)),
      }))
      .filter(({ topic, partition }) => partition < (counts.get(topic) ?? 0));
    if (scope.length === 0) {
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `group ${groupId} has no committed offsets on ${cluster}; name a topic to reset`,
      );
    }
    return scope;
  }
  const count = counts.get(target.topic);
  if (count === undefined) {
    throw new LogdockError(
      'UNKNOWN_TOPIC',
      `topic ${target.topic} does not exist on cluster ${cluster}`,
    );
  }
  if (target.partition !== undefined) {
    if (target.partition < 0 || target.partition >= count) {
      throw new LogdockError(
        'UNKNOWN_PARTITION',
        `topic ${target.topic} on cluster ${cluster} has no partition ${target.partition}`,
      );
    }
    return [{ topic: target.topic, partition: target.partition }];
  }
  return Array.from({ length: count }, (_, partition) => ({ topic: target.topic!, partition }));
}
