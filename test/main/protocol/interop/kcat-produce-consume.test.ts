import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../../src/main/broker';
import { iterateBatches } from '../../../../src/main/storage/record-batch';
import { occupyThreadPool } from '../../../thread-pool';
import { runProcess, spawnProcess, useLogdock, waitFor, type Logdock } from '../helpers';

const logdock = useLogdock();

/** Runs kcat to read topic `t` from `offset` (kcat's -o syntax) up to its end. */
function consumeFrom(ld: Logdock, offset: string) {
  return runProcess('kcat', ['-b', ld.bootstrap, '-C', '-t', 't', '-o', offset, '-e', '-q']);
}

describe('kcat (librdkafka) produce and consume', () => {
  it('stores keyed records on the partitions librdkafka picks and consumes them back', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('keyed', { partitions: 4 });
    const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const input = keys.map((k, i) => `${k}:value ${i}`).join('\n') + '\n';
    // murmur2_random is librdkafka's Java-compatible partitioner (Kafka's default).
    const produced = await runProcess(
      'kcat',
      ['-b', ld.bootstrap, '-P', '-t', 'keyed', '-K:', '-X', 'partitioner=murmur2_random'],
      { input },
    );
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await runProcess('kcat', [
      '-b',
      ld.bootstrap,
      '-C',
      '-t',
      'keyed',
      '-e',
      '-q',
      '-f',
      '%p|%k|%s\n',
    ]);
    expect(consumed.code, consumed.stderr).toBe(0);
    const rows = consumed.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('|'));
    expect(rows).toHaveLength(40);
    for (const [p, k, v] of rows) {
      expect(Number(p)).toBe(partitionForKey(Buffer.from(k), 4));
      expect(v).toBe(`value ${keys.indexOf(k)}`);
    }
    // Same placement as the broker's own partitioner.
    for (const k of keys)
      expect(ld.broker.partitionFor('keyed', Buffer.from(k))).toBe(
        partitionForKey(Buffer.from(k), 4),
      );
  });

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])(
    'round-trips %s-compressed batches and keeps them as sent',
    async (codec) => {
      const ld = await logdock.start();
      const lines = Array.from({ length: 500 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
      const produced = await runProcess(
        'kcat',
        ['-b', ld.bootstrap, '-P', '-t', 'z', '-z', codec],
        { input: lines.join('\n') + '\n' },
      );
      expect(produced.code, produced.stderr).toBe(0);
      const consumed = await runProcess('kcat', ['-b', ld.bootstrap, '-C', '-t', 'z', '-e', '-q']);
      expect(consumed.stdout.trim().split('\n')).toEqual(lines);
      // The broker's decoded view (used by the UI and search) reads the same records.
      const records = await ld.broker.readRecords('z', 0, 0, { maxRecords: 1000 });
      expect(records.map((r) => r.value?.toString())).toEqual(lines);
      const read = await ld.broker.read('z', 0, 0, 1 << 20);
      // librdkafka sends a batch uncompressed when compression would not make it smaller.
      const codecs = [...iterateBatches(read.records)].map((b) => b.header.compression);
      expect(codecs).toContain(codec);
    },
  );

  it('consumes from an offset and from the end, as a tailing consumer', async () => {
    const ld = await logdock.start();
    await ld.broker.send(
      Array.from({ length: 10 }, (_, i) => ({ topic: 't', value: Buffer.from(`m${i}`) })),
    );
    const fromSeven = await consumeFrom(ld, '7');
    expect(fromSeven.stdout.trim().split('\n')).toEqual(['m7', 'm8', 'm9']);
    const last2 = await consumeFrom(ld, '-2');
    expect(last2.stdout.trim().split('\n')).toEqual(['m8', 'm9']);
  });

  it("delivers a small record to a waiting consumer while every thread of the broker process's pool is busy", async () => {
    const ld = await logdock.start();
    await ld.broker.send([{ topic: 't', value: Buffer.from('first') }]);
    const consumer = spawnProcess('kcat', ['-b', ld.bootstrap, '-C', '-t', 't', '-u', '-q']);
    await waitFor(() => consumer.stdout().includes('first\n'), 'the consumer at the end of t');
    const pool = await occupyThreadPool(await logdock.tempDir('logdock-pool-'));
    try {
      // Answered without a file operation of the pool: the append, the waiting Fetch's wake-up
      // and its read (the last append, kept in memory). acks=1: librdkafka's default, all,
      // answers the producer after an fdatasync, which the pool runs.
      const produced = await runProcess(
        'kcat',
        ['-b', ld.bootstrap, '-P', '-t', 't', '-X', 'acks=1'],
        { input: 'second\n' },
      );
      expect(produced.code, produced.stderr).toBe(0);
      await waitFor(() => consumer.stdout().includes('second\n'), 'the record at the consumer');
      expect(pool.probeDone()).toBe(false);
    } finally {
      await pool.release();
    }
  });
});
