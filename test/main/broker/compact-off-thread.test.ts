import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { offThreadCompaction } from '../../../src/main/broker/compact-off-thread';
import {
  type CompressionCodec,
  type LogConfig,
  OFFSET_MAP_SLOT_BYTES,
  PartitionLog,
  type PartitionLogOptions,
  type RecordInput,
  inlineCompactionTasks,
} from '../../../src/main/storage';
import { closeSharedWorkerPool } from '../../../src/main/workers/pool';
import { makeTempDir, removeDir, smallConfig, writeGarbage } from '../storage/helpers';

let root = '';
const open: PartitionLog[] = [];
beforeEach(async () => {
  root = await makeTempDir();
});
afterEach(async () => {
  for (const log of open.splice(0)) await log.close();
  await removeDir(root);
});
afterAll(() => closeSharedWorkerPool());

const config = (overrides: Partial<LogConfig> = {}): LogConfig =>
  smallConfig({
    segmentBytes: 256 * 1024,
    indexIntervalBytes: 4096,
    cleanupPolicy: 'compact',
    deleteRetentionMs: 1000,
    maxMessageBytes: 4 * 1024 * 1024,
    ...overrides,
  });

async function openLog(
  name: string,
  cfg: LogConfig,
  opts: PartitionLogOptions,
): Promise<PartitionLog> {
  const log = await PartitionLog.open(join(root, name), cfg, { clock: () => 10_000, ...opts });
  open.push(log);
  return log;
}

const CODECS: CompressionCodec[] = ['none', 'zstd', 'lz4', 'gzip', 'snappy'];

/**
 * The same records, in the same batches, into both logs: 50 keys over every codec, old
 * tombstones (dropped), fresh ones (kept), and a record of 1.5 MB — a batch larger than a
 * compaction chunk — superseded later by a small one.
 */
async function fill(logs: PartitionLog[]): Promise<void> {
  const big = Buffer.alloc(1536 * 1024, 0x61);
  for (let b = 0; b < 300; b++) {
    const records: RecordInput[] = [];
    for (let i = 0; i < 10; i++) {
      const n = b * 10 + i;
      const tombstone = n % 37 === 0;
      records.push({
        key: Buffer.from(`k${n % 50}`),
        value: tombstone ? null : Buffer.from(`value ${n} `.repeat(8)),
        // The first tombstones are older than delete.retention.ms at the clock of 10 s.
        timestamp: tombstone && n < 1500 ? 1000 : 9500 + n,
      });
    }
    // segment.bytes bounds a batch: raised for that one.
    const cfg = config({ segmentBytes: b === 100 ? 2 * 1024 * 1024 : 16 * 1024 });
    for (const log of logs) log.updateConfig(cfg);
    if (b === 100) records.push({ key: Buffer.from('big'), value: big, timestamp: 9000 });
    if (b === 250)
      records.push({ key: Buffer.from('big'), value: Buffer.from('small'), timestamp: 9001 });
    for (const log of logs)
      await log.appendRecords(records, { compression: CODECS[b % CODECS.length] });
  }
}

/**
 * Every segment file of a log's directory, by name, with the SHA-256 of its bytes
 * (partition.meta aside: the flush timer may rewrite it at any time).
 */
async function files(dir: string): Promise<Map<string, string>> {
  const names = (await fs.readdir(dir)).filter((n) => /^\d{20}\./.test(n)).sort();
  const hash = async (n: string) =>
    createHash('sha256')
      .update(await fs.readFile(join(dir, n)))
      .digest('hex');
  return new Map(await Promise.all(names.map(async (n) => [n, await hash(n)] as const)));
}

