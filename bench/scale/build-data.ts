/**
 * Builds (or reuses) the large data dir of `npm run bench scale` (issue 18): 200 topics of
 * 10 partitions (2,000), real RecordBatch v2 batches of log lines written through the
 * storage engine's own writer (every byte on disk, no sparse files), topic sizes skewed as on
 * a workstation (one topic holds half the bytes, the others fall off as 1/rank), and 100
 * consumer groups with commits. The size is LOGDOCK_SCALE_GB (default 20, BENCH_QUICK=1: 1); the dir is
 * `$LOGDOCK_SCALE_DIR/data-<GB>g` (default /tmp/logdock-scale), reused when its
 * `scale-built.json` says it is complete. Free disk is checked first: it needs the size
 * plus a 15 GB margin, and says so instead of filling the disk.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { writeTopicMetadata } from '../../src/main/broker/topic-metadata';
import { PartitionLog, defaultLogConfig } from '../../src/main/storage';
import { openBroker } from '../../src/main/broker';
import { silentLogger } from '../../src/main/logger';
import {
  BASE_TIMESTAMP_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  encodeRecordBatch,
  writeBatchCrc,
} from '../../src/main/storage/record-batch';
import { writeInt64 } from '../../src/main/storage/varint';

export const TOPICS = 200;
export const PARTITIONS_PER_TOPIC = 10;
export const GROUPS = 100;
/** The topic holding half the bytes (the one searched). */
export const BIG_TOPIC = 'app-main';
const MARGIN_BYTES = 15 * 1024 ** 3;
const BATCH_LINES = 1000;
/** Distinct batches cycled through (their timestamps are rewritten per append). */
const TEMPLATES = 16;
const DAY_MS = 86_400_000;
/** A year of logs: timestamps span the last 365 days, retention keeps 400. */
const SPAN_MS = 365 * DAY_MS;
const RETENTION_MS = 400 * DAY_MS;

export interface ScaleData {
  dataDir: string;
  bytes: number;
  topics: { name: string; bytes: number }[];
  built: boolean;
  buildMs: number;
}

export function scaleConfig(): { base: string; gb: number; dataDir: string } {
  const base = process.env.LOGDOCK_SCALE_DIR ?? '/tmp/logdock-scale';
  // A quick run (BENCH_QUICK=1) builds 1 GB unless told otherwise: minutes, not hours.
  const gb = Number(process.env.LOGDOCK_SCALE_GB ?? (process.env.BENCH_QUICK === '1' ? 1 : 20));
  if (!(gb > 0)) throw new Error(`LOGDOCK_SCALE_GB must be a positive number (got ${gb})`);
  return { base, gb, dataDir: join(base, `data-${gb}g`) };
}

const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];
const PATHS = ['/api/items', '/api/users', '/login', '/static/app.js', '/api/search', '/health'];

/** One line as a web service logs it; `seed` varies the content between templates. */
function logLine(seed: number, i: number): string {
  const n = seed * 1_000_003 + i;
  const level = LEVELS[n % LEVELS.length];
  return (
    `2026-05-01T10:${String(i % 60).padStart(2, '0')}:00.${String(n % 1000).padStart(3, '0')}Z ${level} ` +
    `[worker-${n % 8}] req=${n} user=u${n % 997} GET ${PATHS[n % PATHS.length]}/${n % 5000} ` +
    `${n % 50 === 0 ? 500 : 200} ${n % 400}ms ua="Mozilla/5.0 (X11; Linux x86_64)"`
  );
}

function templates(): Buffer[] {
  return Array.from({ length: TEMPLATES }, (_, t) =>
    encodeRecordBatch(
      Array.from({ length: BATCH_LINES }, (_, i) => ({
        key: null,
        value: Buffer.from(logLine(t, i)),
        timestamp: 0,
      })),
    ),
  );
}

/** Topic sizes: the big topic half, the rest by 1/rank, summing to `total`. */
function topicPlan(total: number): { name: string; bytes: number }[] {
  const rest = Array.from({ length: TOPICS - 1 }, (_, i) => 1 / (i + 1));
  const sum = rest.reduce((a, b) => a + b, 0);
  return [
    { name: BIG_TOPIC, bytes: total / 2 },
    ...rest.map((w, i) => ({
      name: `svc-${String(i + 1).padStart(3, '0')}`,
      bytes: ((total / 2) * w) / sum,
    })),
  ];
}

async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/**
 * The data dir, built now or found complete. Returns null (after saying why) when the disk
 * has too little room for it plus the margin.
 */
