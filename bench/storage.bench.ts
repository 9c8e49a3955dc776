/**
 * Storage engine benchmark (issue 3, item 8). Prints figures only; asserts nothing.
 *
 *  - this disk's sequential write speed with fdatasync (`dd conv=fdatasync`), the physical
 *    reference every durable figure is divided by;
 *  - append throughput of pre-encoded client batches (as the broker receives them) for
 *    100-byte and 1 KiB records in batches of 1, 100 and 1,000, flush left to the OS and
 *    fsync (fdatasync) per batch;
 *  - sequential read throughput, records decoded;
 *  - seek by offset and by timestamp in a 10-million-record partition;
 *  - opening a partition of 1,000 segments (clean, and after a crash);
 *  - compaction of 1,000,000 records over 100,000 keys: time, records/s, the offset map's
 *    fixed size, segments before and after (a second pass merges the cleaned segments).
 *
 * Set LOGDOCK_BENCH_QUICK=1 for a smaller, faster run while iterating.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CLEAN_SHUTDOWN_FILE,
  PartitionLog,
  decodeRecords,
  defaultLogConfig,
  encodeRecordBatch,
  iterateBatches,
  readAhead,
  readBatchHeader,
  writeBatchCrc,
  type LogConfig,
} from '../src/main/storage';

const QUICK = process.env.LOGDOCK_BENCH_QUICK === '1';
const MB = 1024 * 1024;

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

/** dd with conv=fdatasync: bytes/s of a sequential write made durable. */
function ddReference(dir: string, count = QUICK ? 64 : 256, sync = 'conv=fdatasync'): number {
  const file = join(dir, 'dd.bin');
  // dd reports on stderr; time it ourselves to avoid parsing locale-dependent units.
  const t0 = performance.now();
  execFileSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${count}`, sync], {
    stdio: 'ignore',
  });
  const secs = (performance.now() - t0) / 1000;
  execFileSync('rm', ['-f', file]);
  return (count * MB) / secs;
}

function template(valueSize: number, perBatch: number): Buffer {
  const value = Buffer.alloc(valueSize, 0x61);
  const now = Date.now();
  return encodeRecordBatch(
    Array.from({ length: perBatch }, (_, i) => ({ key: null, value, timestamp: now + i })),
  );
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface AppendFigure {
  records: number;
  bytes: number;
  secs: number;
}

async function appendRun(
  dir: string,
  valueSize: number,
  perBatch: number,
  fsync: boolean,
  inFlight = 1,
): Promise<AppendFigure> {
  const config: LogConfig = {
    ...defaultLogConfig(),
    maxMessageBytes: 2 * MB,
    segmentBytes: 512 * MB,
  };
  const log = await PartitionLog.open(dir, config);
  // One buffer per in-flight append: append patches the base offset in place.
  const batches = Array.from({ length: inFlight }, () => template(valueSize, perBatch));
  const batch = batches[0];
  // Enough work for a stable figure without making the whole bench slow.
  const budgetBytes = (QUICK ? 0.25 : 1) * (fsync ? 48 * MB : 256 * MB);
  const maxAppends = fsync ? (QUICK ? 100 : 400) : QUICK ? 20_000 : 100_000;
  const appends = Math.max(5, Math.min(maxAppends, Math.floor(budgetBytes / batch.length)));
  const t0 = performance.now();
  // `inFlight` producers, each waiting for its append before sending the next (as a
  // producer with max.in.flight requests does); fsyncs of concurrent appends are shared.
  let sent = 0;
  await Promise.all(
    batches.map(async (b) => {
      while (sent < appends) {
        sent++;
        await log.append(b, { fsync });
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  await log.deleteFiles();
  return { records: appends * perBatch, bytes: appends * batch.length, secs };
}

export async function sequentialRead(dir: string): Promise<void> {
  const log = await PartitionLog.open(dir, { ...defaultLogConfig(), segmentBytes: 128 * MB });
  const batch = template(100, 1000);
  const appends = QUICK ? 500 : 3000;
  for (let i = 0; i < appends; i++) await log.append(batch);
  // Reads of 1 MiB (a Fetch's size), the next one in flight while this one is consumed,
  // as a Kafka consumer keeps its next Fetch outstanding.
  const reads = () =>
    readAhead(async (o) => (await log.read(o, MB)).records, log.logStartOffset, log.logEndOffset);
  // Batches only, as a Kafka fetch sends them (headers walked, nothing decoded).
  const t = performance.now();
  let batchBytes = 0;
  let batchRecords = 0;
  for await (const { raw } of reads()) {
    batchBytes += raw.length;
    for (const { header } of iterateBatches(raw)) batchRecords += header.recordCount;
  }
  let secs = (performance.now() - t) / 1000;
  console.log(
    `sequential read, 1 MiB reads, batches only: ${fmt(batchRecords / secs)} records/s, ${fmt(batchBytes / MB / secs, 1)} MB/s`,
  );
  // Sequential read: every record decoded (key/value views, headers, offsets, timestamps).
  const t0 = performance.now();
  let records = 0;
  let bytes = 0;
  for await (const { raw } of reads()) {
    bytes += raw.length;
    for (const { header, position, size } of iterateBatches(raw)) {
      records += decodeRecords(raw.subarray(position + 61, position + size), header).length;
    }
  }
  secs = (performance.now() - t0) / 1000;
  console.log(
    `sequential read, 100 B records, 1 MiB reads, decoded: ${fmt(records / secs)} records/s, ${fmt(bytes / MB / secs, 1)} MB/s (${fmt(records)} records)`,
  );
  // After a restart nothing is known verified: the first read checks every batch's CRC,
  // the second finds the ranges verified (see verified-ranges.ts).
  await log.close();
  const reopened = await PartitionLog.open(dir, { ...defaultLogConfig(), segmentBytes: 128 * MB });
  for (const pass of ['first read after a restart', 'second read']) {
    const t1 = performance.now();
    let n = 0;
    const again = readAhead(
      async (o) => (await reopened.read(o, MB)).records,
      reopened.logStartOffset,
      reopened.logEndOffset,
    );
    for await (const { raw } of again) {
      for (const { header, position, size } of iterateBatches(raw)) {
        n += decodeRecords(raw.subarray(position + 61, position + size), header).length;
      }
    }
    const s = (performance.now() - t1) / 1000;
    console.log(`sequential read, decoded, ${pass}: ${fmt(n / s)} records/s`);
  }
  await reopened.deleteFiles();
}

async function seekBench(dir: string): Promise<void> {
  const total = QUICK ? 1_000_000 : 10_000_000;
  const perBatch = 1000;
  const log = await PartitionLog.open(dir, { ...defaultLogConfig(), segmentBytes: 64 * MB });
  const batch = template(10, perBatch);
  const baseTs = readBatchHeader(batch, 0).baseTimestamp;
  const t0 = performance.now();
  for (let i = 0; i < total / perBatch; i++) {
    // Give every batch its own time range: 1 ms per record, so timestamps grow with offsets.
    const ts = baseTs + i * perBatch;
    batch.writeBigInt64BE(BigInt(ts), 27);
    batch.writeBigInt64BE(BigInt(ts + perBatch - 1), 35);
    writeBatchCrc(batch, 0);
    await log.append(batch);
  }
  const buildSecs = (performance.now() - t0) / 1000;
  console.log(
    `built a ${fmt(total)}-record partition (${log.segments().length} segments, ${fmt(log.sizeBytes() / MB)} MB) in ${fmt(buildSecs, 1)} s`,
  );
  await log.close();
  const reopened = await PartitionLog.open(dir, { ...defaultLogConfig(), segmentBytes: 64 * MB });
  const n = 2000;
  const offsets = Array.from({ length: n }, () => Math.floor(Math.random() * total));
  // Warm the lazily loaded indexes once (what a running broker has), then measure.
  await reopened.read(offsets[0], 1);
  await reopened.offsetForTimestamp(baseTs + offsets[0]);
  let t = performance.now();
  for (const o of offsets) await reopened.read(o, 1);
  const byOffset = (performance.now() - t) / n;
  t = performance.now();
  for (const o of offsets) {
    const found = await reopened.offsetForTimestamp(baseTs + o);
    if (found !== o) throw new Error(`timestamp seek found ${found}, expected ${o}`);
  }
  const byTime = (performance.now() - t) / n;
  console.log(
    `seek by offset in ${fmt(total)} records: ${fmt(byOffset, 3)} ms (mean of ${n}, batch returned)`,
  );
  console.log(
    `seek by timestamp in ${fmt(total)} records: ${fmt(byTime, 3)} ms (mean of ${n}, exact offset found)`,
  );
  await reopened.deleteFiles();
}

async function openBench(dir: string): Promise<void> {
  const config: LogConfig = {
    ...defaultLogConfig(),
    segmentBytes: 24 * 1024,
    indexIntervalBytes: 1024,
  };
  const log = await PartitionLog.open(dir, config);
  const batch = template(100, 100); // ~11 KiB: two batches per segment
  while (log.segments().length < 1000) await log.append(batch);
  const segments = log.segments().length;
  await log.close();
  let t = performance.now();
  const clean = await PartitionLog.open(dir, config);
  const cleanMs = performance.now() - t;
  const leo = clean.logEndOffset;
  await clean.close();
  await fs.rm(join(dir, CLEAN_SHUTDOWN_FILE));
  t = performance.now();
  const crashed = await PartitionLog.open(dir, config);
  const crashMs = performance.now() - t;
  if (crashed.logEndOffset !== leo) throw new Error('reopen lost records');
  console.log(
    `open ${segments} segments: ${fmt(cleanMs, 1)} ms after a clean shutdown, ${fmt(crashMs, 1)} ms after a crash`,
  );
  await crashed.deleteFiles();
}

/** Exported to run alone: `tsx -e "import('./bench/storage.bench.ts').then((m) => m.compactionBench('/tmp/c'))"`. */
export async function compactionBench(dir: string): Promise<void> {
  const total = 1_000_000;
  const keys = 100_000;
  const perBatch = 1000;
  const config: LogConfig = {
    ...defaultLogConfig(),
    segmentBytes: 4 * MB,
    segmentMs: 60 * 60 * 1000,
    cleanupPolicy: 'compact',
  };
  let clock = Date.now();
  const log = await PartitionLog.open(dir, config, {
    clock: () => clock,
  });
  const value = Buffer.alloc(100, 0x62);
  const now = Date.now();
  for (let base = 0; base < total; base += perBatch) {
    const records = Array.from({ length: perBatch }, (_, i) => ({
      key: Buffer.from(`key-${(base + i) % keys}`),
      value,
      timestamp: now,
    }));
    await log.append(encodeRecordBatch(records));
  }
  clock += config.segmentMs; // roll: the active segment holds only the next record
  await log.appendRecords([{ key: Buffer.from('roll'), value }]);
  const before = log.segments().length;
  const bytesBefore = log.sizeBytes();
  let t = performance.now();
  const first = await log.compact();
  const firstSecs = (performance.now() - t) / 1000;
  const afterFirst = log.segments().length;
  t = performance.now();
  const second = await log.compact();
  const secondSecs = (performance.now() - t) / 1000;
  const pass = first.pass!;
  if (pass.mapFull || first.removedRecords !== total - keys) {
    throw new Error(
      `compaction removed ${first.removedRecords} records, map full: ${pass.mapFull}`,
    );
  }
  console.log(
    `compact ${fmt(total)} records over ${fmt(keys)} keys (100 B values, ${fmt(bytesBefore / MB, 0)} MB): ` +
      `${fmt(firstSecs, 2)} s, ${fmt(total / firstSecs)} records/s, offset map ${fmt(pass.offsetMapBytes / MB, 1)} MiB (fixed), ` +
      `segments ${before} -> ${afterFirst}; a second pass merges them: ${afterFirst} -> ${log.segments().length} in ${fmt(secondSecs, 2)} s` +
      ` (${second.removedRecords} more removed)`,
  );
  await log.deleteFiles();
}

export async function run(): Promise<void> {
  const root = await fs.mkdtemp(join(tmpdir(), 'logdock-bench-'));
  try {
    const dd = ddReference(root);
    console.log(`disk reference: dd bs=1M conv=fdatasync: ${fmt(dd / MB, 1)} MB/s`);
    console.log('append (pre-encoded client batches; MB/s of batch bytes):');
    let k = 0;
    for (const valueSize of [100, 1024]) {
      for (const perBatch of [1, 100, 1000]) {
        for (const fsync of [false, true]) {
          // The disk is shared and its speed drifts: durable figures are compared with a dd
          // run made just before them.
          const ddNow = fsync ? ddReference(root, 64) : dd;
          const f = await appendRun(join(root, `a${k++}`), valueSize, perBatch, fsync);
          const mbps = f.bytes / MB / f.secs;
          const ratio = fsync
            ? `, ${fmt((100 * f.bytes) / f.secs / ddNow, 0)}% of dd (${fmt(ddNow / MB, 0)} MB/s just before)`
            : '';
          console.log(
            `  ${String(valueSize).padStart(4)} B x ${String(perBatch).padStart(4)}/batch, ${fsync ? 'fsync per batch' : 'flush by OS    '}: ` +
              `${fmt(f.records / f.secs).padStart(11)} records/s, ${fmt(mbps, 1).padStart(7)} MB/s${ratio}`,
          );
        }
      }
    }
    // The target figure: ≈1 MiB batches, each acknowledged after its fdatasync. This disk's
    // speed drifts by 3× from one second to the next, so dd and Logdock take turns, three
    // rounds each, and the medians are compared.
    console.log('fsync per ≈1 MiB batch (1 KiB x 1000), dd and Logdock alternating, medians of 3:');
    for (const inFlight of [1, 2, 5]) {
      const dds: number[] = [];
      const dsyncs: number[] = [];
      const ours: number[] = [];
      for (let round = 0; round < 3; round++) {
        dds.push(ddReference(root, 64) / MB);
        // dd writing 1 MiB blocks with a sync after each (oflag=dsync): the disk's own
        // speed for the pattern of one producer waiting for every fsync.
        if (inFlight === 1) dsyncs.push(ddReference(root, 64, 'oflag=dsync') / MB);
        const f = await appendRun(join(root, `a${k++}`), 1024, 1000, true, inFlight);
        ours.push(f.bytes / MB / f.secs);
      }
      const list = (xs: number[]) => xs.map((x) => fmt(x, 0)).join(' / ');
      const why = inFlight === 5 ? " (a Kafka producer's default max.in.flight)" : '';
      console.log(
        `  ${inFlight} append${inFlight > 1 ? 's' : ''} in flight${why}: ${fmt(median(ours), 0)} MB/s (${list(ours)}), ` +
          `dd ${fmt(median(dds), 0)} MB/s (${list(dds)}): ${fmt((100 * median(ours)) / median(dds), 0)}% of dd`,
      );
      if (dsyncs.length > 0) {
        console.log(
          `    dd oflag=dsync (a sync after every 1 MiB write, the same pattern): ${fmt(median(dsyncs), 0)} MB/s ` +
            `(${list(dsyncs)}) = ${fmt((100 * median(dsyncs)) / median(dds), 0)}% of dd conv=fdatasync; ` +
            `Logdock ${fmt((100 * median(ours)) / median(dsyncs), 0)}% of it`,
        );
      }
    }
    await sequentialRead(join(root, 'read'));
    await seekBench(join(root, 'seek'));
    await openBench(join(root, 'open'));
    await compactionBench(join(root, 'compact'));
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}
