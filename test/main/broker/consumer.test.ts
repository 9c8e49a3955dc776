import { beforeEach, describe, expect, it } from 'vitest';
import { rejection, useBroker } from './helpers';

const fixture = useBroker();

beforeEach(async () => {
  await fixture.broker.createTopic('t', { partitions: 2 });
});

async function produce(partition: number, values: string[], timestamp?: number): Promise<void> {
  await fixture.broker.send(
    values.map((v) => ({ topic: 't', partition, value: Buffer.from(v), timestamp })),
  );
}

const values = (rs: { value: Buffer | null }[]) => rs.map((r) => r.value?.toString());

describe('Consumer', () => {
  it('reads assigned partitions in offset order from earliest', async () => {
    await produce(0, ['a', 'b', 'c']);
    await produce(0, ['d']);
    const c = fixture.broker.consumer({ autoOffsetReset: 'earliest' });
    c.assign([{ topic: 't', partition: 0 }]);
    const got = await c.poll(1000);
    expect(values(got)).toEqual(['a', 'b', 'c', 'd']);
    expect(got.map((r) => r.offset)).toEqual([0, 1, 2, 3]);
    expect(c.position('t', 0)).toBe(4);
  });

  it('starts at the end with latest and returns only new records', async () => {
    await produce(0, ['old']);
    const c = fixture.broker.consumer({ autoOffsetReset: 'latest' });
    c.assign([{ topic: 't', partition: 0 }]);
    expect(await c.poll(0)).toEqual([]);
    await produce(0, ['new']);
    expect(values(await c.poll(1000))).toEqual(['new']);
  });

  it('wakes a long poll as soon as a record is appended', async () => {
    const c = fixture.broker.consumer({ autoOffsetReset: 'earliest' });
    c.assign([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
    // The wait (10 min) outlasts the test's own limit (60 s): only a wake-up on append passes.
    const polled = c.poll(600_000);
    setTimeout(() => void produce(1, ['wake']), 50);
    expect(values(await polled)).toEqual(['wake']);
  });

  it('seeks to an offset, to earliest, to latest and to a timestamp', async () => {
    await produce(0, ['t1'], 1000);
    await produce(0, ['t2'], 2000);
    await produce(0, ['t3'], 3000);
    const c = fixture.broker.consumer({ autoOffsetReset: 'latest' });
    c.assign([{ topic: 't', partition: 0 }]);
    await c.seek('t', 0, 1);
    expect(values(await c.poll(100))).toEqual(['t2', 't3']);
    await c.seek('t', 0, 'earliest');
    expect(values(await c.poll(100))).toEqual(['t1', 't2', 't3']);
    await c.seek('t', 0, { timestamp: 1500 });
    expect(values(await c.poll(100))).toEqual(['t2', 't3']);
    await c.seek('t', 0, { timestamp: 9999 });
    expect(c.position('t', 0)).toBe(3);
    await c.seek('t', 0, 'latest');
    expect(await c.poll(0)).toEqual([]);
    expect((await rejection(c.seek('t', 1, 0))).code).toBe('INVALID_ARGUMENT');
  });

  it('pauses and resumes partitions', async () => {
    await produce(0, ['p0']);
    await produce(1, ['p1']);
    const c = fixture.broker.consumer({ autoOffsetReset: 'earliest' });
    c.assign([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
    c.pause([{ topic: 't', partition: 0 }]);
    expect(values(await c.poll(100))).toEqual(['p1']);
    expect(await c.poll(0)).toEqual([]);
    expect(c.pausedPartitions()).toEqual([{ topic: 't', partition: 0 }]);
    c.resume([{ topic: 't', partition: 0 }]);
    expect(values(await c.poll(100))).toEqual(['p0']);
  });

  it('applies the reset policy when retention deleted the position', async () => {
    await produce(0, ['a', 'b', 'c', 'd', 'e']);
    for (const [policy, expected] of [
      ['earliest', ['d', 'e']],
      ['latest', []],
    ] as const) {
      const c = fixture.broker.consumer({ autoOffsetReset: policy });
      c.assign([{ topic: 't', partition: 0 }]);
      await c.seek('t', 0, 1);
      await fixture.broker.deleteRecords('t', 0, 3);
      expect(values(await c.poll(0))).toEqual(expected);
      await c.close();
    }
    const strict = fixture.broker.consumer({ autoOffsetReset: 'none' });
    strict.assign([{ topic: 't', partition: 0 }]);
    await strict.seek('t', 0, 1);
    const err = await rejection(strict.poll(0));
    expect(err.code).toBe('OFFSET_OUT_OF_RANGE');
    expect(err.message).toMatch(/offset 1 of t-0 is out of range/);
  });

  it('refuses to guess a start with policy none and no committed offset', async () => {
    await produce(0, ['a']);
    const c = fixture.broker.consumer({ groupId: 'g', autoOffsetReset: 'none' });
    c.assign([{ topic: 't', partition: 0 }]);
    expect((await rejection(c.poll(0))).code).toBe('OFFSET_OUT_OF_RANGE');
    await fixture.broker.groups.commitOffsets({ groupId: 'g', generationId: -1, memberId: '' }, [
      { topic: 't', partition: 0, offset: 0 },
    ]);
    expect(values(await c.poll(100))).toEqual(['a']);
  });

  it('resumes from committed offsets in a new consumer of the same group', async () => {
    await produce(0, ['a', 'b']);
    const c1 = fixture.broker.consumer({ groupId: 'g', autoOffsetReset: 'earliest' });
    c1.assign([{ topic: 't', partition: 0 }]);
    expect(values(await c1.poll(100))).toEqual(['a', 'b']);
    await c1.commitSync();
    await c1.close();
    await produce(0, ['c']);
    const c2 = fixture.broker.consumer({ groupId: 'g', autoOffsetReset: 'earliest' });
    c2.assign([{ topic: 't', partition: 0 }]);
    expect(values(await c2.poll(100))).toEqual(['c']);
    expect(c2.committed([{ topic: 't', partition: 0 }])).toEqual([
      { topic: 't', partition: 0, offset: 2 },
    ]);
  });

  it('is woken by close while it waits and refuses calls afterwards', async () => {
    const c = fixture.broker.consumer({ autoOffsetReset: 'earliest' });
    c.assign([{ topic: 't', partition: 0 }]);
    // A 10-minute wait: only a prompt wake-up by close() lets the test finish in time.
    const polled = c.poll(600_000);
    await c.close();
    expect(await polled).toEqual([]);
    expect((await rejection(c.poll(0))).code).toBe('CLOSED');
  });

  it('keeps order within each partition over many polls', async () => {
    const c = fixture.broker.consumer({ autoOffsetReset: 'earliest', maxPollRecords: 7 });
    c.assign([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
    const p = fixture.broker.producer({ lingerMs: 1 });
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        p.send({ topic: 't', partition: i % 2, value: Buffer.from(String(i)) }),
      ),
    );
    const seen: Record<number, number[]> = { 0: [], 1: [] };
    while (seen[0].length + seen[1].length < 200) {
      for (const r of await c.poll(1000)) seen[r.partition].push(Number(r.value!.toString()));
    }
    expect(seen[0]).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
    expect(seen[1]).toEqual(Array.from({ length: 100 }, (_, i) => i * 2 + 1));
  });
});
