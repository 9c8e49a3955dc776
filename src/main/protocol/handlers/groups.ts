/**
 * The classic consumer group APIs, as thin translations onto the broker's group
 * coordinator (`broker.groups`): FindCoordinator (always this node), JoinGroup, SyncGroup,
 * Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, ListGroups, DescribeGroups and
 * DeleteGroups. The coordinator throws LogdockErrors, with a typed reason where one Logdock
 * code stands for several Kafka ones (broker/failures.ts); errors.ts maps both.
 */
import { NODE_ID, type Handler, type RequestContext } from '../context';
import { KafkaError, kafkaCodeOf, kafkaCodeOfResult, kafkaErrorCode } from '../errors';
import type * as T from '../generated/types';

const TXN_KEY_TYPE = 1;

/**
 * Logdock has no transaction coordinator. Kafka has no code for "transactions unsupported";
 * COORDINATOR_NOT_AVAILABLE (what this answered before) is retriable, so librdkafka's
 * init_transactions, kafkajs and @platformatic/kafka retried it until their own timeouts (60 s
 * and more) and then blamed a timeout. TRANSACTIONAL_ID_AUTHORIZATION_FAILED is the one code
 * every client treats as fatal at once, and they show its message.
 */
function refuseTransactions(key: string) {
  return {
    key,
    nodeId: -1,
    host: '',
    port: -1,
    errorCode: KafkaError.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code,
    errorMessage: `transactional id "${key}": Logdock does not support transactions (use an idempotent producer without transactional.id)`,
  };
}

export const findCoordinator: Handler<T.FindCoordinatorRequest, T.FindCoordinatorResponse> = (
  ctx,
  req,
) => {
  const host = ctx.connection.localHost;
  const port = ctx.connection.localPort;
  const forKey = (key: string) =>
    req.keyType === TXN_KEY_TYPE
      ? refuseTransactions(key)
      : { key, nodeId: NODE_ID, host, port, errorCode: 0, errorMessage: null };
  if (ctx.apiVersion >= 4) {
    return { throttleTimeMs: 0, coordinators: req.coordinatorKeys.map(forKey) };
  }
  return { throttleTimeMs: 0, ...forKey(req.key) };
};

export const joinGroup: Handler<T.JoinGroupRequest, T.JoinGroupResponse> = async (ctx, req) => {
  const base = {
    throttleTimeMs: 0,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId: req.memberId,
    members: [],
  };
  try {
    const result = await ctx.broker.groups.joinGroup({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: ctx.clientId,
      clientHost: `/${ctx.connection.clientHost}`,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      requireKnownMemberId: ctx.apiVersion >= 4,
      reason: req.reason,
    });
    if (result.kind === 'memberIdRequired') {
      return { ...base, errorCode: KafkaError.MEMBER_ID_REQUIRED.code, memberId: result.memberId };
    }
    return {
      ...base,
      errorCode: 0,
      generationId: result.generationId,
      protocolType: result.protocolType,
      protocolName: result.protocolName,
      leader: result.leader,
      memberId: result.memberId,
      members: result.members,
    };
  } catch (err) {
    return { ...base, errorCode: kafkaErrorCode(err) };
  }
};

export const syncGroup: Handler<T.SyncGroupRequest, T.SyncGroupResponse> = async (ctx, req) => {
  try {
    const result = await ctx.broker.groups.syncGroup({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      protocolType: req.protocolType,
      protocolName: req.protocolName,
      assignments: req.assignments.map((a) => ({
        memberId: a.memberId,
        assignment: a.assignment,
      })),
    });
    return { throttleTimeMs: 0, errorCode: 0, ...result };
  } catch (err) {
    return {
      throttleTimeMs: 0,
      errorCode: kafkaErrorCode(err),
      protocolType: null,
      protocolName: null,
      assignment: Buffer.alloc(0),
    };
  }
};

export const heartbeat: Handler<T.HeartbeatRequest, T.HeartbeatResponse> = (ctx, req) => {
  try {
    ctx.broker.groups.heartbeat({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
    });
    return { throttleTimeMs: 0, errorCode: 0 };
  } catch (err) {
    return { throttleTimeMs: 0, errorCode: kafkaErrorCode(err) };
  }
};

export const leaveGroup: Handler<T.LeaveGroupRequest, T.LeaveGroupResponse> = (ctx, req) => {
  // v0-2 name one member; v3+ a list (with static members' instance ids).
  const members =
    ctx.apiVersion >= 3
      ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
      : [{ memberId: req.memberId, groupInstanceId: null }];
  try {
    const results = ctx.broker.groups.leaveGroup(req.groupId, members);
    const memberResults = results.map((r) => ({
      memberId: r.memberId,
      groupInstanceId: r.groupInstanceId,
      errorCode: kafkaCodeOf(r.error),
    }));
    const errorCode = ctx.apiVersion >= 3 ? 0 : memberResults[0].errorCode;
    return { throttleTimeMs: 0, errorCode, members: memberResults };
  } catch (err) {
    return { throttleTimeMs: 0, errorCode: kafkaErrorCode(err), members: [] };
  }
};

