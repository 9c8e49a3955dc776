import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../../src/main/broker';
import { runProcess, useLogdock } from '../helpers';

const logdock = useLogdock();

describe('confluent-kafka (librdkafka) client', () => {
  it('creates a topic, produces idempotently with keys and consumes in a group with commits', async () => {
    const ld = await logdock.start();
    const script = join(__dirname, 'py', 'confluent_kafka_roundtrip.py');
    const { code, stdout, stderr } = await runProcess('/usr/bin/python3', [script, ld.bootstrap], {
      timeoutMs: 55_000,
    });
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout) as {
      configs: Record<string, string>;
      delivered: [string | null, string, number, number][];
      values: string[];
      committed: number[];
    };
    expect(out.configs['cleanup.policy']).toBe('compact');
    expect(out.delivered).toHaveLength(200);
    for (const [err, key, partition] of out.delivered) {
      expect(err).toBeNull();
      expect(partition).toBe(partitionForKey(Buffer.from(key), 2));
    }
    expect(new Set(out.values).size).toBe(200);
    const desc = ld.broker.describeTopic('ck-topic');
    expect(out.committed).toEqual(desc.partitions.map((p) => p.logEndOffset));
    expect(desc.partitions.reduce((n, p) => n + p.logEndOffset, 0)).toBe(200);
    // The idempotent producer's batches carry its producer id.
    const read = await ld.broker.read('ck-topic', 0, 0, 1 << 20);
    expect(Number(read.records.readBigInt64BE(43))).toBeGreaterThanOrEqual(0);
  });
});