describe('compaction on a worker thread', () => {
  it('writes byte for byte the segments and indexes that compacting on the main thread writes', async () => {
    const inline = await openLog('inline-0', config(), { compactionTasks: inlineCompactionTasks });
    const worker = await openLog('worker-0', config(), { compactionTasks: offThreadCompaction });
    await fill([inline, worker]);
    expect(inline.segments().length).toBeGreaterThan(5);
    const a = await inline.compact();
    const b = await worker.compact();
    expect(b).toEqual(a);
    expect(a.removedRecords).toBeGreaterThan(2000);
    expect(await files(worker.dir)).toEqual(await files(inline.dir));
    const records = await worker.readRecords(0, { maxRecords: 10_000, maxBytes: 4 * 1024 * 1024 });
    const bigs = records.filter((r) => r.key?.toString() === 'big');
    expect(bigs.map((r) => r.value?.toString())).toEqual(['small']);
    // A second pass merges what the first left: still the same bytes on both sides.
    expect(await worker.compact()).toEqual(await inline.compact());
    expect(await files(worker.dir)).toEqual(await files(inline.dir));
  });

  it('stops where a small offset map fills and goes on from there, as on the main thread', async () => {
    const opts = { offsetMapBytes: 23 * OFFSET_MAP_SLOT_BYTES };
    const inline = await openLog('inline-0', config(), {
      ...opts,
      compactionTasks: inlineCompactionTasks,
    });
    const worker = await openLog('worker-0', config(), {
      ...opts,
      compactionTasks: offThreadCompaction,
    });
    await fill([inline, worker]);
    for (let pass = 0; pass < 4; pass++) {
      const a = await inline.compact();
      expect(await worker.compact()).toEqual(a);
      expect(worker.cleanerPoint).toBe(inline.cleanerPoint);
      expect(await files(worker.dir)).toEqual(await files(inline.dir));
      if (pass === 0) expect(a.pass?.mapFull).toBe(true);
    }
  });

  it('fails with the CORRUPT_RECORD of the main thread, naming file and position, and leaves the segments as they were', async () => {
    const cfg = config({ segmentBytes: 64 * 1024 });
    const inline = await openLog('inline-0', cfg, { compactionTasks: inlineCompactionTasks });
    const worker = await openLog('worker-0', cfg, { compactionTasks: offThreadCompaction });
    for (let i = 0; i < 400; i++) {
      const records = [
        { key: Buffer.from(`k${i % 5}`), value: Buffer.alloc(500, 0x62), timestamp: 9000 },
      ];
      for (const log of [inline, worker]) await log.appendRecords(records);
    }
    for (const log of [inline, worker])
      await writeGarbage(join(log.dir, '00000000000000000000.log'), 20_000, 64);
    const before = await files(worker.dir);
    const fromInline = await inline.compact().catch((e: unknown) => e);
    const fromWorker = await worker.compact().catch((e: unknown) => e);
    expect(fromWorker).toMatchObject({ code: 'CORRUPT_RECORD' });
    expect((fromWorker as Error).message).toBe(
      (fromInline as Error).message.replaceAll('inline-0', 'worker-0'),
    );
    expect((fromWorker as Error).message).toContain(join(worker.dir, '00000000000000000000.log'));
    expect(await files(worker.dir)).toEqual(before);
  });

  it('keeps appends and reads going, and the event loop turning, while a big partition compacts', async () => {
    let clock = 10_000;
    const cfg = config({ segmentBytes: 1024 * 1024, segmentMs: 60_000 });
    const log = await openLog('big-0', cfg, {
      clock: () => clock,
      compactionTasks: offThreadCompaction,
    });
    const value = Buffer.alloc(100, 0x63);
    for (let b = 0; b < 200; b++) {
      const records = Array.from({ length: 1000 }, (_, i) => ({
        key: Buffer.from(`key-${(b * 1000 + i) % 20_000}`),
        value,
        timestamp: 9000,
      }));
      await log.appendRecords(records, { compression: b % 2 ? 'zstd' : 'none' });
    }
    clock += 60_000; // rolls: every record above is in a sealed segment
    await log.appendRecords([{ key: Buffer.from('roll'), value, timestamp: 9000 }]);
    const end = log.logEndOffset;
    let turns = 0;
    let turning = true;
    const spin = async () => {
      while (turning) {
        turns++;
        await new Promise((r) => setImmediate(r));
      }
    };
    const spinning = spin();
    const compaction = log.compact();
    const appended: number[] = [];
    let done = false;
    void compaction.finally(() => (done = true));
    // At most 5,000: the read below must see them all in one answer, however long a loaded
    // machine takes to compact (a CI run appended 86,000 and the read stopped at 100,000).
    while (!done && appended.length < 5000) {
      const { baseOffset } = await log.appendRecords([
        {
          key: Buffer.from('live'),
          value: Buffer.from(`during ${appended.length}`),
          timestamp: 9500,
        },
      ]);
      appended.push(baseOffset);
      expect((await log.readRecords(baseOffset))[0].value?.toString()).toBe(
        `during ${appended.length - 1}`,
      );
    }
    const result = await compaction;
    turning = false;
    await spinning;
    expect(result.removedRecords).toBe(200_000 - 20_000);
    expect(appended.length).toBeGreaterThan(0);
    expect(turns).toBeGreaterThan(appended.length);
    const records = await log.readRecords(0, { maxRecords: 100_000, maxBytes: 8 * 1024 * 1024 });
    expect(records.filter((r) => r.offset < end - 1)).toHaveLength(20_000);
    expect(records.filter((r) => r.offset >= end).map((r) => r.offset)).toEqual(appended);
  });
});