export const offsetCommit: Handler<T.OffsetCommitRequest, T.OffsetCommitResponse> = async (
  ctx,
  req,
) => {
  const topics = req.topics;
  const entries = topics.flatMap((t) =>
    t.partitions.map((p) => ({
      topic: t.name,
      partition: p.partitionIndex,
      offset: p.committedOffset,
      leaderEpoch: p.committedLeaderEpoch,
      metadata: p.committedMetadata,
    })),
  );
  const codes = new Map<string, number>();
  try {
    const results = await ctx.broker.groups.commitOffsets(
      {
        groupId: req.groupId,
        // v0 has no generation: a commit outside group management.
        generationId: ctx.apiVersion >= 1 ? req.generationIdOrMemberEpoch : -1,
        memberId: ctx.apiVersion >= 1 ? req.memberId : '',
        groupInstanceId: req.groupInstanceId,
      },
      entries,
    );
    for (const r of results) {
      codes.set(`${r.topic}:${r.partition}`, kafkaCodeOfResult(r));
    }
  } catch (err) {
    const code = kafkaErrorCode(err);
    for (const e of entries) codes.set(`${e.topic}:${e.partition}`, code);
  }
  return {
    throttleTimeMs: 0,
    topics: topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: codes.get(`${t.name}:${p.partitionIndex}`) ?? 0,
      })),
    })),
  };
};

type OffsetFetchTopic = T.OffsetFetchResponseOffsetFetchResponseTopic;

function fetchGroupOffsets(
  ctx: RequestContext,
  groupId: string,
  topics: { name: string; partitionIndexes: number[] }[] | null,
): OffsetFetchTopic[] {
  const wanted =
    topics === null ? null : topics.map((t) => ({ topic: t.name, partitions: t.partitionIndexes }));
  const fetched = ctx.broker.groups.fetchOffsets(groupId, wanted);
  const byTopic = new Map<string, OffsetFetchTopic['partitions']>();
  for (const o of fetched) {
    const list = byTopic.get(o.topic) ?? [];
    list.push({
      partitionIndex: o.partition,
      committedOffset: o.offset,
      committedLeaderEpoch: o.leaderEpoch,
      metadata: o.metadata,
      errorCode: 0,
    });
    byTopic.set(o.topic, list);
  }
  return [...byTopic].map(([name, partitions]) => ({ name, partitions }));
}

export const offsetFetch: Handler<T.OffsetFetchRequest, T.OffsetFetchResponse> = (ctx, req) => {
  if (ctx.apiVersion >= 8) {
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((g) => {
        try {
          return {
            groupId: g.groupId,
            topics: fetchGroupOffsets(ctx, g.groupId, g.topics),
            errorCode: 0,
          };
        } catch (err) {
          return { groupId: g.groupId, topics: [], errorCode: kafkaErrorCode(err) };
        }
      }),
    };
  }
  // v0-1 cannot ask for "all topics"; null (v2+) can.
  try {
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      topics: fetchGroupOffsets(ctx, req.groupId, req.topics),
    };
  } catch (err) {
    return { throttleTimeMs: 0, errorCode: kafkaErrorCode(err), topics: [] };
  }
};

export const listGroups: Handler<T.ListGroupsRequest, T.ListGroupsResponse> = (ctx, req) => {
  const states = req.statesFilter;
  const groups = ctx.broker.groups
    .listGroups()
    .filter((g) => states.length === 0 || states.includes(g.state))
    .map((g) => ({
      groupId: g.groupId,
      protocolType: g.protocolType,
      groupState: g.state,
      groupType: 'classic',
    }));
  return { throttleTimeMs: 0, errorCode: 0, groups };
};

export const describeGroups: Handler<T.DescribeGroupsRequest, T.DescribeGroupsResponse> = (
  ctx,
  req,
) => ({
  throttleTimeMs: 0,
  groups: req.groups.map((groupId) => {
    const raw = ctx.broker.groups.describeGroupRaw(groupId);
    if (!raw) {
      // Kafka describes an unknown group as Dead with no members, not as an error.
      return {
        errorCode: 0,
        groupId,
        groupState: 'Dead',
        protocolType: '',
        protocolData: '',
        members: [],
        authorizedOperations: -2147483648,
      };
    }
    const byId = new Map(raw.members.map((m) => [m.memberId, m]));
    return {
      errorCode: 0,
      groupId,
      groupState: raw.group.state,
      protocolType: raw.group.protocolType,
      protocolData: raw.group.protocol,
      members: raw.group.memberList.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: byId.get(m.memberId)?.metadata ?? Buffer.alloc(0),
        memberAssignment: byId.get(m.memberId)?.assignment ?? Buffer.alloc(0),
      })),
      authorizedOperations: -2147483648,
    };
  }),
});

export const deleteGroups: Handler<T.DeleteGroupsRequest, T.DeleteGroupsResponse> = async (
  ctx,
  req,
) => {
  const results: { groupId: string; errorCode: number }[] = [];
  for (const groupId of req.groupsNames) {
    try {
      await ctx.broker.groups.deleteGroup(groupId);
      results.push({ groupId, errorCode: 0 });
    } catch (err) {
      results.push({ groupId, errorCode: kafkaErrorCode(err) });
    }
  }
  return { throttleTimeMs: 0, results };
};

/**
 * OffsetDelete (KIP-496, `kafka-consumer-groups --delete-offsets`): a top-level error for
 * the group (unknown, invalid id), else one code per partition (see
 * GroupCoordinator.deleteOffsets).
 */
export const offsetDelete: Handler<T.OffsetDeleteRequest, T.OffsetDeleteResponse> = async (
  ctx,
  req,
) => {
  const topics = req.topics;
  const partitions = topics.flatMap((t) =>
    t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })),
  );
  let results;
  try {
    results = await ctx.broker.groups.deleteOffsets(req.groupId, partitions);
  } catch (err) {
    return { errorCode: kafkaErrorCode(err), throttleTimeMs: 0, topics: [] };
  }
  const codes = new Map(results.map((r) => [`${r.partition}:${r.topic}`, kafkaCodeOfResult(r)]));
  return {
    errorCode: 0,
    throttleTimeMs: 0,
    topics: topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: codes.get(`${p.partitionIndex}:${t.name}`) ?? 0,
      })),
    })),
  };
};
