import { describe, expect, it } from 'vitest';
import { rateCards } from '../../../src/renderer/src/views/Dashboard/rate-cards';

const points = (...pairs: [number, number][]) =>
  pairs.map(([timestamp, rate]) => ({ timestamp, rate }));

describe("the dashboard's rate cards", () => {
  it('puts consumed beside produced on the same times, blank where a group had no sample yet', () => {
    const { topics } = rateCards({
      intervalMs: 1000,
      topics: [{ topic: 'jobs', points: points([1000, 5], [2000, 6], [3000, 7]) }],
      consumed: [{ topic: 'jobs', groups: ['a', 'b'], points: points([3000, 4]) }],
      total: { produced: [], consumed: [] },
    });
    expect(topics).toHaveLength(1);
    expect(topics[0]).toMatchObject({ produced: 7, consumed: 4, groups: ['a', 'b'] });
    expect(topics[0].times).toEqual([1000, 2000, 3000]);
    expect(topics[0].series.map((s) => [s.label, s.values])).toEqual([
      ['produced msg/s', [5, 6, 7]],
      ['consumed msg/s', [null, null, 4]],
    ]);
  });

  it('has no total until two samples, and no consumed figure for a topic no group reads', () => {
    const { total, topics } = rateCards({
      intervalMs: 1000,
      topics: [{ topic: 'logs', points: points([1000, 1], [2000, 2]) }],
      consumed: [],
      total: { produced: points([2000, 2]), consumed: points([2000, 0]) },
    });
    expect(total).toBeNull();
    expect(topics[0].consumed).toBeNull();
    expect(topics[0].series).toHaveLength(1);
  });
});
