import { describe, expect, it } from 'vitest';
import type { Struct } from '../../../../src/main/protocol/codec/compile';
import { encodeSubscription } from '../../../../src/main/kafka/consumer-protocol';
import { type RawClient, useLogdock, waitFor } from '../helpers';

const logdock = useLogdock();
const list = (v: unknown) => v as Struct[];
const SESSION_MS = 1500;

/** A static member (group.instance.id `node-1`) joins `groupId` and syncs generation 1. */
async function joinStatic(client: RawClient, groupId: string): Promise<string> {
  const joined = await client.request('JoinGroup', 5, {
    groupId,
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: 1000,
    memberId: '',
    groupInstanceId: 'node-1',
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: encodeSubscription({ topics: ['s'] }) }],
  });
  expect(joined.errorCode).toBe(0);
  const memberId = joined.memberId as string;
  const synced = await client.request('SyncGroup', 3, {
    groupId,
    generationId: joined.generationId,
    memberId,
    groupInstanceId: 'node-1',
    assignments: [{ memberId, assignment: Buffer.alloc(0) }],
  });
  expect(synced.errorCode).toBe(0);
  const beat = await client.request('Heartbeat', 3, {
    groupId,
    generationId: joined.generationId,
    memberId,
    groupInstanceId: 'node-1',
  });
  expect(beat.errorCode).toBe(0);
  return memberId;
}

async function stateOf(client: RawClient, groupId: string): Promise<string> {
  const res = await client.request('DescribeGroups', 5, {
    groups: [groupId],
    includeAuthorizedOperations: false,
  });
  return list(res.groups)[0].groupState as string;
}

async function deleteGroup(client: RawClient, groupId: string): Promise<number> {
  const res = await client.request('DeleteGroups', 2, { groupsNames: [groupId] });
  return list(res.results)[0].errorCode as number;
}

describe('static group members (group.instance.id)', () => {
  it('leaves a static member that closes without LeaveGroup in the group until its session timeout, then empties it', async () => {
    const ld = await logdock.start();
    const admin = await logdock.client(ld.port);
    const member = await logdock.client(ld.port);
    await joinStatic(member, 'static-expiry');
    // librdkafka closes a static member without LeaveGroup (KIP-345): only the session ends it.
    member.close();
    await member.closedPromise;
    expect(await stateOf(admin, 'static-expiry')).toBe('Stable');
    expect(await deleteGroup(admin, 'static-expiry')).toBe(68); // NON_EMPTY_GROUP
    await waitFor(
      async () => (await stateOf(admin, 'static-expiry')) === 'Empty',
      `the static member's ${SESSION_MS} ms session to expire`,
    );
    expect(ld.broker.describeGroup('static-expiry').members).toBe(0);
    expect(await deleteGroup(admin, 'static-expiry')).toBe(0);
  });

  it('empties the group at once when a static member leaves by its instance id', async () => {
    const ld = await logdock.start();
    const client = await logdock.client(ld.port);
    await joinStatic(client, 'static-leave');
    const left = await client.request('LeaveGroup', 3, {
      groupId: 'static-leave',
      members: [{ memberId: '', groupInstanceId: 'node-1' }],
    });
    expect(left.errorCode).toBe(0);
    expect(list(left.members).map((m) => m.errorCode)).toEqual([0]);
    expect(await stateOf(client, 'static-leave')).toBe('Empty');
    expect(await deleteGroup(client, 'static-leave')).toBe(0);
  });
});
