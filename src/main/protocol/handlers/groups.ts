/**
 * The classic consumer group APIs, as thin translations onto the broker's group
 * coordinator (`broker.groups`): FindCoordinator (always this node), JoinGroup, SyncGroup,
 * Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, ListGroups, DescribeGroups and
 * DeleteGroups. The coordinator throws LogdockErrors, with a typed reason where one Logdock
 * code stands for several Kafka ones (broker/group-errors.ts); errors.ts maps both.
 */
import { NODE_ID, type Handler } from '../context';
import { KafkaError, kafkaCodeOf, kafkaCodeOfResult, kafkaErrorCode } from '../errors';
import { asArray, type Struct } from './util';

const TXN_KEY_TYPE = 1;

export const findCoordinator: Handler = (ctx, req) => {
  const host = ctx.connection.localHost;
  const port = ctx.connection.localPort;
  const forKey = (key: string) =>
    req.keyType === TXN_KEY_TYPE
      ? {
          key,
          nodeId: -1,
          host: '',
          port: -1,
          errorCode: KafkaError.COORDINATOR_NOT_AVAILABLE.code,
          errorMessage: 'transactions are not supported',
        }
      : { key, nodeId: NODE_ID, host, port, errorCode: 0, errorMessage: null };
  if (ctx.apiVersion >= 4) {
    return { throttleTimeMs: 0, coordinators: asArray<string>(req.coordinatorKeys).map(forKey) };
  }
  return { throttleTimeMs: 0, ...forKey(req.key as string) };
};

export const joinGroup: Handler = async (ctx, req) => {
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
      groupId: req.groupId as string,
      memberId: req.memberId as string,
      groupInstanceId: req.groupInstanceId as string | null,
      clientId: ctx.clientId,
      clientHost: `/${ctx.connection.clientHost}`,
      sessionTimeoutMs: req.sessionTimeoutMs as number,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs as number,
      protocolType: req.protocolType as string,
      protocols: asArray(req.protocols).map((p) => ({
        name: p.name as string,
        metadata: p.metadata as Buffer,
      })),
      requireKnownMemberId: ctx.apiVersion >= 4,
      reason: req.reason as string | null,
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

export const syncGroup: Handler = async (ctx, req) => {
  try {
    const result = await ctx.broker.groups.syncGroup({
      groupId: req.groupId as string,
      generationId: req.generationId as number,
      memberId: req.memberId as string,
      groupInstanceId: req.groupInstanceId as string | null,
      protocolType: req.protocolType as string | null,
      protocolName: req.protocolName as string | null,
      assignments: asArray(req.assignments).map((a) => ({
        memberId: a.memberId as string,
        assignment: a.assignment as Buffer,
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

export const heartbeat: Handler = (ctx, req) => {
  try {
    ctx.broker.groups.heartbeat({
      groupId: req.groupId as string,
      generationId: req.generationId as number,
      memberId: req.memberId as string,
      groupInstanceId: req.groupInstanceId as string | null,
    });
    return { throttleTimeMs: 0, errorCode: 0 };
  } catch (err) {
    return { throttleTimeMs: 0, errorCode: kafkaErrorCode(err) };
  }
};

export const leaveGroup: Handler = (ctx, req) => {
  // v0-2 name one member; v3+ a list (with static members' instance ids).
  const members =
    ctx.apiVersion >= 3
      ? asArray(req.members).map((m) => ({
          memberId: m.memberId as string,
          groupInstanceId: m.groupInstanceId as string | null,
        }))
      : [{ memberId: req.memberId as string, groupInstanceId: null }];
  try {
    const results = ctx.broker.groups.leaveGroup(req.groupId as string, members);
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

export const offsetCommit: Handler = async (ctx, req) => {
  const topics = asArray(req.topics);
  const entries = topics.flatMap((t) =>
    asArray(t.partitions).map((p) => ({
      topic: t.name as string,
      partition: p.partitionIndex as number,
      offset: p.committedOffset as number,
      leaderEpoch: p.committedLeaderEpoch as number,
      metadata: p.committedMetadata as string | null,
    })),
  );
  const codes = new Map<string, number>();
  try {
    const results = await ctx.broker.groups.commitOffsets(
      {
        groupId: req.groupId as string,
        // v0 has no generation: a commit outside group management.
        generationId: ctx.apiVersion >= 1 ? (req.generationIdOrMemberEpoch as number) : -1,
        memberId: ctx.apiVersion >= 1 ? (req.memberId as string) : '',
        groupInstanceId: req.groupInstanceId as string | null,
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
      partitions: asArray(t.partitions).map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: codes.get(`${t.name}:${p.partitionIndex}`) ?? 0,
      })),
    })),
  };
};

function fetchGroupOffsets(
  ctx: Parameters<Handler>[0],
  groupId: string,
  topics: Struct[] | null,
): Struct[] {
  const wanted =
    topics === null
      ? null
      : topics.map((t) => ({
          topic: t.name as string,
          partitions: asArray<number>(t.partitionIndexes),
        }));
  const fetched = ctx.broker.groups.fetchOffsets(groupId, wanted);
  const byTopic = new Map<string, Struct[]>();
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

export const offsetFetch: Handler = (ctx, req) => {
  if (ctx.apiVersion >= 8) {
    return {
      throttleTimeMs: 0,
      groups: asArray(req.groups).map((g) => {
        try {
          return {
            groupId: g.groupId,
            topics: fetchGroupOffsets(ctx, g.groupId as string, g.topics as Struct[] | null),
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
      topics: fetchGroupOffsets(ctx, req.groupId as string, req.topics as Struct[] | null),
    };
  } catch (err) {
    return { throttleTimeMs: 0, errorCode: kafkaErrorCode(err), topics: [] };
  }
};

export const listGroups: Handler = (ctx, req) => {
  const states = asArray<string>(req.statesFilter);
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

export const describeGroups: Handler = (ctx, req) => ({
  throttleTimeMs: 0,
  groups: asArray<string>(req.groups).map((groupId) => {
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

export const deleteGroups: Handler = async (ctx, req) => {
  const results: Struct[] = [];
  for (const groupId of asArray<string>(req.groupsNames)) {
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
export const offsetDelete: Handler = async (ctx, req) => {
  const topics = asArray(req.topics);
  const partitions = topics.flatMap((t) =>
    asArray(t.partitions).map((p) => ({
      topic: t.name as string,
      partition: p.partitionIndex as number,
    })),
  );
  let results;
  try {
    results = await ctx.broker.groups.deleteOffsets(req.groupId as string, partitions);
  } catch (err) {
    return { errorCode: kafkaErrorCode(err), throttleTimeMs: 0, topics: [] };
  }
  const codes = new Map(results.map((r) => [`${r.partition}:${r.topic}`, kafkaCodeOfResult(r)]));
  return {
    errorCode: 0,
    throttleTimeMs: 0,
    topics: topics.map((t) => ({
      name: t.name,
      partitions: asArray(t.partitions).map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: codes.get(`${p.partitionIndex as number}:${t.name as string}`) ?? 0,
      })),
    })),
  };
};
