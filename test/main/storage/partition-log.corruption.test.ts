import { describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  CLEAN_SHUTDOWN_FILE,
  type CorruptionFinding,
  iterateBatches,
  PartitionLog,
  Scrubber,
  segmentFileName,
} from '../../../src/main/storage';
import { expectCorrupt, smallConfig, usePartitionDir, value } from './helpers';

const fx = usePartitionDir();

/** A log of `n` one-record batches over several sealed segments, closed cleanly. */
async function writeClosed(n: number): Promise<void> {
  const log = await PartitionLog.open(fx.dir, smallConfig());
  for (let i = 0; i < n; i++) await log.appendRecords([{ value: value(i), timestamp: 1000 + i }]);
  await log.close();
}

/** File position and offsets of the `k`-th batch of segment `base`. */
async function batchAt(
  base: number,
  k: number,
): Promise<{ file: string; position: number; offset: number }> {
  const file = join(fx.dir, segmentFileName(base, '.log'));
  const bytes = await fs.readFile(file);
  const batches = [...iterateBatches(bytes)];
  return { file, position: batches[k].position, offset: batches[k].header.baseOffset };
}

/** Flips the bits of one byte at `position` of `file` (a record's value, inside the CRC). */
async function flipByte(file: string, position: number): Promise<void> {
  const fh = await fs.open(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, position);
    b[0] ^= 0xff;
    await fh.write(b, 0, 1, position);
  } finally {
    await fh.close();
  }
}

