import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  CLEAN_SHUTDOWN_FILE,
  type CompressionCodec,
  PartitionLog,
  decodeRecordBatch,
  defaultLogConfig,
  encodeRecordBatch,
  iterateBatches,
} from '../../../src/main/storage';
import { smallConfig, value, usePartitionDir } from './helpers';
import { waitFor } from '../../wait';

const fx = usePartitionDir();

function openLog(config = smallConfig(), clock?: () => number): Promise<PartitionLog> {
  return fx.openLog(config, { clock, topic: 't', partition: 0 });
}

async function fill(log: PartitionLog, n: number, perBatch = 1, ts = 1000): Promise<void> {
  for (let i = 0; i < n; i += perBatch) {
    const records = [];
    for (let j = i; j < Math.min(n, i + perBatch); j++)
      records.push({ key: Buffer.from(`k${j}`), value: value(j), timestamp: ts + j });
    await log.appendRecords(records);
  }
}

describe('PartitionLog', () => {
  it('assigns consecutive offsets and reads every record back across segments', async () => {
    const log = await openLog(smallConfig({ segmentBytes: 2048 }));
    await fill(log, 300, 3);
    expect(log.logStartOffset).toBe(0);
    expect(log.logEndOffset).toBe(300);
    expect(log.segments().length).toBeGreaterThan(3);
    const all = await log.readRecords(0, { maxRecords: 300 });
    expect(all.map((r) => r.offset)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(all.map((r) => r.value!.toString())).toEqual(
      Array.from({ length: 300 }, (_, i) => `value-${i}`),
    );
  });

  it('patches the base offset of client batches in place without re-encoding them', async () => {
    const log = await openLog();
    await fill(log, 5);
    const batch = encodeRecordBatch([{ value: Buffer.from('a') }, { value: Buffer.from('b') }], {
      baseOffset: 999,
    });
    const payload = Buffer.from(batch.subarray(12));
    const res = await log.append(batch);
    expect(res).toMatchObject({ baseOffset: 5, lastOffset: 6, recordCount: 2, logAppendTime: -1 });
    expect(batch.readBigInt64BE(0)).toBe(5n);
    const { records } = await log.read(5, 1024);
    expect(records.subarray(12).equals(payload)).toBe(true);
  });

  it('reads whole batches from the one holding the offset, at least one even beyond maxBytes', async () => {
    const log = await openLog(smallConfig({ segmentBytes: 1 << 20 }));
    await fill(log, 100, 10);
    const { records, highWatermark, logStartOffset } = await log.read(25, 1);
    const batches = [...iterateBatches(records)];
    expect(batches).toHaveLength(1);
    expect(batches[0].header.baseOffset).toBe(20);
    expect(highWatermark).toBe(100);
    expect(logStartOffset).toBe(0);
    const more = await log.read(25, 10_000);
    const bases = [...iterateBatches(more.records)].map((b) => b.header.baseOffset);
    expect(bases[0]).toBe(20);
    expect(bases.length).toBeGreaterThan(3);
    expect(more.records.length).toBeLessThanOrEqual(10_000);
    expect((await log.readRecords(25, { maxRecords: 2 })).map((r) => r.offset)).toEqual([25, 26]);
  });

  it('reads records from the middle of batches and across their ends, exactly those asked for', async () => {
    const log = await openLog(smallConfig({ segmentBytes: 1 << 20 }));
    await fill(log, 300, 100);
    const offsets = async (from: number, maxRecords?: number) =>
      (await log.readRecords(from, maxRecords === undefined ? {} : { maxRecords })).map(
        (r) => r.offset,
      );
    expect(await offsets(150, 1)).toEqual([150]);
    expect(await offsets(198, 5)).toEqual([198, 199, 200, 201, 202]);
    expect(await offsets(295, 50)).toEqual([295, 296, 297, 298, 299]);
    const [one] = await log.readRecords(222, { maxRecords: 1 });
    expect(one.value).toEqual(value(222));
    // Without maxRecords: every record of one read from the offset on.
    const all = await offsets(250);
    expect(all[0]).toBe(250);
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => 250 + i));
  });

  it('looks up a few records with a read of 64 KiB, which still returns a larger batch holding them whole', async () => {
    const log = await openLog(smallConfig({ segmentBytes: 1 << 22 }));
    await fill(log, 50, 10);
    // One batch of ~200 KB: 200 records of 1,000 bytes (offsets 50..249).
    await log.appendRecords(
      Array.from({ length: 200 }, (_, i) => ({
        key: null,
        value: Buffer.alloc(1000, i),
        timestamp: 2000 + i,
      })),
    );
    const sizes: number[] = [];
    const read = log.read.bind(log);
    log.read = (offset, maxBytes, ...rest) => (
      sizes.push(maxBytes),
      read(offset, maxBytes, ...rest)
    );
    const [one] = await log.readRecords(180, { maxRecords: 1 });
    expect(one.offset).toBe(180);
    expect(one.value).toEqual(Buffer.alloc(1000, 130));
    expect((await log.readRecords(5, { maxRecords: 16 })).map((r) => r.offset)).toEqual(
      Array.from({ length: 16 }, (_, i) => 5 + i),
    );
    expect(sizes).toEqual([64 * 1024, 64 * 1024]);
    // More records than a lookup: a read of 1 MiB, as before.
    expect(await log.readRecords(0, { maxRecords: 300 })).toHaveLength(250);
    expect(sizes.slice(2)).toEqual([1024 * 1024]);
  });

  it('reads on when the 64 KiB of a lookup end inside the next batch holding records it asked for', async () => {
    const log = await openLog(smallConfig({ segmentBytes: 1 << 22 }));
    // Two batches of ~50 KB (offsets 0..9 and 10..19): 64 KiB from the first cut the second.
    for (const base of [0, 10])
      await log.appendRecords(
        Array.from({ length: 10 }, (_, i) => ({
          key: null,
          value: Buffer.alloc(5000, base + i),
          timestamp: 1000 + base + i,
        })),
      );
    const sizes: number[] = [];
    const read = log.read.bind(log);
    log.read = (offset, maxBytes, ...rest) => (
      sizes.push(maxBytes),
      read(offset, maxBytes, ...rest)
    );
    const got = await log.readRecords(5, { maxRecords: 10 });
    expect(got.map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => 5 + i));
    expect(got[9].value).toEqual(Buffer.alloc(5000, 14));
    expect(sizes).toEqual([64 * 1024, 64 * 1024]);
  });

  it("reads into a caller's buffer when the batches fit, and into a new one when they do not", async () => {
    const log = await openLog(smallConfig({ segmentBytes: 1 << 20 }));
    await fill(log, 100, 10);
    const fresh = (await log.read(25, 2000)).records;
    const into = Buffer.alloc(2000, 0xee);
    const reused = (await log.read(25, 2000, into)).records;
    expect(reused.buffer).toBe(into.buffer);
    expect(reused.length).toBeGreaterThan(0);
    // Whole batches, the same bytes as a fresh read (possibly fewer of them).
    expect(fresh.subarray(0, reused.length).equals(reused)).toBe(true);
    expect([...iterateBatches(reused)][0].header.baseOffset).toBe(20);
    const tiny = Buffer.alloc(10);
    const big = (await log.read(25, 2000, tiny)).records;
    expect(big.buffer).not.toBe(tiny.buffer);
    expect(big.equals(fresh)).toBe(true);
  });

  it('returns nothing at the log end offset and OFFSET_OUT_OF_RANGE outside the log', async () => {
    const log = await openLog();
    await fill(log, 10);
    expect((await log.read(10, 1000)).records.length).toBe(0);
    await expect(log.read(11, 1000)).rejects.toMatchObject({
      code: 'OFFSET_OUT_OF_RANGE',
      message: expect.stringContaining('t-0'),
    });
    await expect(log.read(-1, 1000)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    await log.deleteRecords(4);
    await expect(log.read(3, 1000)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    await expect(log.read(5, Number.NaN)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(log.offsetForTimestamp(Number.NaN)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('finds the first offset whose timestamp is at least the one asked, or null', async () => {
    const log = await openLog();
    // Timestamps 1000, 1002, 1004, ... so odd targets fall between records.
    for (let i = 0; i < 200; i++)
      await log.appendRecords([{ value: value(i), timestamp: 1000 + 2 * i }]);
    expect(await log.offsetForTimestamp(0)).toBe(0);
    expect(await log.offsetForTimestamp(1000)).toBe(0);
    expect(await log.offsetForTimestamp(1001)).toBe(1);
    expect(await log.offsetForTimestamp(1250)).toBe(125);
    expect(await log.offsetForTimestamp(1251)).toBe(126);
    expect(await log.offsetForTimestamp(1398)).toBe(199);
    expect(await log.offsetForTimestamp(1399)).toBeNull();
  });

  it('matches a linear scan for offsetForTimestamp on random out-of-order timestamps', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: -5, max: 505 }),
        async (stamps, target) => {
          const sub = join(fx.root, `p-${Math.random().toString(36).slice(2)}`);
          const log = await PartitionLog.open(
            sub,
            smallConfig({ segmentBytes: 600, indexIntervalBytes: 60 }),
          );
          try {
            for (let i = 0; i < stamps.length; i += 2) {
              await log.appendRecords(
                stamps.slice(i, i + 2).map((t) => ({ value: Buffer.from('v'), timestamp: t })),
              );
            }
            const expected = stamps.findIndex((t) => t >= target);
            expect(await log.offsetForTimestamp(target)).toBe(expected < 0 ? null : expected);
          } finally {
            await log.deleteFiles();
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as CompressionCodec[])(
    'stores and reads %s batches',
    async (compression) => {
      const log = await openLog();
      await log.appendRecords(
        [{ value: Buffer.from('one') }, { value: Buffer.from('two'), key: Buffer.from('k') }],
        { compression },
      );
      const records = await log.readRecords(0, { maxRecords: 10 });
      expect(records.map((r) => r.value!.toString())).toEqual(['one', 'two']);
      expect(decodeRecordBatch((await log.read(0, 100)).records).header.compression).toBe(
        compression,
      );
    },
  );

  it('refuses a batch larger than max.message.bytes with MESSAGE_TOO_LARGE and stores nothing', async () => {
    const log = await openLog(smallConfig({ maxMessageBytes: 200 }));
    const big = encodeRecordBatch([{ value: Buffer.alloc(500) }]);
    await expect(log.append(big)).rejects.toMatchObject({
      code: 'MESSAGE_TOO_LARGE',
      message: expect.stringContaining('t-0'),
    });
    expect(log.logEndOffset).toBe(0);
  });

  it('refuses a corrupt or truncated client batch and keeps the good one before it unwritten', async () => {
    const log = await openLog();
    const good = encodeRecordBatch([{ value: Buffer.from('ok') }]);
    const bad = encodeRecordBatch([{ value: Buffer.from('bad') }]);
    bad[bad.length - 1] ^= 1;
    await expect(log.append(Buffer.concat([good, bad]))).rejects.toMatchObject({
      code: 'CORRUPT_RECORD',
      message: /CRC mismatch/,
    });
    await expect(log.append(good.subarray(0, 40))).rejects.toMatchObject({
      code: 'CORRUPT_RECORD',
    });
    await expect(log.append(Buffer.alloc(0))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(log.logEndOffset).toBe(0);
    await log.append(good);
    expect(log.logEndOffset).toBe(1);
  });

  it('stamps LogAppendTime batches with the clock and recomputes their CRC', async () => {
    let now = 50_000;
    const log = await openLog(smallConfig({ messageTimestampType: 'LogAppendTime' }), () => now);
    const res = await log.append(encodeRecordBatch([{ value: Buffer.from('x'), timestamp: 1 }]));
    expect(res.logAppendTime).toBe(50_000);
    now = 60_000;
    const [rec] = await log.readRecords(0);
    expect(rec.timestamp).toBe(50_000);
    const { header } = decodeRecordBatch((await log.read(0, 100)).records);
    expect(header.timestampType).toBe('LogAppendTime');
  });

  it('rolls a segment when segment.ms has passed by the injected clock', async () => {
    let now = 1_000_000;
    const log = await openLog(smallConfig({ segmentBytes: 1 << 20, segmentMs: 1000 }), () => now);
    await fill(log, 3);
    expect(log.segments()).toHaveLength(1);
    now += 1000;
    await fill(log, 1);
    expect(log.segments().map((s) => s.baseOffset)).toEqual([0, 3]);
    expect(log.segments().map((s) => s.active)).toEqual([false, true]);
  });

  it('names segment files with the 20-digit base offset', async () => {
    const log = await openLog(smallConfig({ segmentBytes: 300 }));
    await fill(log, 20);
    const names = (await fs.readdir(fx.dir)).filter((n) => n.endsWith('.log')).sort();
    expect(names[0]).toBe('00000000000000000000.log');
    expect(names.every((n) => /^\d{20}\.log$/.test(n))).toBe(true);
    expect(names.map((n) => Number(n.slice(0, 20)))).toEqual(
      log.segments().map((s) => s.baseOffset),
    );
  });

  it('notifies append listeners with the first and last offsets until unsubscribed', async () => {
    const log = await openLog();
    const seen: [number, number][] = [];
    const off = log.onAppend((a, b) => seen.push([a, b]));
    await fill(log, 4, 2);
    off();
    await fill(log, 1);
    expect(seen).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('gives the event loop a turn in a loop of small appends and reads of them', async () => {
    const log = await openLog(smallConfig({ segmentBytes: 1 << 20 }));
    let ranAt = -1;
    let i = 0;
    setImmediate(() => (ranAt = i));
    // Small appends write on the calling thread and the reads come from memory: without a
    // turn of its own, this loop would run to its end before anything else did.
    for (; i < 100; i++) {
      const { baseOffset } = await log.appendRecords([{ value: value(i) }]);
      expect((await log.readRecords(baseOffset))[0].value).toEqual(value(i));
    }
    expect(ranAt).toBeGreaterThanOrEqual(0);
    expect(ranAt).toBeLessThan(100);
  });

  it('serialises concurrent appends and gives readers only whole batches', async () => {
    const log = await openLog(smallConfig({ segmentBytes: 8192 }));
    let stop = false;
    let reads = 0;
    const reader = (async () => {
      while (!stop) {
        const leo = log.logEndOffset;
        if (leo > 0) {
          const off = Math.floor(Math.random() * leo);
          const { records, highWatermark } = await log.read(off, 2000);
          for (const b of iterateBatches(records)) {
            const { records: recs } = decodeRecordBatch(
              records.subarray(b.position, b.position + b.size),
            );
            expect(recs[recs.length - 1].offset).toBeLessThan(highWatermark);
          }
          reads++;
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        log.appendRecords([{ value: value(i) }, { value: value(i) }]),
      ),
    );
    stop = true;
    await reader;
    expect(results.map((r) => r.baseOffset).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => 2 * i),
    );
    expect(reads).toBeGreaterThan(0);
    expect(log.logEndOffset).toBe(400);
  });

  it('reopens after a clean close without scanning and keeps every record', async () => {
    const log = await openLog();
    await fill(log, 120, 4);
    await log.close();
    await log.close(); // idempotent
    expect((await fs.readdir(fx.dir)).includes(CLEAN_SHUTDOWN_FILE)).toBe(true);
    const again = await openLog();
    expect(again.recovery).toEqual({
      recovered: false,
      truncatedBytes: 0,
      truncatedAt: null,
      rebuiltIndexes: [],
    });
    // The marker stays while nothing changes (a crash now needs no recovery) ...
    expect((await fs.readdir(fx.dir)).includes(CLEAN_SHUTDOWN_FILE)).toBe(true);
    expect(again.logEndOffset).toBe(120);
    expect((await again.readRecords(0, { maxRecords: 1000 })).length).toBe(120);
    expect((await fs.readdir(fx.dir)).includes(CLEAN_SHUTDOWN_FILE)).toBe(true);
    await again.appendRecords([{ value: Buffer.from('after') }]);
    // ... and goes before the first append reaches the disk.
    expect((await fs.readdir(fx.dir)).includes(CLEAN_SHUTDOWN_FILE)).toBe(false);
    expect((await again.readRecords(120))[0].value!.toString()).toBe('after');
    expect(await again.offsetForTimestamp(1100)).toBe(100);
  });

  it('refuses appends after close with CLOSED', async () => {
    const log = await openLog();
    await log.close();
    await expect(log.appendRecords([{ value: null }])).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('fsyncs an append when asked and after flush.messages records', async () => {
    const log = await openLog(smallConfig({ flushMessages: 5 }));
    await log.appendRecords([{ value: Buffer.from('durable') }], { fsync: true });
    await fill(log, 10);
    await log.flush();
    // The recovery point reached the end: a crash now would rescan nothing but the active segment.
    const meta = await fs.readFile(join(fx.dir, 'partition.meta'), 'utf8');
    expect(meta).toContain('recoveryPoint 11');
  });

  it('flushes in the background every flush.ms', async () => {
    const log = await openLog(smallConfig({ flushMs: 20 }));
    await fill(log, 3);
    await waitFor(
      async () =>
        (await fs.readFile(join(fx.dir, 'partition.meta'), 'utf8')).includes('recoveryPoint 3'),
      'partition.meta to record recoveryPoint 3',
    );
  });

  it('reports segments with sizes and timestamps', async () => {
    const log = await openLog(smallConfig({ segmentBytes: 600 }));
    await fill(log, 30, 1, 5000);
    const segs = log.segments();
    expect(segs.reduce((n, s) => n + s.sizeBytes, 0)).toBe(log.sizeBytes());
    expect(segs[0]).toMatchObject({ baseOffset: 0, firstTimestamp: 5000, active: false });
    expect(segs[segs.length - 1]).toMatchObject({
      maxTimestamp: 5029,
      nextOffset: 30,
      active: true,
    });
  });

  it('validates its config with INVALID_CONFIG', async () => {
    await expect(
      PartitionLog.open(fx.dir, { ...defaultLogConfig(), segmentBytes: 0 }),
    ).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});
