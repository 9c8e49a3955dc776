import type { GroupSummary as GroupSummaryView, groupsRequests } from '../../common/api/groups';
import { LogdockError } from '../../common/errors';
import type { Cluster, GroupSummary, PartitionLag } from '../cluster';
import type { MetricsSampler } from '../metrics/sampler';
import type { HandlersFor } from './dispatcher';

export interface GroupsDeps {
  cluster: Cluster;
  metrics: MetricsSampler;
}

/** Handlers of the `groups.*` requests: the consumer groups view. */
export function createGroupsHandlers({
  cluster,
  metrics,
}: GroupsDeps): HandlersFor<typeof groupsRequests> {
  return {
    'groups.list': async () =>
      Promise.all(
        (await cluster.listGroups()).map(async (g) =>
          summarise(g, await safeLag(cluster, g.groupId)),
        ),
      ),
    'groups.describe': async ({ groupId }) => {
      const group = await cluster.describeGroup(groupId);
      const lag = await cluster.groupLag(groupId);
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
      const blockedReason = await activeMembersReason(cluster, groupId);
      // The person needs to see the plan even while members are active, when the reset
      // itself is refused: the cluster's planner computes it without writing anything.
      const plan = blockedReason
        ? await cluster.planOffsetReset(groupId, target)
        : await cluster.resetGroupOffsets(groupId, target, { dryRun: true });
      if (dryRun) return { plan, executed: false, blockedReason };
      if (blockedReason) throw new LogdockError('GROUP_NOT_EMPTY', blockedReason);
      const done = await cluster.resetGroupOffsets(groupId, target, { dryRun: false });
      return { plan: done, executed: true, blockedReason: null };
    },
    'groups.delete': async ({ groupId }) => {
      const blockedReason = await activeMembersReason(cluster, groupId);
      if (blockedReason) throw new LogdockError('GROUP_NOT_EMPTY', blockedReason);
      await cluster.deleteGroup(groupId);
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
async function safeLag(cluster: Cluster, groupId: string): Promise<PartitionLag[]> {
  try {
    return await cluster.groupLag(groupId);
  } catch {
    return [];
  }
}

/**
 * Why offsets cannot be changed now: Kafka refuses to move the offsets of a group whose
 * consumers are running, because they would overwrite the change with their next commit.
 */
async function activeMembersReason(cluster: Cluster, groupId: string): Promise<string | null> {
  let group;
  try {
    group = await cluster.describeGroup(groupId);
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
