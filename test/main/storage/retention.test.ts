import { describe, expect, it, onTestFinished } from 'vitest';
import { promises as fs } from 'node:fs';
import { LogMaintenance, PartitionLog } from '../../../src/main/storage';
import { smallConfig, value, usePartitionDir } from './helpers';
import { waitFor } from '../../wait';

const fx = usePartitionDir();

async function openLog(
  overrides: Parameters<typeof smallConfig>[0],
  clock: () => number,
): Promise<PartitionLog> {
  return fx.openLog(smallConfig({ segmentBytes: 1000, ...overrides }), { clock });
}

async function logFiles(): Promise<string[]> {
  return (await fs.readdir(fx.dir)).filter((n) => n.endsWith('.log')).sort();
}

describe('PartitionLog retention', () => {
  it('deletes sealed segments whose newest record is older than retention.ms, never the active one', async () => {
    let now = 100_000;
    const log = await openLog({ retentionMs: 10_000 }, () => now);
    for (let i = 0; i < 60; i++)
      await log.appendRecords([{ value: value(i), timestamp: 50_000 + i * 1000 }]);
    const before = log.segments();
    expect(before.length).toBeGreaterThan(3);
    now = 50_000 + 30 * 1000 + 10_000; // records with timestamp < 80_000 are expired
    const res = await log.applyRetention();
    const after = log.segments();
    expect(res.deletedSegments).toBeGreaterThan(0);
    expect(after.length).toBe(before.length - res.deletedSegments);
    expect(res.newLogStartOffset).toBe(after[0].baseOffset);
    expect(log.logStartOffset).toBe(after[0].baseOffset);
    // Every deleted segment was wholly expired; the first kept one still has a live record.
    for (const s of before.slice(0, res.deletedSegments))
      expect(s.maxTimestamp!).toBeLessThan(80_000);
    expect(after[0].maxTimestamp!).toBeGreaterThanOrEqual(80_000);
    expect((await logFiles()).length).toBe(after.length);
    now = 10_000_000;
    await log.applyRetention();
    expect(log.segments()).toHaveLength(1);
    expect(log.segments()[0].active).toBe(true);
    expect(log.logEndOffset).toBe(60);
    await expect(log.read(0, 100)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
  });

  it('deletes the oldest segments while what remains still holds retention.bytes (as Kafka)', async () => {
    const log = await openLog({ retentionBytes: 2500 }, () => 0);
    for (let i = 0; i < 80; i++) await log.appendRecords([{ value: value(i), timestamp: 1 }]);
    expect(log.sizeBytes()).toBeGreaterThan(2500 + 1000);
    const { deletedSegments } = await log.applyRetention();
    expect(deletedSegments).toBeGreaterThan(0);
    expect(log.sizeBytes()).toBeGreaterThanOrEqual(2500);
    // Deleting one more segment would leave less than retention.bytes.
    expect(log.sizeBytes() - log.segments()[0].sizeBytes).toBeLessThan(2500);
    const first = (await log.readRecords(log.logStartOffset))[0];
    expect(first.offset).toBe(log.logStartOffset);
  });

  it('keeps everything with retention.ms and retention.bytes of -1', async () => {
    const log = await openLog({ retentionMs: -1, retentionBytes: -1 }, () => 1e12);
    for (let i = 0; i < 40; i++) await log.appendRecords([{ value: value(i), timestamp: 1 }]);
    expect((await log.applyRetention()).deletedSegments).toBe(0);
    expect(log.logStartOffset).toBe(0);
  });

  it('advances the log start offset with deleteRecords and drops the segments below it', async () => {
    const log = await openLog({}, () => 0);
    for (let i = 0; i < 60; i++) await log.appendRecords([{ value: value(i), timestamp: 1 }]);
    const segs = log.segments();
    const cut = segs[2].baseOffset + 1;
    expect(await log.deleteRecords(cut)).toBe(cut);
    expect(log.logStartOffset).toBe(cut);
    expect(log.segments()[0].baseOffset).toBe(segs[2].baseOffset);
    expect((await log.readRecords(cut))[0].offset).toBe(cut);
    // The record before the cut shares the segment but is no longer readable.
    await expect(log.read(cut - 1, 100)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    expect(await log.offsetForTimestamp(0)).toBe(cut);
    expect(await log.deleteRecords(3)).toBe(cut); // never moves back
    await expect(log.deleteRecords(61)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    expect(await log.deleteRecords(60)).toBe(60);
    expect(log.segments()).toHaveLength(1);
    expect((await log.read(60, 100)).records.length).toBe(0);
  });

  it('keeps a reader working on a segment that retention deletes under it', async () => {
    let now = 0;
    const log = await openLog({ retentionMs: 1 }, () => now);
    for (let i = 0; i < 40; i++) await log.appendRecords([{ value: value(i), timestamp: 1 }]);
    const reading = log.read(0, 100_000);
    now = 1_000;
    const deleting = log.applyRetention();
    const [res] = await Promise.all([reading, deleting]);
    expect(res.records.length).toBeGreaterThan(0);
  });

  it('LogMaintenance, the only scheduler, compacts when a segment rolled and applies retention on its interval', async () => {
    let now = 0;
    const log = await PartitionLog.open(
      fx.dir,
      smallConfig({ segmentBytes: 1000, cleanupPolicy: 'compact,delete', retentionMs: 1_000_000 }),
      { clock: () => now },
    );
    fx.open.push(log);
    const maintenance = new LogMaintenance(() => [log], 10);
    maintenance.start();
    onTestFinished(() => maintenance.stop());
    for (let i = 0; i < 60; i++) {
      await log.appendRecords([
        { key: Buffer.from(`k${i % 2}`), value: value(i), timestamp: i < 20 ? 1 : 500_000 },
      ]);
    }
    // Compacted: below the active segment, no key appears twice.
    const compacted = async (): Promise<boolean> => {
      const activeBase = log.segments().at(-1)!.baseOffset;
      const sealed = (await log.readRecords(log.logStartOffset, { maxRecords: 100 })).filter(
        (r) => r.offset < activeBase,
      );
      return new Set(sealed.map((r) => r.key!.toString())).size === sealed.length;
    };
    await waitFor(compacted, 'the sealed segments to be compacted');
    now = 1_000_000 + 400_000; // the first records (timestamp 1) are now past retention
    const startBefore = log.logStartOffset;
    await waitFor(() => log.logStartOffset > startBefore, 'retention to move the log start');
  });

  it('runs retention and compaction in the background through LogMaintenance', async () => {
    let now = 0;
    const log = await openLog({ retentionMs: 5 }, () => now);
    for (let i = 0; i < 40; i++) await log.appendRecords([{ value: value(i), timestamp: 1 }]);
    const errors: unknown[] = [];
    const maintenance = new LogMaintenance(
      () => [log],
      10,
      (_l, err) => errors.push(err),
    );
    now = 100;
    maintenance.start();
    await waitFor(() => log.segments().length === 1, 'retention to leave one segment');
    await maintenance.stop();
    expect(log.segments()).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});

describe('LogMaintenance over many partitions', () => {
  it('lets other callbacks run between partitions, even when no partition has anything to do', async () => {
    // 200 real logs with nothing to delete: each maintain() settles without touching the disk.
    const logs: PartitionLog[] = [];
    for (let p = 0; p < 200; p++) {
      const log = await PartitionLog.open(`${fx.root}/m-${p}`, smallConfig());
      fx.open.push(log);
      logs.push(log);
    }
    const maintenance = new LogMaintenance(() => logs, 60_000);
    let seenDuring = 0;
    let passDone = false;
    const tick = (): void => {
      if (passDone) return;
      seenDuring++;
      setImmediate(tick);
    };
    setImmediate(tick);
    await maintenance.runOnce();
    passDone = true;
    // One pass of 200 partitions left the event loop turning about once per partition.
    expect(seenDuring).toBeGreaterThanOrEqual(100);
  });
});
