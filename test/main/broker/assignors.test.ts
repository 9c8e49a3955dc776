import { describe, expect, it } from 'vitest';
import { rangeAssignor, roundRobinAssignor } from '../../../src/main/broker/assignors';

const member = (memberId: string, topics: string[]) => ({ memberId, subscription: { topics } });

describe('assignors', () => {
  it('range gives contiguous ranges per topic, the first members one extra', () => {
    const result = rangeAssignor.assign(
      [member('c2', ['t0', 't1']), member('c1', ['t0', 't1'])],
      new Map([
        ['t0', 3],
        ['t1', 3],
      ]),
    );
    // Kafka's RangeAssignor javadoc example: C0 gets t0p0,t0p1,t1p0,t1p1; C1 gets t0p2,t1p2.
    expect(result.get('c1')).toEqual([
      { topic: 't0', partitions: [0, 1] },
      { topic: 't1', partitions: [0, 1] },
    ]);
    expect(result.get('c2')).toEqual([
      { topic: 't0', partitions: [2] },
      { topic: 't1', partitions: [2] },
    ]);
  });

  it('roundrobin deals partitions in turn across topics', () => {
    const result = roundRobinAssignor.assign(
      [member('c1', ['t0', 't1']), member('c0', ['t0', 't1'])],
      new Map([
        ['t0', 3],
        ['t1', 3],
      ]),
    );
    // Kafka's RoundRobinAssignor javadoc example.
    expect(result.get('c0')).toEqual([
      { topic: 't0', partitions: [0, 2] },
      { topic: 't1', partitions: [1] },
    ]);
    expect(result.get('c1')).toEqual([
      { topic: 't0', partitions: [1] },
      { topic: 't1', partitions: [0, 2] },
    ]);
  });

  it('roundrobin skips members not subscribed to a topic', () => {
    const result = roundRobinAssignor.assign(
      [member('c0', ['t0']), member('c1', ['t0', 't1']), member('c2', ['t0', 't1', 't2'])],
      new Map([
        ['t0', 1],
        ['t1', 2],
        ['t2', 3],
      ]),
    );
    expect(result.get('c0')).toEqual([{ topic: 't0', partitions: [0] }]);
    expect(result.get('c1')).toEqual([{ topic: 't1', partitions: [0] }]);
    expect(result.get('c2')).toEqual([
      { topic: 't1', partitions: [1] },
      { topic: 't2', partitions: [0, 1, 2] },
    ]);
  });

  it('assigns every partition exactly once and ignores unknown topics', () => {
    for (const assignor of [rangeAssignor, roundRobinAssignor]) {
      const members = Array.from({ length: 4 }, (_, i) => member(`m${i}`, ['a', 'b', 'missing']));
      const result = assignor.assign(
        members,
        new Map([
          ['a', 7],
          ['b', 5],
        ]),
      );
      const seen = [...result.values()]
        .flat()
        .flatMap((tp) => tp.partitions.map((p) => `${tp.topic}-${p}`));
      expect(seen.sort()).toEqual(
        [
          ...Array.from({ length: 7 }, (_, p) => `a-${p}`),
          ...Array.from({ length: 5 }, (_, p) => `b-${p}`),
        ].sort(),
      );
    }
  });
});
