import type { GroupSummary as GroupSummaryView, groupsRequests } from '../../common/api/groups';
import { LogdockError } from '../../common/errors';
import type { BrokerApi, GroupSummary, PartitionLag } from '../broker/api';
import { planOffsetReset, type OffsetSource } from '../broker/group-admin';
import type { MetricsSampler } from '../metrics/sampler';
import type { HandlersFor } from './dispatcher';

export interface GroupsDeps {
  /** The broker, plus what the reset planner reads (so a plan shows even with members). */
  broker: BrokerApi & OffsetSource;
  metrics: MetricsSampler;
}

/** Handlers of the `groups.*` requests: the consumer groups view. */
export function createGroupsHandlers({
  broker,
  metrics,
}: GroupsDeps): HandlersFor<typeof groupsRequests> {
  return {
    'groups.list': () => broker.listGroups().map((g) => summarise(g, safeLag(broker, g.groupId))),
    'groups.describe': ({ groupId }) => {
      const group = broker.describeGroup(groupId);
      const lag = broker.groupLag(groupId);
      const assigned = group.memberList.flatMap((m) => m.assignment.map((a) => a.topic));
      const summary = summarise(group, lag, assigned);
      return {
        ...summary,
        protocol: group.protocol,
        generationId: group.generationId,
        memberList: group.memberList,
        partitions: lag,
      };
    },
    'groups.lagHistory': ({ groupId }) => ({
      intervalMs: metrics.intervalMs,
      points: metrics.lagHistory(groupId).map((p) => ({ timestamp: p.timestamp, lag: p.value })),
    }),
    'groups.resetOffsets': async ({ groupId, topic, partition, spec, dryRun }) => {
      const target = { topic, partition, spec };
      const blockedReason = activeMembersReason(broker, groupId);
      // The broker refuses even a dry run while members are active; the person still needs
      // to see the plan, so it is computed with the broker's own planner (nothing is written).
      const plan = blockedReason
        ? await planOffsetReset(broker, groupId, target)
        : await broker.resetGroupOffsets(groupId, target, { dryRun: true });
      if (dryRun) return { plan, executed: false, blockedReason };
      if (blockedReason) throw new LogdockError('GROUP_NOT_EMPTY', blockedReason);
      const done = await broker.resetGroupOffsets(groupId, target, { dryRun: false });
      return { plan: done, executed: true, blockedReason: null };
    },
    'groups.delete': async ({ groupId }) => {
      const blockedReason = activeMembersReason(broker, groupId);
      if (blockedReason) throw new LogdockError('GROUP_NOT_EMPTY', blockedReason);
      await broker.deleteGroup(groupId);
      return {};
    },
  };
}

function summarise(
  group: GroupSummary,
  lag: PartitionLag[],
  extraTopics: string[] = [],
): GroupSummaryView {
  const withLag = lag.filter((p) => p.lag !== null);
  return {
    groupId: group.groupId,
    state: group.state,
    protocolType: group.protocolType,
    members: group.members,
    topics: [...new Set([...lag.map((p) => p.topic), ...extraTopics])].sort(),
    totalLag: withLag.length === 0 ? null : withLag.reduce((sum, p) => sum + (p.lag ?? 0), 0),
  };
}

/** A group deleted between listing and reading simply shows no lag. */
function safeLag(broker: BrokerApi, groupId: string): PartitionLag[] {
  try {
    return broker.groupLag(groupId);
  } catch {
    return [];
  }
}

/**
 * Why offsets cannot be changed now: Kafka refuses to move the offsets of a group whose
 * consumers are running, because they would overwrite the change with their next commit.
 */
function activeMembersReason(broker: BrokerApi, groupId: string): string | null {
  let group;
  try {
    group = broker.describeGroup(groupId);
  } catch (err) {
    if (err instanceof LogdockError && err.code === 'UNKNOWN_GROUP') return null;
    throw err;
  }
  if (group.members === 0) return null;
  const clients = [...new Set(group.memberList.map((m) => `${m.clientId}@${m.clientHost}`))].join(
    ', ',
  );
  return (
    `group ${groupId} has ${group.members} active member(s) (${clients}) in state ${group.state}; ` +
    'stop its consumers first, or they would overwrite the new offsets with their next commit'
  );
}
