import { describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { CLEAN_SHUTDOWN_FILE, PartitionLog, segmentFileName } from '../../../src/main/storage';
import { appendGarbage, smallConfig, value, writeGarbage, usePartitionDir } from './helpers';

const fx = usePartitionDir();

function openLog(): Promise<PartitionLog> {
  return fx.openLog(smallConfig(), { topic: 't', partition: 0 });
}

/** Writes `n` single-record batches (values value-<offset>, timestamps 1000 + offset), then closes. */
async function build(n: number): Promise<void> {
  const log = await PartitionLog.open(fx.dir, smallConfig());
  for (let i = 0; i < n; i++)
    await log.appendRecords([{ key: Buffer.from(`k${i}`), value: value(i), timestamp: 1000 + i }]);
  await log.close();
}

/** What a crash leaves: no clean-shutdown marker. */
async function dropMarker(): Promise<void> {
  await fs.rm(join(fx.dir, CLEAN_SHUTDOWN_FILE));
}

async function segmentFiles(): Promise<string[]> {
  return (await fs.readdir(fx.dir)).filter((n) => n.endsWith('.log')).sort();
}

async function expectValues(log: PartitionLog, from: number, to: number): Promise<void> {
  const records = await log.readRecords(from, { maxRecords: to - from });
  expect(records.map((r) => r.value!.toString())).toEqual(
    Array.from({ length: to - from }, (_, i) => `value-${from + i}`),
  );
}

describe('PartitionLog recovery', () => {
  it('truncates garbage after the last batch and reports where and how much', async () => {
    await build(100);
    await dropMarker();
    const last = (await segmentFiles()).pop()!;
    const size = (await fs.stat(join(fx.dir, last))).size;
    await appendGarbage(join(fx.dir, last), 777);
    const log = await openLog();
    expect(log.recovery).toMatchObject({
      recovered: true,
      truncatedBytes: 777,
      truncatedAt: { segment: last, position: size },
    });
    expect(log.logEndOffset).toBe(100);
    expect((await fs.stat(join(fx.dir, last))).size).toBe(size);
    await expectValues(log, 0, 100);
    await log.appendRecords([{ value: Buffer.from('next') }]);
    expect((await log.readRecords(100))[0].value!.toString()).toBe('next');
  });

  it('truncates a partly written last batch', async () => {
    await build(50);
    await dropMarker();
    const last = join(fx.dir, (await segmentFiles()).pop()!);
    const size = (await fs.stat(last)).size;
    await fs.truncate(last, size - 5);
    const log = await openLog();
    expect(log.logEndOffset).toBe(49);
    expect(log.recovery.truncatedBytes).toBeGreaterThan(0);
    await expectValues(log, 0, 49);
  });

  it('truncates at the first corrupt batch and deletes every later segment', async () => {
    await build(200);
    await dropMarker();
    await fs.rm(join(fx.dir, 'partition.meta')); // no recovery point: validate every segment
    const files = await segmentFiles();
    expect(files.length).toBeGreaterThan(3);
    const victim = join(fx.dir, files[1]);
    await writeGarbage(victim, 200, 30);
    const log = await openLog();
    expect(log.recovery.truncatedAt).toMatchObject({ segment: files[1] });
    expect(log.recovery.truncatedAt!.position).toBeLessThanOrEqual(200);
    expect(await segmentFiles()).toEqual(files.slice(0, 2));
    const leo = log.logEndOffset;
    expect(leo).toBeGreaterThan(Number(files[1].slice(0, 20)));
    expect(leo).toBeLessThan(200);
    await expectValues(log, 0, leo);
    const res = await log.appendRecords([{ value: Buffer.from('again') }]);
    expect(res.baseOffset).toBe(leo);
  });

  it('skips the scan with a clean-shutdown marker but still recovers a bad tail', async () => {
    await build(40);
    const last = join(fx.dir, (await segmentFiles()).pop()!);
    await appendGarbage(last, 100);
    const log = await openLog();
    expect(log.recovery.recovered).toBe(true);
    expect(log.recovery.truncatedBytes).toBe(100);
    expect(log.logEndOffset).toBe(40);
  });

  it('surfaces corruption in an old segment as CORRUPT_RECORD naming the file, and keeps serving the rest', async () => {
    await build(200);
    const files = await segmentFiles();
    await writeGarbage(join(fx.dir, files[0]), 0, 80);
    const log = await openLog();
    expect(log.recovery.recovered).toBe(false);
    await expect(log.readRecords(0, { maxRecords: 5 })).rejects.toMatchObject({
      code: 'CORRUPT_RECORD',
      message: expect.stringContaining(files[0]),
    });
    const second = Number(files[1].slice(0, 20));
    await expectValues(log, second, 200);
  });

  it('rebuilds a garbage .index of a sealed segment on first use and reports it', async () => {
    await build(200);
    const files = await segmentFiles();
    const index = join(fx.dir, segmentFileName(Number(files[0].slice(0, 20)), '.index'));
    const size = (await fs.stat(index)).size;
    expect(size).toBeGreaterThan(16);
    await writeGarbage(index, 0, size);
    const log = await openLog();
    await expectValues(log, 0, 200);
    expect(log.recovery.rebuiltIndexes).toContain(segmentFileName(0, '.index'));
    expect((await fs.stat(index)).size).toBe(size);
  });

  it('rebuilds an index whose entries are ordered but point between batches', async () => {
    await build(200);
    const index = join(fx.dir, segmentFileName(0, '.index'));
    const fake = Buffer.alloc(16);
    fake.writeInt32BE(10, 0);
    fake.writeInt32BE(13, 4);
    fake.writeInt32BE(20, 8);
    fake.writeInt32BE(97, 12);
    await fs.writeFile(index, fake);
    const log = await openLog();
    await expectValues(log, 12, 30);
    expect(log.recovery.rebuiltIndexes).toContain(segmentFileName(0, '.index'));
  });

  it('rebuilds a missing or torn index and a garbage time index', async () => {
    await build(200);
    await fs.rm(join(fx.dir, segmentFileName(0, '.index')));
    const time = join(fx.dir, segmentFileName(0, '.timeindex'));
    await writeGarbage(time, 0, (await fs.stat(time)).size);
    const files = await segmentFiles();
    const secondBase = Number(files[1].slice(0, 20));
    await fs.appendFile(
      join(fx.dir, segmentFileName(secondBase, '.index')),
      Buffer.from([1, 2, 3]),
    );
    const log = await openLog();
    expect(await log.offsetForTimestamp(1005)).toBe(5);
    await expectValues(log, 0, 200);
    expect(log.recovery.rebuiltIndexes).toEqual(
      expect.arrayContaining([
        segmentFileName(0, '.index'),
        segmentFileName(0, '.timeindex'),
        segmentFileName(secondBase, '.index'),
      ]),
    );
  });

  it('rebuilds a garbage index of the active segment at open', async () => {
    await build(30);
    const files = await segmentFiles();
    const base = Number(files[files.length - 1].slice(0, 20));
    const index = join(fx.dir, segmentFileName(base, '.index'));
    await fs.writeFile(index, Buffer.alloc(64, 0x55));
    const log = await openLog();
    expect(log.recovery.rebuiltIndexes).toContain(segmentFileName(base, '.index'));
    await expectValues(log, 0, 30);
  });

  it('opens with a full recovery when partition.meta is garbage, and removes leftovers', async () => {
    await build(60);
    await fs.writeFile(join(fx.dir, 'partition.meta'), 'garbage\n\x00\x01');
    await fs.writeFile(join(fx.dir, `${segmentFileName(0, '.log')}.cleaned`), 'half a compaction');
    await fs.writeFile(join(fx.dir, 'partition.meta.tmp'), 'half a checkpoint');
    const log = await openLog();
    expect(log.recovery.recovered).toBe(true);
    expect(log.logEndOffset).toBe(60);
    const names = await fs.readdir(fx.dir);
    expect(names.some((n) => n.endsWith('.cleaned') || n.endsWith('.tmp'))).toBe(false);
    expect(await fs.readFile(join(fx.dir, 'partition.meta'), 'utf8')).toContain('recoveryPoint 60');
  });

  it('keeps the log start offset across restarts', async () => {
    await build(100);
    let log = await openLog();
    await log.deleteRecords(42);
    await log.close();
    fx.open.pop();
    await dropMarker();
    log = await openLog();
    expect(log.logStartOffset).toBe(42);
    await expectValues(log, 42, 100);
  });
});

describe('PartitionLog background recovery', () => {
  it('opens before its recovery scan, and reads and appends wait for the scan to finish', async () => {
    await build(100);
    await dropMarker();
    const last = (await segmentFiles()).pop()!;
    await appendGarbage(join(fx.dir, last), 55);
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const log = await fx.openLog(smallConfig(), {
      topic: 't',
      partition: 0,
      recoverInBackground: true,
      recoveryGate: () => gate,
    });
    expect(log.recovering).toBe(true);
    expect(log.recovery.truncatedBytes).toBe(0); // not scanned yet
    const appended = log.appendRecords([{ value: Buffer.from('after') }]);
    const read = log.readRecords(0, { maxRecords: 200 });
    release();
    await log.whenRecovered();
    expect(log.recovering).toBe(false);
    expect(log.recovery.truncatedBytes).toBe(55);
    // The append went after the recovered end, never onto the garbage.
    expect((await appended).baseOffset).toBe(100);
    expect((await read).slice(0, 100).map((r) => r.value!.toString())).toEqual(
      Array.from({ length: 100 }, (_, i) => `value-${i}`),
    );
    await expectValues(log, 0, 100);
  });

  it('keeps the clean-shutdown marker of a log nobody writes, so a crash then needs no recovery', async () => {
    await build(30);
    const reader = await openLog();
    await expectValues(reader, 0, 30);
    // A crash now: the log is not closed (its marker is still the one of the last close).
    expect(await fs.readdir(fx.dir)).toContain(CLEAN_SHUTDOWN_FILE);
    const again = await PartitionLog.open(fx.dir, smallConfig());
    expect(again.recovery.recovered).toBe(false);
    await expectValues(again, 0, 30);
    await again.appendRecords([{ value: Buffer.from('x') }]);
    expect(await fs.readdir(fx.dir)).not.toContain(CLEAN_SHUTDOWN_FILE);
    await again.close();
    await reader.close();
  });
});
