import { afterEach, describe, expect, it } from 'vitest';
import {
  GroupCoordinator,
  type JoinGroupRequest,
  type OffsetsRecord,
} from '../../../src/main/broker/coordinator';
import { encodeAssignment, encodeSubscription } from '../../../src/main/kafka/consumer-protocol';
import { rejection, waitFor } from './helpers';

const coordinators: GroupCoordinator[] = [];
afterEach(() => {
  for (const c of coordinators.splice(0)) c.close();
});

function make(persisted: OffsetsRecord[] = []): GroupCoordinator {
  const c = new GroupCoordinator({
    persist: async (_g, records) => {
      persisted.push(...records);
    },
    partitionCount: (topic) => (topic === 'logs' ? 3 : null),
  });
  coordinators.push(c);
  return c;
}

function joinReq(memberId: string, over: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'g',
    memberId,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: encodeSubscription({ topics: ['logs'] }) }],
    ...over,
  };
}

async function joined(c: GroupCoordinator, req: JoinGroupRequest) {
  const r = await c.joinGroup(req);
  if (r.kind !== 'joined') throw new Error('expected a joined result');
  return r;
}

/**
 * A second member b joins the group that `aId` leads; a rejoins, and both sync generation 2
 * with empty assignments. Returns b's member id.
 */
async function secondMemberJoins(
  c: GroupCoordinator,
  aId: string,
  over: Partial<JoinGroupRequest> = {},
): Promise<string> {
  const bJoin = c.joinGroup(joinReq('', over));
  await joined(c, joinReq(aId, over));
  const b = await bJoin;
  if (b.kind !== 'joined') throw new Error('unexpected');
  const bSync = c.syncGroup({
    groupId: 'g',
    generationId: 2,
    memberId: b.memberId,
    assignments: [],
  });
  await c.syncGroup({ groupId: 'g', generationId: 2, memberId: aId, assignments: [] });
  await bSync;
  return b.memberId;
}