describe('reads check every batch CRC', () => {
  it('refuses a batch of a sealed segment whose record bytes changed, naming file, position and offsets', async () => {
    await writeClosed(200);
    const bad = await batchAt(0, 5);
    await flipByte(bad.file, bad.position + 70); // inside the first record
    const found: CorruptionFinding[] = [];
    const log = await fx.openLog(smallConfig(), { onCorruption: (f) => found.push(f) });

    const err = await expectCorrupt(log.read(bad.offset, 1024 * 1024));
    expect(err.message).toContain(bad.file);
    expect(err.message).toContain(`position ${bad.position}`);
    expect(err.message).toContain(`offsets ${bad.offset}..${bad.offset}`);
    expect(err.message).toContain('CRC mismatch');
    expect(found).toEqual([
      expect.objectContaining({ file: bad.file, position: bad.position, baseOffset: bad.offset }),
    ]);
    await expectCorrupt(log.readRecords(bad.offset, { maxRecords: 1 }));
  });

  it('returns the good batches before a bad one and fails only the read that starts at it', async () => {
    await writeClosed(200);
    const bad = await batchAt(0, 5);
    await flipByte(bad.file, bad.position + 70);
    const log = await fx.openLog(smallConfig());

    const first = await log.read(0, 1024 * 1024);
    const offsets = [...iterateBatches(first.records)].map((b) => b.header.baseOffset);
    expect(offsets).toEqual([0, 1, 2, 3, 4]);
    await expectCorrupt(log.read(5, 1024 * 1024));
    // Decoded reads stop before it too, and fail only when they start at it.
    const decoded = await log.readRecords(0, { maxRecords: 100, maxBytes: 128 });
    expect(decoded.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
    await expectCorrupt(log.readRecords(5, { maxRecords: 100 }));
    // Past the bad batch the log reads on.
    const after = await log.readRecords(bad.offset + 1, { maxRecords: 3 });
    expect(after.map((r) => r.value?.toString())).toEqual(
      [value(6), value(7), value(8)].map(String),
    );
  });

  it('refuses a batch whose base offset (outside the CRC) was changed', async () => {
    await writeClosed(200);
    const bad = await batchAt(0, 3);
    await flipByte(bad.file, bad.position + 7); // low byte of baseOffset: 3 -> 252
    const log = await fx.openLog(smallConfig());
    const err = await expectCorrupt(log.read(3, 1024 * 1024));
    expect(err.message).toContain('base offset 252');
    // A read that starts before it stops before it.
    const before = await log.read(1, 1024 * 1024);
    expect([...iterateBatches(before.records)].map((b) => b.header.baseOffset)).toEqual([1, 2]);
  });
});

describe('a base offset lowered on disk (outside the CRC) is reported, never skipped', () => {
  /** Log of `n` batches of `per` records each, closed cleanly. */
  async function writeBatches(n: number, per: number): Promise<void> {
    const log = await PartitionLog.open(fx.dir, smallConfig());
    for (let i = 0; i < n; i++) {
      const recs = Array.from({ length: per }, (_, j) => ({
        value: value(i * per + j),
        timestamp: 1000 + i,
      }));
      await log.appendRecords(recs);
    }
    await log.close();
  }

  /** Writes `to` over the baseOffset field (bytes 0-7) of the batch at `position`. */
  async function lowerBaseOffset(file: string, position: number, to: number): Promise<void> {
    const junk = Buffer.alloc(8);
    junk.writeBigInt64BE(BigInt(to));
    const fh = await fs.open(file, 'r+');
    try {
      await fh.write(junk, 0, 8, position);
    } finally {
      await fh.close();
    }
  }

  /** File positions the segment's offset index points at. */
  async function indexedPositions(base: number): Promise<number[]> {
    const bytes = await fs.readFile(join(fx.dir, segmentFileName(base, '.index')));
    const out: number[] = [];
    for (let i = 0; i + 8 <= bytes.length; i += 8) out.push(bytes.readInt32BE(i + 4));
    return out;
  }

  function baseOffsets(records: Buffer): number[] {
    return [...iterateBatches(records)].map((b) => b.header.baseOffset);
  }

  it('fails the read that starts at the batch, naming file, position and offsets, and reads on past it', async () => {
    await writeClosed(200);
    const bad = await batchAt(0, 5);
    await lowerBaseOffset(bad.file, bad.position, 2);
    const found: CorruptionFinding[] = [];
    const log = await fx.openLog(smallConfig(), { onCorruption: (f) => found.push(f) });

    const err = await expectCorrupt(log.read(5, 1024 * 1024));
    expect(err.message).toContain(bad.file);
    expect(err.message).toContain(`position ${bad.position}`);
    expect(err.message).toContain("base offset 2 is not above the previous batch's last offset 4");
    expect(found).toEqual([
      expect.objectContaining({ file: bad.file, position: bad.position, baseOffset: 2 }),
    ]);
    await expectCorrupt(log.readRecords(5, { maxRecords: 1 }));
    expect(baseOffsets((await log.read(1, 1024 * 1024)).records)).toEqual([1, 2, 3, 4]);
    expect(baseOffsets((await log.read(6, 200)).records)[0]).toBe(6);
  });

  it('fails the read when an index entry points at the batch', async () => {
    await writeClosed(200);
    const positions = await indexedPositions(0);
    const file = join(fx.dir, segmentFileName(0, '.log'));
    const batches = [...iterateBatches(await fs.readFile(file))];
    const k = batches.findIndex((b) => b.position === positions[2]);
    const target = batches[k].header.baseOffset;
    await lowerBaseOffset(file, positions[2], target - 2);
    const log = await fx.openLog(smallConfig());

    const err = await expectCorrupt(log.read(target, 1024 * 1024));
    expect(err.message).toContain(`position ${positions[2]}`);
    expect(err.message).toContain(`base offset ${target - 2} is not above`);
    expect(baseOffsets((await log.read(target + 1, 200)).records)[0]).toBe(target + 1);
    expect(baseOffsets((await log.read(target - 1, 1024 * 1024)).records)).toEqual([target - 1]);
  });

  it('fails a read inside a batch of several records instead of returning them under wrong offsets', async () => {
    await writeBatches(40, 5);
    const bad = await batchAt(0, 6); // offsets 30..34
    await lowerBaseOffset(bad.file, bad.position, 27);
    const log = await fx.openLog(smallConfig());

    await expectCorrupt(log.read(32, 1024 * 1024));
    await expectCorrupt(log.readRecords(30, { maxRecords: 5 }));
    const before = await log.readRecords(25, { maxRecords: 10 });
    expect(before.map((r) => r.offset)).toEqual([25, 26, 27, 28, 29]);
  });

  it('fails a read at the last batch of a sealed segment instead of going on in the next segment', async () => {
    await writeClosed(200);
    const log0 = await fx.openLog(smallConfig());
    const second = log0.segments()[1].baseOffset;
    await log0.close();
    fx.open.splice(0);
    const file = join(fx.dir, segmentFileName(0, '.log'));
    const batches = [...iterateBatches(await fs.readFile(file))];
    const last = batches[batches.length - 1];
    expect(last.header.baseOffset).toBe(second - 1);
    await lowerBaseOffset(file, last.position, second - 3);
    const log = await fx.openLog(smallConfig());

    const err = await expectCorrupt(log.read(second - 1, 1024 * 1024));
    expect(err.message).toContain(`position ${last.position}`);
    expect(baseOffsets((await log.read(second, 200)).records)[0]).toBe(second);
  });

  it('fails a timestamp lookup that lands in the batch', async () => {
    await writeClosed(200);
    const bad = await batchAt(0, 5); // timestamp 1005
    await lowerBaseOffset(bad.file, bad.position, 2);
    const log = await fx.openLog(smallConfig());
    const err = await expectCorrupt(log.offsetForTimestamp(1005));
    expect(err.message).toContain(`position ${bad.position}`);
    expect(await log.offsetForTimestamp(1006)).toBe(6);
  });

  it('is where recovery after an unclean shutdown cuts the log, as for any invalid batch', async () => {
    await writeClosed(200);
    const active = (await fs.readdir(fx.dir))
      .filter((n) => n.endsWith('.log'))
      .sort()
      .pop()!;
    const base = Number(active.slice(0, 20));
    const bad = await batchAt(base, 3);
    await lowerBaseOffset(bad.file, bad.position, base);
    await fs.rm(join(fx.dir, CLEAN_SHUTDOWN_FILE));
    const log = await fx.openLog(smallConfig());
    expect(log.recovery.truncatedAt).toEqual({ segment: active, position: bad.position });
    expect(log.logEndOffset).toBe(bad.offset);
  });
});

describe('the scrub', () => {
  it('finds a flipped byte in a sealed segment before any reader and reports it once per segment', async () => {
    await writeClosed(400);
    const log = await fx.openLog(smallConfig());
    const bases = log.segments().map((s) => s.baseOffset);
    expect(bases.length).toBeGreaterThan(3);
    const bad = await batchAt(bases[2], 4);
    await flipByte(bad.file, bad.position + 70);
    const reported: CorruptionFinding[] = [];
    const reopened = await reopen(log, (f) => reported.push(f));

    const passes: unknown[] = [];
    const scrubber = new Scrubber({
      logs: () => [reopened],
      bytesPerSecond: 1024 * 1024 * 1024,
      onPass: (r) => passes.push(r),
    });
    const report = await scrubber.runOnce();
    await scrubber.stop();
    expect(report.corrupt).toEqual([
      expect.objectContaining({ file: bad.file, position: bad.position, baseOffset: bad.offset }),
    ]);
    expect(report.partitions).toBe(1);
    expect(report.bytes).toBeGreaterThan(0);
    expect(reported).toHaveLength(1);
    expect(passes).toHaveLength(1);
    await expectCorrupt(reopened.read(bad.offset, 1024));
  });

  it('finds nothing in a healthy log', async () => {
    await writeClosed(300);
    const log = await fx.openLog(smallConfig());
    const report = await new Scrubber({ logs: () => [log], bytesPerSecond: 1e9 }).runOnce();
    expect(report.corrupt).toEqual([]);
  });

  it('sees bytes that changed after a reader verified them, and readers then fail too', async () => {
    await writeClosed(300);
    const log = await fx.openLog(smallConfig());
    // Read (and verify) everything once.
    let offset = 0;
    while (offset < log.logEndOffset) {
      const recs = await log.readRecords(offset, { maxRecords: 1000 });
      offset = recs[recs.length - 1].offset + 1;
    }
    const bad = await batchAt(0, 2);
    await flipByte(bad.file, bad.position + 70);
    const report = await new Scrubber({ logs: () => [log], bytesPerSecond: 1e9 }).runOnce();
    expect(report.corrupt.map((f) => f.position)).toEqual([bad.position]);
    await expectCorrupt(log.read(bad.offset, 1024));
  });

  it('stops a running pass promptly', async () => {
    await writeClosed(400);
    const log = await fx.openLog(smallConfig());
    // 1 KiB/s: the first pause alone would take seconds.
    const scrubber = new Scrubber({ logs: () => [log], bytesPerSecond: 1024 });
    const pass = scrubber.runOnce();
    await scrubber.stop();
    const report = await pass;
    expect(report.corrupt).toEqual([]);
    expect(report.bytes).toBeLessThan(log.sizeBytes());
  });
});

async function reopen(
  log: PartitionLog,
  onCorruption: (f: CorruptionFinding) => void,
): Promise<PartitionLog> {
  await log.close();
  fx.open.splice(fx.open.indexOf(log), 1);
  return fx.openLog(smallConfig(), { onCorruption });
}
