import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey, toPositive } from '../../../src/main/kafka/murmur2';

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
});
