import { describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  type CorruptionFinding,
  iterateBatches,
  PartitionLog,
  Scrubber,
  segmentFileName,
} from '../../../src/main/storage';
import { LogdockError } from '../../../src/common/errors';
import { smallConfig, usePartitionDir, value } from './helpers';

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

async function expectCorrupt(p: Promise<unknown>): Promise<LogdockError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LogdockError);
  expect((err as LogdockError).code).toBe('CORRUPT_RECORD');
  return err as LogdockError;
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
