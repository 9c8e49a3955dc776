import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_LEVELS } from '../../../src/common/api/dashboard';
import { aggregate, type AggregateRequest } from '../../../src/main/search/aggregate';
import { WorkerPool } from '../../../src/main/workers/pool';
import { fill, openInspectHarness, type InspectHarness } from '../api/inspect-harness';

const T0 = Date.parse('2026-05-01T10:00:00Z');
const LEVELS = ['info', 'info', 'warn', 'error', 'debug'];
/** Long enough that partition 0 spans three 4 MiB reads: the counts of several reads add up. */
const PAD = 'x'.repeat(700);
const BIG = 14_000;

const line = (p: number, i: number) =>
  JSON.stringify({ level: LEVELS[i % LEVELS.length], svc: `svc-${(i * (p + 1)) % 7}`, pad: PAD });

let h: InspectHarness;
let pool: WorkerPool;
beforeAll(async () => {
  h = await openInspectHarness();
  pool = new WorkerPool({ size: 2 });
  await h.broker.createTopic('big', { partitions: 2 });
  const sizes = [BIG, 300];
  for (const p of [0, 1]) {
    const items = Array.from({ length: sizes[p] }, (_, i) => ({
      timestamp: T0 + i * 10,
      value: line(p, i),
    }));
    await fill(h.broker, 'big', p, items);
  }
}, 120_000);
afterAll(async () => {
  await pool.close();
  await h.close();
});

const request = (r: Partial<AggregateRequest>): AggregateRequest => ({
  topic: 'big',
  partitions: null,
  range: { kind: 'all' },
  top: 10,
  maxMatches: 2_000_000,
  ...r,
});

const run = (req: AggregateRequest, p: WorkerPool = pool) =>
  aggregate(h.cluster, req, {
    signal: new AbortController().signal,
    onProgress: () => {},
    onPartial: () => {},
    pool: p,
  });

/** The same counts taken one message at a time from the lines written. */
function expected(partitions: number[], count: number[]) {
  const svc = new Map<string, number>();
  const byLevel = new Map<string, number>();
  for (const p of partitions) {
    for (let i = 0; i < count[p]; i++) {
      const v = JSON.parse(line(p, i)) as { svc: string; level: string };
      svc.set(v.svc, (svc.get(v.svc) ?? 0) + 1);
      byLevel.set(v.level, (byLevel.get(v.level) ?? 0) + 1);
    }
  }
  return { svc, byLevel };
}

describe('aggregate', () => {
  it('adds up the counts of every read of every partition, counted in the worker threads, to what a message-by-message count gives', async () => {
    const r = await run(
      request({ field: 'svc', histogram: { from: T0, to: T0 + BIG * 10, buckets: 4 } }),
    );
    const want = expected([0, 1], [BIG, 300]);
    expect(r?.matched).toBe(BIG + 300);
    expect(r?.truncated).toBe(false);
    expect(new Map(r?.facet?.values.map((v) => [v.value, v.count]))).toEqual(want.svc);
    expect(r?.facet).toMatchObject({ present: BIG + 300, missing: 0, distinct: 7, other: 0 });
    for (const level of LOG_LEVELS) {
      const total = r!.histogram!.buckets.reduce((n, b) => n + b.counts[level], 0);
      expect(total, level).toBe(want.byLevel.get(level) ?? 0);
    }
    expect(r?.histogram?.buckets.map((b) => b.start)).toEqual(
      [0, 1, 2, 3].map((i) => T0 + i * 35_000),
    );
  });

  it('stops exactly at maxMatches when the limit falls inside a read that was counted in parallel with others', async () => {
    const r = await run(request({ partitions: [0], field: 'svc', maxMatches: 9_001 }));
    expect([r?.matched, r?.truncated, r?.facet?.present]).toEqual([9_001, true, 9_001]);
    const want = expected([0], [9_001]);
    expect(new Map(r?.facet?.values.map((v) => [v.value, v.count]))).toEqual(want.svc);
  });

  it('counts the hits of a query only', async () => {
    const r = await run(
      request({ field: 'svc', query: { filter: 'level == "error"', caseSensitive: false } }),
    );
    expect(r?.matched).toBe(BIG / 5 + 300 / 5);
    expect(r?.facet?.present).toBe(BIG / 5 + 300 / 5);
  });

  it('counts in the worker pool it is given: a closed pool fails the count with CLOSED', async () => {
    const closed = new WorkerPool({ size: 1 });
    await closed.close();
    await expect(run(request({ field: 'svc' }), closed)).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