describe('GroupCoordinator', () => {
  it('makes a lone member leader of generation 1 and hands back its assignment on sync', async () => {
    const c = make();
    const j = await joined(c, joinReq(''));
    expect(j).toMatchObject({
      generationId: 1,
      protocolName: 'range',
      protocolType: 'consumer',
      leader: j.memberId,
    });
    expect(j.members.map((m) => m.memberId)).toEqual([j.memberId]);
    expect(c.listGroups()[0].state).toBe('CompletingRebalance');
    const assignment = encodeAssignment({
      assignedPartitions: [{ topic: 'logs', partitions: [0, 1, 2] }],
    });
    const s = await c.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: j.memberId,
      assignments: [{ memberId: j.memberId, assignment }],
    });
    expect(s.assignment.equals(assignment)).toBe(true);
    expect(c.describeGroup('g')).toMatchObject({
      state: 'Stable',
      generationId: 1,
      memberList: [{ assignment: [{ topic: 'logs', partitions: [0, 1, 2] }] }],
    });
  });

  it('rebalances when a second member joins: the first learns it from its heartbeat', async () => {
    const c = make();
    const a = await joined(c, joinReq(''));
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, assignments: [] });
    const bJoin = c.joinGroup(joinReq(''));
    expect(c.listGroups()[0].state).toBe('PreparingRebalance');
    expect(
      (await rejection(() => c.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId })))
        .code,
    ).toBe('REBALANCE_IN_PROGRESS');
    const aRejoin = await joined(c, joinReq(a.memberId));
    const b = await bJoin;
    if (b.kind !== 'joined') throw new Error('unexpected');
    expect(aRejoin.generationId).toBe(2);
    expect(b.generationId).toBe(2);
    expect(aRejoin.leader).toBe(a.memberId);
    expect(aRejoin.members).toHaveLength(2);
    expect(b.members).toHaveLength(0);
    const followerSync = c.syncGroup({
      groupId: 'g',
      generationId: 2,
      memberId: b.memberId,
      assignments: [],
    });
    const forB = encodeAssignment({ assignedPartitions: [{ topic: 'logs', partitions: [2] }] });
    await c.syncGroup({
      groupId: 'g',
      generationId: 2,
      memberId: a.memberId,
      assignments: [{ memberId: b.memberId, assignment: forB }],
    });
    expect((await followerSync).assignment.equals(forB)).toBe(true);
    expect(() =>
      c.heartbeat({ groupId: 'g', generationId: 2, memberId: b.memberId }),
    ).not.toThrow();
  });

  it('answers a KIP-394 join without member id with MEMBER_ID_REQUIRED and a generated id', async () => {
    const c = make();
    const first = await c.joinGroup(
      joinReq('', { requireKnownMemberId: true, clientId: 'kafkajs' }),
    );
    expect(first.kind).toBe('memberIdRequired');
    if (first.kind !== 'memberIdRequired') return;
    expect(first.memberId).toMatch(/^kafkajs-/);
    const second = await joined(c, joinReq(first.memberId, { requireKnownMemberId: true }));
    expect(second.memberId).toBe(first.memberId);
    expect(second.generationId).toBe(1);
  });

  it('removes a member that stops heartbeating and rebalances within its session timeout', async () => {
    const c = make();
    // Short enough to wait for, long enough that a busy machine does not expire b too.
    const short = { sessionTimeoutMs: 1000, rebalanceTimeoutMs: 1000 };
    const a = await joined(c, joinReq('', short));
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, assignments: [] });
    const b = await secondMemberJoins(c, a.memberId, short);
    // b keeps heartbeating; a goes silent (a crashed process).
    const started = Date.now();
    let sawRebalance = false;
    await waitFor(() => {
      try {
        c.heartbeat({ groupId: 'g', generationId: 2, memberId: b });
      } catch (err) {
        sawRebalance = (err as { code: string }).code === 'REBALANCE_IN_PROGRESS';
      }
      return sawRebalance;
    }, 'the group to notice the silent member');
    expect(Date.now() - started).toBeLessThan(10_000);
    const again = await joined(c, joinReq(b, short));
    expect(again.generationId).toBe(3);
    expect(again.leader).toBe(b);
    expect(again.members.map((m) => m.memberId)).toEqual([b]);
  });

  it('rejects stale generations, unknown members and incompatible protocols with Kafka error codes', async () => {
    const c = make();
    const a = await joined(c, joinReq(''));
    expect(
      (
        await rejection(
          c.syncGroup({ groupId: 'g', generationId: 7, memberId: a.memberId, assignments: [] }),
        )
      ).code,
    ).toBe('ILLEGAL_GENERATION');
    expect(
      (
        await rejection(
          c.syncGroup({ groupId: 'g', generationId: 1, memberId: 'nobody', assignments: [] }),
        )
      ).code,
    ).toBe('UNKNOWN_MEMBER');
    expect((await rejection(c.joinGroup(joinReq('nobody')))).code).toBe('UNKNOWN_MEMBER');
    const other = joinReq('', { protocols: [{ name: 'sticky', metadata: Buffer.alloc(0) }] });
    expect((await rejection(c.joinGroup(other))).code).toBe('INCONSISTENT_PROTOCOL');
    expect((await rejection(c.joinGroup(joinReq('', { protocolType: 'connect' })))).code).toBe(
      'INCONSISTENT_PROTOCOL',
    );
    expect((await rejection(c.joinGroup(joinReq('', { sessionTimeoutMs: 1 })))).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(() => c.heartbeat({ groupId: 'nope', generationId: 1, memberId: 'x' })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_MEMBER' }),
    );
  });

  it('selects the protocol most members prefer among those all support', async () => {
    const c = make();
    const sub = encodeSubscription({ topics: ['logs'] });
    const rr = { name: 'roundrobin', metadata: sub };
    const range = { name: 'range', metadata: sub };
    const j1 = c.joinGroup(joinReq('', { protocols: [rr, range] }));
    const first = await j1;
    if (first.kind !== 'joined') throw new Error('unexpected');
    expect(first.protocolName).toBe('roundrobin');
    const j2 = c.joinGroup(joinReq('', { protocols: [range] }));
    const again = await joined(c, joinReq(first.memberId, { protocols: [rr, range] }));
    await j2;
    expect(again.protocolName).toBe('range');
  });

  it('commits and fetches offsets, refusing unknown topics per partition', async () => {
    const persisted: OffsetsRecord[] = [];
    const c = make(persisted);
    const a = await joined(c, joinReq(''));
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, assignments: [] });
    const results = await c.commitOffsets({ groupId: 'g', generationId: 1, memberId: a.memberId }, [
      { topic: 'logs', partition: 0, offset: 10, metadata: 'm' },
      { topic: 'logs', partition: 9, offset: 1 },
      { topic: 'nope', partition: 0, offset: 1 },
    ]);
    expect(results.map((r) => r.error)).toEqual([null, 'UNKNOWN_PARTITION', 'UNKNOWN_TOPIC']);
    expect(c.fetchOffsets('g', [{ topic: 'logs', partitions: [0, 1] }])).toEqual([
      { topic: 'logs', partition: 0, offset: 10, leaderEpoch: -1, metadata: 'm' },
      { topic: 'logs', partition: 1, offset: -1, leaderEpoch: -1, metadata: '' },
    ]);
    expect(
      (
        await rejection(
          c.commitOffsets({ groupId: 'g', generationId: 0, memberId: a.memberId }, [
            { topic: 'logs', partition: 0, offset: 1 },
          ]),
        )
      ).code,
    ).toBe('ILLEGAL_GENERATION');
    expect(
      (
        await rejection(
          c.commitOffsets({ groupId: 'g', generationId: -1, memberId: '' }, [
            { topic: 'logs', partition: 0, offset: 1 },
          ]),
        )
      ).code,
    ).toBe('UNKNOWN_MEMBER');
    // a standalone consumer (no group management) may commit to a group of its own
    await c.commitOffsets({ groupId: 'solo', generationId: -1, memberId: '' }, [
      { topic: 'logs', partition: 2, offset: 5 },
    ]);
    expect(c.fetchOffsets('solo', null)).toEqual([
      { topic: 'logs', partition: 2, offset: 5, leaderEpoch: -1, metadata: '' },
    ]);
    expect(persisted.length).toBeGreaterThan(0);
  });

  it('allows commits of the current generation while the group prepares a rebalance', async () => {
    const c = make();
    const a = await joined(c, joinReq(''));
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, assignments: [] });
    const b = c.joinGroup(joinReq(''));
    const r = await c.commitOffsets({ groupId: 'g', generationId: 1, memberId: a.memberId }, [
      { topic: 'logs', partition: 0, offset: 3 },
    ]);
    expect(r[0].error).toBeNull();
    await joined(c, joinReq(a.memberId));
    await b;
    expect(
      (
        await rejection(
          c.commitOffsets({ groupId: 'g', generationId: 2, memberId: a.memberId }, [
            { topic: 'logs', partition: 0, offset: 4 },
          ]),
        )
      ).code,
    ).toBe('REBALANCE_IN_PROGRESS');
  });

  it('refuses to delete a group with members, then deletes it once they left', async () => {
    const c = make();
    const a = await joined(c, joinReq(''));
    expect((await rejection(c.deleteGroup('g'))).code).toBe('GROUP_NOT_EMPTY');
    expect(
      c.leaveGroup('g', [{ memberId: a.memberId }, { memberId: 'ghost' }]).map((r) => r.error),
    ).toEqual([null, 'UNKNOWN_MEMBER']);
    expect(c.listGroups()[0]).toMatchObject({ state: 'Empty', members: 0 });
    await c.deleteGroup('g');
    expect(c.listGroups()).toEqual([]);
    expect((await rejection(c.deleteGroup('g'))).code).toBe('UNKNOWN_GROUP');
  });

  it('rebuilds groups and offsets from the records it persisted', async () => {
    const persisted: OffsetsRecord[] = [];
    const c = make(persisted);
    const a = await joined(c, joinReq(''));
    await c.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      assignments: [
        {
          memberId: a.memberId,
          assignment: encodeAssignment({
            assignedPartitions: [{ topic: 'logs', partitions: [0] }],
          }),
        },
      ],
    });
    await c.commitOffsets({ groupId: 'g', generationId: 1, memberId: a.memberId }, [
      { topic: 'logs', partition: 0, offset: 42 },
    ]);
    await c.commitOffsets({ groupId: 'gone', generationId: -1, memberId: '' }, [
      { topic: 'logs', partition: 0, offset: 1 },
    ]);
    await c.deleteGroup('gone');
    const restored = make();
    for (const r of persisted) restored.loadRecord(r.key, r.value);
    expect(restored.fetchOffsets('g', null)).toMatchObject([
      { topic: 'logs', partition: 0, offset: 42 },
    ]);
    expect(restored.describeGroup('g')).toMatchObject({
      state: 'Stable',
      generationId: 1,
      memberList: [{ memberId: a.memberId, assignment: [{ topic: 'logs', partitions: [0] }] }],
    });
    expect(restored.hasGroup('gone')).toBe(false);
    expect(() =>
      restored.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId }),
    ).not.toThrow();
  });

  it('drops a member that does not rejoin within the rebalance timeout', async () => {
    const c = make();
    const t = { sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 300 };
    const a = await joined(c, joinReq('', t));
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, assignments: [] });
    // b joins; a keeps heartbeating (alive) but never rejoins.
    const bJoin = c.joinGroup(joinReq('', t));
    expect(() => c.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId })).toThrow(
      expect.objectContaining({ code: 'REBALANCE_IN_PROGRESS' }),
    );
    const b = await bJoin;
    if (b.kind !== 'joined') throw new Error('unexpected');
    expect(b.generationId).toBe(2);
    expect(b.members.map((m) => m.memberId)).toEqual([b.memberId]);
    expect(() => c.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_MEMBER' }),
    );
  });

  it('lets a static member (group instance id) replace its previous incarnation', async () => {
    const c = make();
    const first = await joined(c, joinReq('', { groupInstanceId: 'node-1' }));
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: first.memberId, assignments: [] });
    const second = await joined(c, joinReq('', { groupInstanceId: 'node-1' }));
    expect(second.memberId).not.toBe(first.memberId);
    expect(c.describeGroup('g').memberList.map((m) => [m.memberId, m.groupInstanceId])).toEqual([
      [second.memberId, 'node-1'],
    ]);
    expect(
      c.leaveGroup('g', [{ memberId: '', groupInstanceId: 'node-1' }]).map((r) => r.error),
    ).toEqual([null]);
    expect(c.listGroups()[0].state).toBe('Empty');
  });

  it('answers a follower that re-sends its join with the current generation, without a rebalance', async () => {
    const c = make();
    const a = await joined(c, joinReq(''));
    const b = await secondMemberJoins(c, a.memberId);
    const again = await joined(c, joinReq(b));
    expect(again.generationId).toBe(2);
    expect(c.listGroups()[0].state).toBe('Stable');
  });
});
