import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventOf } from '../../../src/common/api/contract';
import { collect, fill, openInspectHarness, type InspectHarness } from './inspect-harness';

let h: InspectHarness;
beforeEach(async () => {
  h = await openInspectHarness();
});
afterEach(async () => {
  await h.close();
});

const T0 = Date.parse('2026-05-01T10:00:00Z');
type Event = EventOf<'messages.aggregate'>;
const final = (events: Event[]) => events.some((e) => e.type === 'result' && e.final);
const finalOf = (events: Event[]) => {
  const e = events.find((x) => x.type === 'result' && x.final);
  if (e?.type !== 'result') throw new Error(`no final result in ${JSON.stringify(events)}`);
  return e;
};

/** Two partitions of JSON lines: 600 messages, every third an error, services a/b/c. */
async function jsonTopic() {
  await h.broker.createTopic('app', { partitions: 2 });
  for (let p = 0; p < 2; p++) {
    const items = Array.from({ length: 300 }, (_, i) => ({
      timestamp: T0 + i * 1000,
      value: JSON.stringify({
        level: i % 3 === 0 ? 'error' : 'info',
        svc: ['a', 'b', 'c'][i % 3 === 0 ? 0 : (i % 2) + 1],
        http: { status: i % 10 === 0 ? 500 : 200 },
        msg: `request ${i}`,
      }),
    }));
    await fill(h.broker, 'app', p, items);
  }
}

describe('messages.aggregate', () => {
  it('counts the top values of a field over every message of the view, not a sample', async () => {
    await jsonTopic();
    const events = await collect(
      h.client,
      'messages.aggregate',
      { topic: 'app', field: 'svc' },
      final,
    );
    const r = finalOf(events);
    expect(r.facet).toEqual({
      field: 'svc',
      values: [
        { value: 'a', count: 200 },
        { value: 'b', count: 200 },
        { value: 'c', count: 200 },
      ],
      present: 600,
      missing: 0,
      distinct: 3,
      other: 0,
    });
    expect(r.matched).toBe(600);
    expect(r.truncated).toBe(false);
    expect(events.some((e) => e.type === 'progress')).toBe(true);
  });

  it('reads nested JSON fields by their dotted name and counts the query hits only', async () => {
    await jsonTopic();
    const r = finalOf(
      await collect(
        h.client,
        'messages.aggregate',
        {
          topic: 'app',
          partitions: [1],
          field: 'http.status',
          query: { filter: 'level == "error"' },
        },
        final,
      ),
    );
    // partition 1: errors are i % 3 == 0 (100 of them); of those, i % 10 == 0 are 500s (10)
    expect(r.matched).toBe(100);
    expect(r.facet?.values).toEqual([
      { value: '200', count: 90 },
      { value: '500', count: 10 },
    ]);
  });

  it('reads logfmt keys, headers and the level the table shows, and says how many messages lack the field', async () => {
    await h.broker.createTopic('lf', { partitions: 1 });
    await fill(h.broker, 'lf', 0, [
      {
        timestamp: T0,
        value: 'user=ann msg="disk full"',
        headers: [
          ['host', 'web-1'],
          ['level', 'WARN'],
        ],
      },
      {
        timestamp: T0 + 1,
        value: 'user=bob msg=ok',
        headers: [
          ['host', 'web-2'],
          ['level', 'warn'],
        ],
      },
      { timestamp: T0 + 2, value: 'ERROR no fields here', headers: [['host', 'web-1']] },
    ]);
    const run = async (field: string) =>
      finalOf(await collect(h.client, 'messages.aggregate', { topic: 'lf', field }, final)).facet;
    const user = await run('user');
    expect(user?.values).toEqual([
      { value: 'ann', count: 1 },
      { value: 'bob', count: 1 },
    ]);
    expect([user?.present, user?.missing]).toEqual([2, 1]);
    expect((await run('msg'))?.values[0]).toEqual({ value: 'disk full', count: 1 });
    expect((await run('$headers.host'))?.values).toEqual([
      { value: 'web-1', count: 2 },
      { value: 'web-2', count: 1 },
    ]);
    expect((await run('$level'))?.values).toEqual([
      { value: 'warn', count: 2 },
      { value: 'error', count: 1 },
    ]);
  });

  it('stacks the hits over time by level, in the partitions asked for', async () => {
    await jsonTopic();
    const r = finalOf(
      await collect(
        h.client,
        'messages.aggregate',
        {
          topic: 'app',
          partitions: [0],
          query: { text: 'request 1' }, // request 1, 10-19, 100-199
          histogram: { from: T0, to: T0 + 300_000, buckets: 3 },
        },
        final,
      ),
    );
    expect(r.histogram?.bucketMs).toBe(100_000);
    const sum = (l: 'error' | 'info') => r.histogram!.buckets.map((b) => b.counts[l]);
    // bucket 0 holds i 1 and 10..19; bucket 1 holds 100..199
    expect(sum('error')).toEqual([3, 33, 0]);
    expect(sum('info')).toEqual([8, 67, 0]);
    expect(r.matched).toBe(111);
  });

  it('stops at maxMatches and says so, and tells distinct values beyond the cap as other', async () => {
    await h.broker.createTopic('many', { partitions: 1 });
    await fill(
      h.broker,
      'many',
      0,
      Array.from({ length: 12_000 }, (_, i) => ({ timestamp: T0 + i, value: `id=${i}` })),
    );
    const all = finalOf(
      await collect(h.client, 'messages.aggregate', { topic: 'many', field: 'id' }, final),
    );
    expect(all.facet).toMatchObject({ present: 12_000, distinct: 10_000, other: 2_000 });
    expect(all.facet?.values).toHaveLength(10);
    const some = finalOf(
      await collect(
        h.client,
        'messages.aggregate',
        { topic: 'many', field: 'id', maxMatches: 500 },
        final,
      ),
    );
    expect([some.matched, some.truncated]).toEqual([500, true]);
  });

  it('refuses a bad query, a bad attribute or nothing to count, and an unknown topic', async () => {
    await jsonTopic();
    const refusal = (params: Parameters<typeof collect<'messages.aggregate'>>[2]) =>
      collect(h.client, 'messages.aggregate', params, final).then(
        () => null,
        (err: { code: string; message: string }) => err,
      );
    expect(
      await refusal({ topic: 'app', field: 'svc', query: { filter: 'level ==' } }),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect((await refusal({ topic: 'app', field: '$bogus' }))?.message).toMatch(
      /\$key, \$partition/,
    );
    expect((await refusal({ topic: 'app' }))?.message).toMatch(/a field, a histogram/);
    expect(await refusal({ topic: 'nope', field: 'svc' })).toMatchObject({ code: 'UNKNOWN_TOPIC' });
  });
});
