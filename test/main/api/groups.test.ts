import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Consumer } from '../../../src/main/broker';
import { openOpsHarness, text, waitFor, type OpsHarness } from './ops-harness';

let h: OpsHarness;
beforeEach(async () => {
  h = await openOpsHarness();
  await h.broker.createTopic('orders', { partitions: 2 });
  const records = Array.from({ length: 10 }, (_, i) => ({
    topic: 'orders',
    partition: i % 2,
    value: text(`order ${i}`),
    timestamp: 1_000_000 + i * 1000,
  }));
  await h.broker.send(records);
});
afterEach(async () => {
  await h.close();
});

/**
 * A real group member: joins, polls until it has records (so it holds the assignment), then
 * commits the given offset of each partition.
 */
async function consumeAndCommit(
  offsets: [number, number],
  clientId = 'billing',
): Promise<Consumer> {
  const consumer = h.broker.consumer({ groupId: 'billing', clientId, autoOffsetReset: 'earliest' });
  consumer.subscribe(['orders']);
  await waitFor(async () => (await consumer.poll(200)).length > 0, 'records polled');
  await consumer.commitSync(
    offsets.map((offset, partition) => ({ topic: 'orders', partition, offset })),
  );
  return consumer;
}

describe('groups handlers', () => {
  it('lists a group consumed by a real consumer with its state, members, topics and lag', async () => {
    const consumer = await consumeAndCommit([2, 1]);
    const [group] = await h.client.call('groups.list', {});
    expect(group).toMatchObject({
      groupId: 'billing',
      state: 'Stable',
      members: 1,
      topics: ['orders'],
    });
    expect(group.totalLag).toBe(10 - 3);
    await consumer.close();
  });

  it("describes members with client id, host and assignment, and each partition's lag", async () => {
    const consumer = await consumeAndCommit([2, 1], 'billing-1');
    const detail = await h.client.call('groups.describe', { groupId: 'billing' });
    expect(detail.memberList).toHaveLength(1);
    expect(detail.memberList[0]).toMatchObject({ clientId: 'billing-1' });
    expect(detail.memberList[0].assignment).toEqual([{ topic: 'orders', partitions: [0, 1] }]);
    const byPartition = Object.fromEntries(detail.partitions.map((p) => [p.partition, p]));
    expect(byPartition[0]).toMatchObject({ committedOffset: 2, logEndOffset: 5, lag: 3 });
    expect(byPartition[1]).toMatchObject({ committedOffset: 1, logEndOffset: 5, lag: 4 });
    for (const p of detail.partitions)
      expect(p.lag).toBe(p.logEndOffset - (p.committedOffset ?? 0));
    await consumer.close();
  });

  it('shows the dry-run plan but refuses to execute while the group has active members', async () => {
    const consumer = await consumeAndCommit([2, 2]);
    const dry = await h.client.call('groups.resetOffsets', {
      groupId: 'billing',
      spec: { kind: 'earliest' },
      dryRun: true,
    });
    expect(dry.executed).toBe(false);
    expect(dry.plan.map((e) => e.newOffset)).toEqual([0, 0]);
    expect(dry.blockedReason).toMatch(/billing has 1 active member.*stop its consumers/);
    const err = await h.client
      .call('groups.resetOffsets', {
        groupId: 'billing',
        spec: { kind: 'earliest' },
        dryRun: false,
      })
      .catch((e: { code: string }) => e);
    expect(err).toMatchObject({ code: 'GROUP_NOT_EMPTY' });
    const still = await h.client.call('groups.describe', { groupId: 'billing' });
    expect(still.partitions.some((p) => (p.committedOffset ?? 0) > 0)).toBe(true);
    await consumer.close();
  });

  it('moves the committed offsets of an empty group exactly as the plan said', async () => {
    const consumer = await consumeAndCommit([5, 5]);
    await consumer.close();
    await waitFor(() => h.broker.describeGroup('billing').members === 0, 'the member to leave');
    const plan = await h.client.call('groups.resetOffsets', {
      groupId: 'billing',
      topic: 'orders',
      spec: { kind: 'shift', by: -2 },
      dryRun: true,
    });
    expect(plan.blockedReason).toBeNull();
    expect(plan.plan).toEqual([
      { topic: 'orders', partition: 0, oldOffset: 5, newOffset: 3 },
      { topic: 'orders', partition: 1, oldOffset: 5, newOffset: 3 },
    ]);
    // A dry run writes nothing.
    expect(h.broker.committedOffsets('billing').get('orders:0')).toBe(5);
    const done = await h.client.call('groups.resetOffsets', {
      groupId: 'billing',
      topic: 'orders',
      spec: { kind: 'shift', by: -2 },
      dryRun: false,
    });
    expect(done).toMatchObject({ executed: true, plan: plan.plan });
    const lag = await h.client.call('groups.describe', { groupId: 'billing' });
    expect(lag.partitions.map((p) => [p.committedOffset, p.lag])).toEqual([
      [3, 2],
      [3, 2],
    ]);
  });

  it('resets one partition to a date and time or to an offset', async () => {
    await (await consumeAndCommit([5, 5])).close();
    await waitFor(() => h.broker.describeGroup('billing').members === 0, 'the member to leave');
    // Partition 1 holds messages 1,3,5,7,9 at 1_001_000 + 2000*k.
    const byTime = await h.client.call('groups.resetOffsets', {
      groupId: 'billing',
      topic: 'orders',
      partition: 1,
      spec: { kind: 'timestamp', timestamp: 1_004_500 },
      dryRun: false,
    });
    expect(byTime.plan).toEqual([{ topic: 'orders', partition: 1, oldOffset: 5, newOffset: 2 }]);
    const byOffset = await h.client.call('groups.resetOffsets', {
      groupId: 'billing',
      topic: 'orders',
      partition: 0,
      spec: { kind: 'offset', offset: 1 },
      dryRun: false,
    });
    expect(byOffset.plan).toEqual([{ topic: 'orders', partition: 0, oldOffset: 5, newOffset: 1 }]);
    expect([...h.broker.committedOffsets('billing').entries()].sort()).toEqual([
      ['orders:0', 1],
      ['orders:1', 2],
    ]);
  });

  it('refuses a partition without a topic and names the field', async () => {
    const err = await h.client
      .call('groups.resetOffsets', {
        groupId: 'g',
        partition: 0,
        spec: { kind: 'latest' },
        dryRun: true,
      })
      .catch((e: { code: string; message: string }) => e);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((err as { message: string }).message).toMatch(/partition: a partition needs a topic/);
  });

  it('keeps the lag history sampled in memory', async () => {
    const consumer = await consumeAndCommit([1, 1]);
    await h.metrics.sample();
    h.clock.now += 1000;
    await h.broker.send([{ topic: 'orders', partition: 0, value: text('late') }]);
    await h.metrics.sample();
    const history = await h.client.call('groups.lagHistory', { groupId: 'billing' });
    expect(history.intervalMs).toBe(1000);
    expect(history.points.map((p) => p.lag)).toEqual([8, 9]);
    expect(history.points[1].timestamp - history.points[0].timestamp).toBe(1000);
    await consumer.close();
  });

  it('deletes an empty group and refuses an active one', async () => {
    const consumer = await consumeAndCommit([1, 0]);
    await expect(h.client.call('groups.delete', { groupId: 'billing' })).rejects.toMatchObject({
      code: 'GROUP_NOT_EMPTY',
    });
    await consumer.close();
    await waitFor(() => h.broker.describeGroup('billing').members === 0, 'the member to leave');
    await h.client.call('groups.delete', { groupId: 'billing' });
    expect(await h.client.call('groups.list', {})).toEqual([]);
    await expect(h.client.call('groups.describe', { groupId: 'billing' })).rejects.toMatchObject({
      code: 'UNKNOWN_GROUP',
    });
  });
});
