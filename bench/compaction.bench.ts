/**
 * `npm run bench compaction` (issue 18): compaction throughput and the longest main-thread
 * stall while it runs, with the CPU half (CRC checks, decompression, decoding, the offset
 * map, re-encoding) on the main thread — where it ran before it moved to a worker thread,
 * the same code — and on a worker thread, as the broker runs it. The two run alternately
 * on copies of one partition (written once: 2,000,000 records over 200,000 keys, 100 B
 * values, half the batches zstd, 1 MiB segments); beside them, the same process idle for
 * as long, which shows what this shared machine's scheduling alone costs. Prints figures;
 * asserts nothing. BENCH_QUICK=1: 500,000 records.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { offThreadCompaction } from '../src/main/broker/compact-off-thread';
import {
  type CompactionTasks,
  type LogConfig,
  PartitionLog,
  defaultLogConfig,
  encodeRecordBatch,
  inlineCompactionTasks,
} from '../src/main/storage';
import { closeSharedWorkerPool, sharedWorkerPool } from '../src/main/workers/pool';
import { type LoopStalls, loopStalls, stallLine } from './fixtures/loop-stalls';

const RECORDS = process.env.BENCH_QUICK === '1' ? 500_000 : 2_000_000;
const KEYS = RECORDS / 10;
const PER_BATCH = 1000;
const ROUNDS = 3;
const MB = 1024 * 1024;

const config: LogConfig = {
  ...defaultLogConfig(),
  segmentBytes: MB,
  segmentMs: 60 * 60 * 1000,
  cleanupPolicy: 'compact',
};

/** Writes the partition once; returns its size in bytes. */
async function writePartition(dir: string): Promise<number> {
  let clock = Date.now();
  const log = await PartitionLog.open(dir, config, { clock: () => clock });
  const value = Buffer.alloc(100, 0x62);
  for (let base = 0; base < RECORDS; base += PER_BATCH) {
    const records = Array.from({ length: PER_BATCH }, (_, i) => ({
      key: Buffer.from(`key-${(base + i) % KEYS}`),
      value,
      timestamp: clock,
    }));
    const compression = (base / PER_BATCH) % 2 ? 'zstd' : 'none';
    await log.append(encodeRecordBatch(records, { compression }));
  }
  clock += config.segmentMs; // roll: every record above is in a sealed segment
  await log.appendRecords([{ key: Buffer.from('roll'), value }]);
  const bytes = log.sizeBytes();
  await log.close();
  return bytes;
}

interface Run extends LoopStalls {
  removed: number;
}

/** One pass over a fresh copy of the partition with `tasks`. */
async function compactCopy(source: string, work: string, tasks: CompactionTasks): Promise<Run> {
  await rm(work, { recursive: true, force: true });
  await cp(source, work, { recursive: true });
  const log = await PartitionLog.open(work, config, { compactionTasks: tasks });
  let removed = 0;
  try {
    const stalls = await loopStalls(async () => {
      removed = (await log.compact()).removedRecords;
    });
    if (removed !== RECORDS - KEYS) throw new Error(`compaction removed ${removed} records`);
    return { ...stalls, removed };
  } finally {
    await log.close();
  }
}

export async function run(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'logdock-bench-compaction-'));
  try {
    const source = join(root, 'source-0');
    const bytes = await writePartition(source);
    sharedWorkerPool().warm();
    console.log(
      `compaction of ${RECORDS.toLocaleString('en-US')} records over ${KEYS.toLocaleString('en-US')} keys ` +
        `(${(bytes / MB).toFixed(0)} MiB, 1 MiB segments, half zstd), main thread and worker thread alternately:`,
    );
    const fmt = (label: string, r: LoopStalls) =>
      `  ${label}: ${(r.ms / 1000).toFixed(2)} s, ${(bytes / MB / (r.ms / 1000)).toFixed(0)} MiB/s, ` +
      `${Math.round(RECORDS / (r.ms / 1000)).toLocaleString('en-US')} records/s; event loop ${stallLine(r)}`;
    for (let round = 1; round <= ROUNDS; round++) {
      const inline = await compactCopy(source, join(root, 'work-0'), inlineCompactionTasks);
      console.log(fmt(`round ${round} main thread (before)`, inline));
      const worker = await compactCopy(source, join(root, 'work-0'), offThreadCompaction);
      console.log(fmt(`round ${round} worker thread (after)`, worker));
      const idle = await loopStalls(() => new Promise((r) => setTimeout(r, worker.ms)));
      console.log(`  round ${round} peer, the same process idle for as long: ${stallLine(idle)}`);
    }
  } finally {
    await closeSharedWorkerPool();
    await rm(root, { recursive: true, force: true });
  }
}
