import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey, toPositive } from '../../../src/main/broker/murmur2';
import { DefaultPartitioner } from '../../../src/main/broker/partitioner';

interface Vector {
  keyHex: string;
  numPartitions: number;
  partition: number;
  murmur2: number;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/partitioner-vectors.json', import.meta.url), 'utf8'),
) as { vectors: Vector[] };

describe('murmur2 partitioner', () => {
  it('maps every fixture key to the partition kafkajs and kafka-python computed', () => {
    expect(fixture.vectors.length).toBeGreaterThan(300);
    for (const v of fixture.vectors) {
      const key = Buffer.from(v.keyHex, 'hex');
      expect(murmur2(key), `murmur2 of ${v.keyHex}`).toBe(v.murmur2);
      expect(partitionForKey(key, v.numPartitions), `${v.keyHex} over ${v.numPartitions}`).toBe(
        v.partition,
      );
    }
  });

  it('agrees with kafkajs DefaultPartitioner computed live on random keys', () => {
    const require = createRequire(import.meta.url);
    const { Partitioners } = require('kafkajs') as typeof import('kafkajs');
    const kafkajs = Partitioners.DefaultPartitioner();
    for (let i = 0; i < 500; i++) {
      const key = Buffer.from(
        Array.from({ length: i % 37 }, () => Math.floor(Math.random() * 256)),
      );
      const n = 1 + (i % 64);
      const partitionMetadata = Array.from({ length: n }, (_, p) => ({
        partitionId: p,
        leader: 0,
        replicas: [0],
        isr: [0],
        partitionErrorCode: 0,
      }));
      const expected = kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } });
      expect(partitionForKey(key, n), `key ${key.toString('hex')} over ${n}`).toBe(expected);
    }
  });

  it('clears only the sign bit in toPositive, as Kafka does', () => {
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(5)).toBe(5);
  });

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
