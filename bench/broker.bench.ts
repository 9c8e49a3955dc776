/**
 * Broker benchmarks (`npm run bench broker`):
 *  1. latency from a producer's append to the wake-up of a consumer waiting in poll()
 *     (p50 / p99 over sequential single-record appends);
 *  2. consumption throughput of a group of 3 consumers over a 6-partition topic, each
 *     committing synchronously after every poll.
 * BENCH_QUICK=1 shrinks the runs for a smoke test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBroker, type Broker } from '../src/main/broker';

const quick = process.env.BENCH_QUICK === '1';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function wakeLatency(broker: Broker): Promise<void> {
  await broker.createTopic('latency');
  const consumer = broker.consumer({ autoOffsetReset: 'latest' });
  consumer.assign([{ topic: 'latency', partition: 0 }]);
  await consumer.poll(0);
  const rounds = quick ? 100 : 1000;
  const samples: number[] = [];
  for (let i = 0; i < rounds + 20; i++) {
    const polled = consumer.poll(10_000);
    // Let the poll reach its wait before appending.
    await new Promise((r) => setImmediate(r));
    const t0 = process.hrtime.bigint();
    void broker.send([{ topic: 'latency', partition: 0, value: Buffer.from('ping') }]);
    const got = await polled;
    const t1 = process.hrtime.bigint();
    if (got.length !== 1) throw new Error(`expected one record, got ${got.length}`);
    if (i >= 20) samples.push(Number(t1 - t0) / 1e3); // skip warm-up
  }
  await consumer.close();
  samples.sort((a, b) => a - b);
  console.log(
    `append -> consumer wake-up latency over ${samples.length} appends: p50 ${percentile(samples, 50).toFixed(0)} µs, p99 ${percentile(samples, 99).toFixed(0)} µs, max ${samples[samples.length - 1].toFixed(0)} µs`,
  );
}

async function groupThroughput(broker: Broker): Promise<void> {
  const total = quick ? 20_000 : 300_000;
  const value = Buffer.alloc(200, 'x');
  await broker.createTopic('throughput', { partitions: 6 });
  const producer = broker.producer({ lingerMs: 5, batchSize: 256 * 1024 });
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    sends.push(producer.send({ topic: 'throughput', key: Buffer.from(`key-${i}`), value }));
    if (sends.length >= 20_000) await Promise.all(sends.splice(0));
  }
  await producer.flush();
  await Promise.all(sends);

  let consumed = 0;
  const start = process.hrtime.bigint();
  const workers = Array.from({ length: 3 }, async () => {
    const c = broker.consumer({
      groupId: 'bench',
      autoOffsetReset: 'earliest',
      maxPollRecords: 2000,
    });
    c.subscribe(['throughput']);
    while (consumed < total) {
      const records = await c.poll(200);
      consumed += records.length;
      if (records.length) await c.commitSync();
    }
    await c.close();
  });
  await Promise.all(workers);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `group of 3 consumers, 6 partitions, ${total} records of ${value.length} B: ${(total / seconds).toFixed(0)} records/s, ${((total * value.length) / seconds / 1e6).toFixed(1)} MB/s of values (${seconds.toFixed(2)} s, incl. joins and sync commits)`,
  );
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'logdock-bench-broker-'));
  const broker = await openBroker({ dataDir: dir });
  try {
    await wakeLatency(broker);
    await groupThroughput(broker);
  } finally {
    await broker.close();
    await rm(dir, { recursive: true, force: true });
  }
}
