import { describe, expect, it } from 'vitest';
import { MAX_DISTINCT } from '../../../src/common/api/aggregate';
import { createCounter } from '../../../src/main/search/counters';
import type { StoredRecord } from '../../../src/main/storage/api';

const record = (offset: number, value: string): StoredRecord => ({
  offset,
  timestamp: 1000 + offset,
  key: null,
  value: Buffer.from(value),
  headers: [],
});

describe('createCounter', () => {
  it('gives the same facet and histogram whether records are counted by one counter or by several whose counts are merged', () => {
    const spec = { field: 'svc', histogram: { from: 1000, to: 1100, buckets: 5 } };
    const records = Array.from({ length: 100 }, (_, i) =>
      record(i, i % 4 === 0 ? `ERROR svc=s${i % 3}` : `{"level":"info","svc":"s${i % 5}"}`),
    );
    const one = createCounter(spec);
    for (const r of records) one.add(r, 0);
    const merged = createCounter(spec);
    for (let i = 0; i < records.length; i += 30) {
      const part = createCounter(spec);
      for (const r of records.slice(i, i + 30)) part.add(r, 0);
      merged.merge(part.counts());
    }
    expect(merged.facet(10)).toEqual(one.facet(10));
    expect(merged.histogram()).toEqual(one.histogram());
    expect(merged.matched()).toBe(100);
    expect(one.histogram()?.buckets[0].counts).toMatchObject({ error: 5, info: 15 });
  });

  it('counts values beyond the distinct cap as other, also when they come from merged counts', () => {
    const a = createCounter({ field: 'id' });
    for (let i = 0; i < MAX_DISTINCT - 1; i++) a.add(record(i, `id=${i}`), 0);
    const b = createCounter({ field: 'id' });
    for (let i = 0; i < 5; i++) b.add(record(i, `id=new${i}`), 0);
    b.add(record(6, 'id=0'), 0);
    a.merge(b.counts());
    expect(a.facet(1)).toMatchObject({
      distinct: MAX_DISTINCT,
      other: 4,
      present: MAX_DISTINCT + 5,
    });
    expect(a.facet(1)?.values).toEqual([{ value: '0', count: 2 }]);
  });
});
