import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openOpsHarness, text, type OpsHarness } from './ops-harness';

let h: OpsHarness;
const T0 = 1_700_000_000_000;

beforeEach(async () => {
  h = await openOpsHarness();
});
afterEach(async () => {
  await h.close();
});

describe('dashboard handlers', () => {
  it('gives messages per second per topic from samples of the log end offsets', async () => {
    await h.broker.createTopic('a');
    await h.broker.createTopic('b');
    await h.metrics.sample();
    await h.broker.send(
      Array.from({ length: 30 }, (_, i) => ({ topic: 'a', value: text(`m${i}`) })),
    );
    h.clock.now += 2000;
    await h.metrics.sample();
    await h.broker.send([{ topic: 'b', value: text('one') }]);
    h.clock.now += 1000;
    await h.metrics.sample();
    const rates = await h.client.call('dashboard.rates', {});
    const byTopic = Object.fromEntries(
      rates.topics.map((t) => [t.topic, t.points.map((p) => p.rate)]),
    );
    expect(byTopic).toEqual({ a: [15, 0], b: [0, 1] });
  });

  it("gives messages consumed per second per topic from the growth of groups' committed offsets, and totals", async () => {
    await h.broker.createTopic('a', { partitions: 2 });
    await h.broker.createTopic('quiet');
    await h.broker.send(
      Array.from({ length: 40 }, (_, i) => ({
        topic: 'a',
        partition: i % 2,
        value: text(`m${i}`),
      })),
    );
    const commit = (group: string, p0: number, p1: number) =>
      h.broker.groups.setOffsets(group, [
        { topic: 'a', partition: 0, offset: p0 },
        { topic: 'a', partition: 1, offset: p1 },
      ]);
    await commit('billing', 0, 0);
    await h.metrics.sample(); // baseline of every series
    await commit('billing', 10, 6); // 16 consumed in 2 s
    await commit('audit', 20, 20); // a new group: its first sample is its baseline
    h.clock.now += 2000;
    await h.metrics.sample();
    await commit('billing', 20, 20); // 24 in 4 s
    await commit('audit', 15, 20); // reset backwards: not negative consumption
    await h.broker.send([{ topic: 'quiet', value: text('one') }]);
    h.clock.now += 4000;
    await h.metrics.sample();

    const rates = await h.client.call('dashboard.rates', {});
    expect(rates.consumed).toEqual([
      {
        topic: 'a',
        groups: ['audit', 'billing'],
        // The first sample set billing's baseline, the second audit's: no point then.
        points: [
          { timestamp: h.clock.now - 4000, rate: 8 },
          { timestamp: h.clock.now, rate: 6 },
        ],
      },
    ]);
    // Produced: 40 messages before the first sample, then 1 on `quiet` in the last 4 s.
    expect(rates.total.produced.map((p) => p.rate)).toEqual([0, 0.25]);
    expect(rates.total.consumed.map((p) => p.rate)).toEqual([8, 6]);
    expect(rates.total.consumed.map((p) => p.timestamp)).toEqual([h.clock.now - 4000, h.clock.now]);

    // Deleted groups take the topic's consumed series with them.
    await h.client.call('groups.delete', { groupId: 'billing' });
    await h.client.call('groups.delete', { groupId: 'audit' });
    h.clock.now += 1000;
    await h.metrics.sample();
    const after = await h.client.call('dashboard.rates', {});
    expect(after.consumed).toEqual([]);
    expect(after.total.consumed.map((p) => p.rate)).toEqual([8, 6, 0]);
  });

  it('gives disk use and message counts per topic, largest first', async () => {
    await h.broker.createTopic('small');
    await h.broker.createTopic('big', { partitions: 2 });
    await h.broker.send([{ topic: 'small', value: text('x') }]);
    await h.broker.send(
      Array.from({ length: 50 }, (_, i) => ({
        topic: 'big',
        partition: i % 2,
        value: text('y'.repeat(100)),
      })),
    );
    const disk = await h.client.call('dashboard.disk', {});
    expect(disk.map((d) => [d.topic, d.partitions, d.messages])).toEqual([
      ['big', 2, 50],
      ['small', 1, 1],
    ]);
    expect(disk[0].sizeBytes).toBeGreaterThan(5000);
  });

  it('counts messages per time bucket and level, as collected lines carry them', async () => {
    await h.broker.createTopic('logs', { partitions: 2 });
    const records = [
      // The collectors put the parsed level in a `level` header.
      {
        partition: 0,
        value: text('disk full'),
        headers: [{ key: 'level', value: text('ERROR') }],
        timestamp: T0 + 500,
      },
      { partition: 1, value: text('{"level":"warn","msg":"slow"}'), timestamp: T0 + 1500 },
      { partition: 0, value: text('2024-01-01 INFO started'), timestamp: T0 + 1600 },
      { partition: 1, value: text('no level here'), timestamp: T0 + 2500 },
      { partition: 0, value: text('{"level":"info"}'), timestamp: T0 + 5000 }, // outside the window
    ];
    await h.broker.send(records.map((r) => ({ topic: 'logs', headers: [], ...r })));
    const hist = await h.client.call('dashboard.histogram', {
      topic: 'logs',
      from: T0,
      to: T0 + 3000,
      buckets: 3,
    });
    expect(hist.bucketMs).toBe(1000);
    expect(hist.truncated).toBe(false);
    const nonZero = hist.buckets.map((b) =>
      Object.fromEntries(Object.entries(b.counts).filter(([, n]) => n > 0)),
    );
    expect(hist.buckets.map((b) => b.start)).toEqual([T0, T0 + 1000, T0 + 2000]);
    expect(nonZero).toEqual([{ error: 1 }, { warn: 1, info: 1 }, { none: 1 }]);
  });

  it('counts only the partitions the browser picked', async () => {
    await h.broker.createTopic('logs', { partitions: 2 });
    await h.broker.send([
      { topic: 'logs', partition: 0, value: text('ERROR a'), headers: [], timestamp: T0 },
      { topic: 'logs', partition: 1, value: text('WARN b'), headers: [], timestamp: T0 + 1 },
      { topic: 'logs', partition: 1, value: text('WARN c'), headers: [], timestamp: T0 + 2 },
    ]);
    const hist = await h.client.call('dashboard.histogram', {
      topic: 'logs',
      partitions: [1],
      from: T0,
      to: T0 + 10,
      buckets: 1,
    });
    expect(hist.scanned).toBe(2);
    expect(hist.buckets[0].counts).toMatchObject({ error: 0, warn: 2 });
  });

  it('reads only the newest messages of a large window and says so', async () => {
    await h.broker.createTopic('logs');
    await h.broker.send(
      Array.from({ length: 100 }, (_, i) => ({
        topic: 'logs',
        value: text('x'),
        timestamp: T0 + i,
      })),
    );
    const hist = await h.client.call('dashboard.histogram', {
      topic: 'logs',
      from: T0,
      to: T0 + 100,
      buckets: 2,
      maxMessages: 10,
    });
    expect(hist).toMatchObject({ scanned: 10, truncated: true });
    expect(hist.buckets.map((b) => b.counts.none)).toEqual([0, 10]);
  });

  it('refuses an empty window and an unknown topic', async () => {
    await expect(
      h.client.call('dashboard.histogram', { topic: 'logs', from: 10, to: 10 }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/to: to must be after from/),
    });
    await expect(
      h.client.call('dashboard.histogram', { topic: 'nope', from: 0, to: 10 }),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_TOPIC',
    });
  });
});

describe('dashboard.locate', () => {
  it('finds the first message at or after a time over all partitions', async () => {
    await h.broker.createTopic('logs', { partitions: 2 });
    await h.broker.send([
      { topic: 'logs', partition: 0, value: text('a'), timestamp: T0 + 100 },
      { topic: 'logs', partition: 0, value: text('b'), timestamp: T0 + 400 },
      { topic: 'logs', partition: 1, value: text('c'), timestamp: T0 + 300 },
    ]);
    expect(await h.client.call('dashboard.locate', { topic: 'logs', timestamp: T0 + 200 })).toEqual(
      { partition: 1, offset: 0 },
    );
    expect(await h.client.call('dashboard.locate', { topic: 'logs', timestamp: T0 + 350 })).toEqual(
      { partition: 0, offset: 1 },
    );
    expect(
      await h.client.call('dashboard.locate', { topic: 'logs', timestamp: T0 + 999 }),
    ).toBeNull();
  });
});
