import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../src/main/kafka/murmur2';
import { DefaultPartitioner } from '../../../src/main/broker/partitioner';

describe('the default partitioner', () => {
  it('sticks to one partition for null keys until the batch is closed', () => {
    const p = new DefaultPartitioner();
    const first = p.partition({ topic: 't', key: null, value: null, numPartitions: 8 });
    for (let i = 0; i < 20; i++) {
      expect(p.partition({ topic: 't', key: null, value: null, numPartitions: 8 })).toBe(first);
    }
    p.onNewBatch('t', first, 8);
    const second = p.partition({ topic: 't', key: null, value: null, numPartitions: 8 });
    expect(second).not.toBe(first);
    expect(second).toBeGreaterThanOrEqual(0);
    expect(second).toBeLessThan(8);
  });

  it('hashes keyed records even when a sticky partition is set', () => {
    const p = new DefaultPartitioner();
    p.partition({ topic: 't', key: null, value: null, numPartitions: 12 });
    const key = Buffer.from('user-42');
    expect(p.partition({ topic: 't', key, value: null, numPartitions: 12 })).toBe(
      partitionForKey(key, 12),
    );
  });
});