export async function ensureScaleData(log: (line: string) => void): Promise<ScaleData | null> {
  const { base, gb, dataDir } = scaleConfig();
  const marker = join(dataDir, 'scale-built.json');
  const total = Math.round(gb * 1024 ** 3);
  const plan = topicPlan(total);
  if (existsSync(marker)) {
    const done = JSON.parse(await readFile(marker, 'utf8')) as { bytes: number };
    log(`reusing ${dataDir} (${(done.bytes / 1e9).toFixed(1)} GB, built before)`);
    return { dataDir, bytes: done.bytes, topics: plan, built: false, buildMs: 0 };
  }
  await mkdir(base, { recursive: true });
  const free = await freeBytes(base);
  if (free < total + MARGIN_BYTES) {
    log(
      `NOT BUILDING ${dataDir}: ${gb} GB needs ${((total + MARGIN_BYTES) / 1e9).toFixed(1)} GB free ` +
        `(the data plus a 15 GB margin) and ${base} has ${(free / 1e9).toFixed(1)} GB. ` +
        `Free space, or set LOGDOCK_SCALE_GB smaller / LOGDOCK_SCALE_DIR elsewhere.`,
    );
    return null;
  }
  await rm(dataDir, { recursive: true, force: true });
  log(`building ${dataDir}: ${gb} GB over ${TOPICS} topics x ${PARTITIONS_PER_TOPIC} partitions`);
  const started = performance.now();
  const bytes = await fill(dataDir, plan, log);
  const buildMs = performance.now() - started;
  await writeFile(marker, JSON.stringify({ bytes, gb, builtAt: new Date().toISOString() }));
  log(
    `built ${(bytes / 1e9).toFixed(2)} GB in ${(buildMs / 1000).toFixed(1)} s (${(bytes / 1e6 / (buildMs / 1000)).toFixed(0)} MB/s)`,
  );
  return { dataDir, bytes, topics: plan, built: true, buildMs };
}

async function fill(
  dataDir: string,
  plan: { name: string; bytes: number }[],
  log: (line: string) => void,
): Promise<number> {
  await mkdir(dataDir, { recursive: true });
  const batches = templates();
  const batchBytes = batches[0].length;
  const now = Date.now();
  const started = performance.now();
  let written = 0;
  let lastReport = started;
  const jobs = plan.flatMap((t) =>
    Array.from({ length: PARTITIONS_PER_TOPIC }, (_, p) => ({
      topic: t.name,
      partition: p,
      count: Math.max(1, Math.round(t.bytes / PARTITIONS_PER_TOPIC / batchBytes)),
    })),
  );
  // The storage engine's own writer on each partition directory, many at once: opening and
  // closing a partition costs a few fsyncs, which overlap; appends go to the page cache.
  let next = 0;
  const worker = async (): Promise<void> => {
    const own = batches.map((b) => Buffer.from(b));
    while (next < jobs.length) {
      const job = jobs[next++];
      const config = {
        ...defaultLogConfig(),
        // Big partitions roll at 128 MiB, the small ones at 1 MiB: thousands of segments.
        segmentBytes: segmentBytesOf(job.topic),
        retentionMs: RETENTION_MS,
      };
      const pl = await PartitionLog.open(join(dataDir, `${job.topic}-${job.partition}`), config, {
        topic: job.topic,
        partition: job.partition,
      });
      try {
        for (let i = 0; i < job.count; i++) {
          const buf = own[i % own.length];
          // Time moves forward through the partition, ending now.
          const ts = now - SPAN_MS + Math.floor((SPAN_MS * i) / job.count);
          writeInt64(buf, BASE_TIMESTAMP_OFFSET, ts);
          writeInt64(buf, MAX_TIMESTAMP_OFFSET, ts);
          writeBatchCrc(buf, 0);
          await pl.append(buf);
          written += buf.length;
          if (performance.now() - lastReport > 10_000) {
            lastReport = performance.now();
            log(`  ${(written / 1e9).toFixed(1)} GB written`);
          }
        }
      } finally {
        await pl.close();
      }
    }
  };
  await Promise.all(Array.from({ length: 24 }, worker));
  log(
    `  ${(written / 1e9).toFixed(2)} GB appended in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await writeTopicMetadata(
    dataDir,
    plan.map((t) => ({
      name: t.name,
      topicId: randomUUID(),
      partitions: PARTITIONS_PER_TOPIC,
      createdAt: now - SPAN_MS,
      configs: { 'segment.bytes': segmentBytesOf(t.name), 'retention.ms': RETENTION_MS },
    })),
  );
  const broker = await openBroker({ dataDir, logger: silentLogger, scrub: false });
  try {
    await commitGroups(broker, plan);
  } finally {
    await broker.close();
  }
  return written;
}

function segmentBytesOf(topic: string): number {
  return topic === BIG_TOPIC ? 128 * 1024 * 1024 : 1024 * 1024;
}

/** 100 groups, each committed on every partition of 1-3 topics (the big one for some). */
async function commitGroups(
  broker: Awaited<ReturnType<typeof openBroker>>,
  plan: { name: string }[],
): Promise<void> {
  for (let g = 0; g < GROUPS; g++) {
    const topics = [plan[(g * 7) % plan.length], plan[(g * 13 + 1) % plan.length]];
    if (g % 10 === 0) topics.push(plan[0]);
    const offsets = topics.flatMap((t) =>
      Array.from({ length: PARTITIONS_PER_TOPIC }, (_, p) => {
        const { logEndOffset } = broker.offsetsOf(t.name, p);
        return { topic: t.name, partition: p, offset: Math.floor(logEndOffset * 0.9) };
      }),
    );
    await broker.groups.setOffsets(`consumer-${String(g).padStart(3, '0')}`, offsets);
  }
}
