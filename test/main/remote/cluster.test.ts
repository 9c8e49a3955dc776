import { describe, expect, it } from 'vitest';
import { LogdockError } from '../../../src/common/errors';
import { RemoteCluster } from '../../../src/main/remote/cluster';
import { iterateBatches } from '../../../src/main/storage/record-batch';
import { encodeSubscription } from '../../../src/main/kafka/consumer-protocol';
import { RawClient, useLogdock, type Logdock } from '../protocol/helpers';

// The remote cluster implementation against a second Logdock over its Kafka listener: every
// call goes through @platformatic/kafka and the wire, nothing through the broker object.

const fixture = useLogdock();

async function remoteOf(ld: Logdock, readOnly = false): Promise<RemoteCluster> {
  const cluster = new RemoteCluster({
    name: 'second',
    client: { clientId: 'logdock-test', bootstrapBrokers: [ld.bootstrap] },
    readOnly,
  });
  fixture.onCleanup(() => cluster.close());
  return cluster;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (e: unknown) => (e instanceof LogdockError ? e.code : `not a LogdockError: ${String(e)}`),
  );
}

const values = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({
    topic: 'orders',
    value: Buffer.from(`order ${from + i}`),
  }));

describe('RemoteCluster', () => {
  it('creates a topic, produces, and describes partitions with leader, replicas, ISR and offsets', async () => {
    const ld = await fixture.start();
    const remote = await remoteOf(ld);
    await remote.createTopic('orders', { partitions: 3, configs: { 'retention.ms': 3_600_000 } });
    const appended: number[] = [];
    remote.onAppend((e) => appended.push(e.lastOffset - e.baseOffset + 1));
    const placed = await remote.send(
      ['a', 'b', 'c', 'a'].map((k, i) => ({
        topic: 'orders',
        key: Buffer.from(k),
        value: Buffer.from(`v${i}`),
      })),
    );
    // Same key, same partition; each reported offset holds that very record.
    expect(placed[3].partition).toBe(placed[0].partition);
    expect(appended.reduce((a, b) => a + b, 0)).toBe(4);
    for (const [i, p] of placed.entries()) {
      const [at] = await ld.broker.readRecords('orders', p.partition, p.offset, { maxRecords: 1 });
      expect(at.value?.toString()).toBe(`v${i}`);
    }

    const topic = await remote.describeTopic('orders');
    expect(topic.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr])).toEqual([
      [0, 0, [0], [0]],
      [1, 0, [0], [0]],
      [2, 0, [0], [0]],
    ]);
    expect(topic.partitions.reduce((n, p) => n + p.logEndOffset, 0)).toBe(4);
    expect(topic.configs['retention.ms']).toBe(3_600_000);
    expect((await remote.listTopics()).map((t) => t.name)).toContain('orders');
    // The second Logdock holds what was sent, byte for byte.
    const stored = await ld.broker.readRecords('orders', placed[0].partition, 0);
    expect(stored.map((r) => r.value?.toString())).toContain('v3');
  });

  it('reads whole raw batches from an offset and decodes only the records asked for', async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('orders', { partitions: 1 });
    for (let i = 0; i < 10; i++) await ld.broker.send(values(100, i * 100));
    const remote = await remoteOf(ld);

    const read = await remote.read('orders', 0, 550, 64 * 1024);
    expect(read.highWatermark).toBe(1000);
    const batches = [...iterateBatches(read.records)];
    expect(batches[0].header.baseOffset).toBe(500);
    expect(batches.length).toBeGreaterThan(0);

    const rows = await remote.readRecords('orders', 0, 550, { maxRecords: 5 });
    expect(rows.map((r) => [r.offset, r.value?.toString()])).toEqual(
      [550, 551, 552, 553, 554].map((o) => [o, `order ${o}`]),
    );
    // A batch larger than maxBytes still comes back whole (at least one batch, as Kafka).
    expect((await remote.readRecords('orders', 0, 0, { maxBytes: 10 })).length).toBeGreaterThan(0);
  });

  it('finds offsets by time and long-polls for new records', async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('orders', { partitions: 1 });
    await ld.broker.send([{ topic: 'orders', value: Buffer.from('old'), timestamp: 1_000 }]);
    await ld.broker.send([{ topic: 'orders', value: Buffer.from('new'), timestamp: 5_000 }]);
    const remote = await remoteOf(ld);
    expect(await remote.offsetForTimestamp('orders', 0, 2_000)).toBe(1);
    expect(await remote.offsetForTimestamp('orders', 0, 9_000)).toBeNull();

    expect(await remote.waitForData('orders', 0, 2, 300)).toBe(false);
    const waiting = remote.waitForData('orders', 0, 2, 30_000);
    await ld.broker.send(values(1));
    expect(await waiting).toBe(true);
  });

  it('resets a group with a dry run first, reports its lag and deletes it', async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('orders', { partitions: 2 });
    await ld.broker.send(values(10).map((r, i) => ({ ...r, partition: i % 2 })));
    const remote = await remoteOf(ld);

    const target = { topic: 'orders', spec: { kind: 'offset' as const, offset: 3 } };
    const dry = await remote.resetGroupOffsets('billing', target, { dryRun: true });
    expect(dry.map((e) => [e.partition, e.oldOffset, e.newOffset])).toEqual([
      [0, null, 3],
      [1, null, 3],
    ]);
    expect((await remote.committedOffsets('billing')).size).toBe(0);
    await remote.resetGroupOffsets('billing', target, { dryRun: false });
    expect(Object.fromEntries(await remote.committedOffsets('billing'))).toEqual({
      'orders:0': 3,
      'orders:1': 3,
    });
    const lag = await remote.groupLag('billing');
    expect(lag.map((l) => [l.partition, l.lag])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const shifted = await remote.planOffsetReset('billing', { spec: { kind: 'shift', by: -10 } });
    expect(shifted.map((e) => e.newOffset)).toEqual([0, 0]); // clamped to the start
    // With __consumer_offsets there now, listing internal topics still answers (the client
    // keeps no metadata of internal topics; they used to fail the whole listing).
    expect(ld.broker.listTopics({ includeInternal: true }).map((t) => t.name)).toContain(
      '__consumer_offsets',
    );
    expect((await remote.listTopics({ includeInternal: true })).map((t) => t.name)).toContain(
      'orders',
    );

    expect((await remote.listGroups()).map((g) => [g.groupId, g.state])).toContainEqual([
      'billing',
      'Empty',
    ]);
    await remote.deleteGroup('billing');
    expect(await codeOf(remote.describeGroup('billing'))).toBe('UNKNOWN_GROUP');
  });

  it('describes a group whose member has joined but not synced yet (no assignment) without failing', async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('orders', { partitions: 2 });
    // A consumer that joins and never sends SyncGroup: the group waits in CompletingRebalance
    // with a member whose assignment is empty, as every group does for a moment when a
    // consumer joins (the client library's own describeGroups threw out of its socket
    // callback on that: an uncaught exception, and a promise never settled).
    const raw = await RawClient.connect(ld.port);
    fixture.onCleanup(() => raw.close());
    const join = (memberId: string) =>
      raw.request('JoinGroup', 5, {
        groupId: 'billing',
        sessionTimeoutMs: 30_000,
        rebalanceTimeoutMs: 30_000,
        memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: encodeSubscription({ topics: ['orders'] }) }],
      });
    const first = await join('');
    const joined = await join(first.memberId as string); // MEMBER_ID_REQUIRED, then in
    expect(joined.errorCode).toBe(0);
    const remote = await remoteOf(ld);

    const group = await remote.describeGroup('billing');
    expect(group).toMatchObject({ state: 'CompletingRebalance', members: 1 });
    expect(group.memberList).toEqual([
      expect.objectContaining({ memberId: joined.memberId, assignment: [] }),
    ]);
    expect((await remote.listGroups()).map((g) => [g.groupId, g.state, g.members])).toEqual([
      ['billing', 'CompletingRebalance', 1],
    ]);
  });

  it('refuses every write on a read-only cluster and still reads', async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('orders', { partitions: 1 });
    await ld.broker.send(values(3));
    const remote = await remoteOf(ld, true);
    const writes = [
      remote.send(values(1)),
      remote.createTopic('other'),
      remote.deleteTopic('orders'),
      remote.alterTopicConfigs('orders', { 'retention.ms': 1 }),
      remote.createPartitions('orders', 4),
      remote.deleteRecords('orders', 0, 1),
      remote.resetGroupOffsets(
        'g',
        { topic: 'orders', spec: { kind: 'earliest' } },
        { dryRun: false },
      ),
      remote.deleteGroup('g'),
    ];
    for (const write of writes) expect(await codeOf(write)).toBe('FORBIDDEN');
    expect((await remote.readRecords('orders', 0, 0)).length).toBe(3);
    expect(ld.broker.describeTopic('orders').partitions[0].logEndOffset).toBe(3);
    // A dry run changes nothing, so it is allowed.
    expect(
      await codeOf(
        remote.resetGroupOffsets(
          'g',
          { topic: 'orders', spec: { kind: 'earliest' } },
          { dryRun: true },
        ),
      ),
    ).toBe('resolved');
  });

  it('names unknown topics, partitions and offsets with their codes', async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('orders', { partitions: 1 });
    await ld.broker.send(values(3));
    const remote = await remoteOf(ld);
    expect(await codeOf(remote.describeTopic('missing'))).toBe('UNKNOWN_TOPIC');
    expect(await codeOf(remote.read('missing', 0, 0, 1024))).toBe('UNKNOWN_TOPIC');
    expect(await codeOf(remote.read('orders', 5, 0, 1024))).toBe('UNKNOWN_PARTITION');
    expect(await codeOf(remote.read('orders', 0, 99, 1024))).toBe('OFFSET_OUT_OF_RANGE');
    expect(await codeOf(remote.createTopic('orders'))).toBe('ALREADY_EXISTS');
  });
});
