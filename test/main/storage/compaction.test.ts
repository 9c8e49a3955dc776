import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { type CompressionCodec, PartitionLog } from '../../../src/main/storage';
import { makeTempDir, removeDir, smallConfig } from './helpers';

let root: string;
let dir: string;
const open: PartitionLog[] = [];

async function openLog(
  clock: () => number,
  overrides: Parameters<typeof smallConfig>[0] = {},
): Promise<PartitionLog> {
  const log = await PartitionLog.open(
    dir,
    smallConfig({
      segmentBytes: 1200,
      cleanupPolicy: 'compact',
      deleteRetentionMs: 1000,
      ...overrides,
    }),
    {
      clock,
    },
  );
  open.push(log);
  return log;
}

beforeEach(async () => {
  root = await makeTempDir();
  dir = join(root, 't-0');
});

afterEach(async () => {
  for (const log of open.splice(0)) await log.close();
  await removeDir(root);
});

describe('PartitionLog compaction', () => {
  it.each(['none', 'zstd'] as CompressionCodec[])(
    'keeps the newest record of each key at its original offset (%s batches)',
    async (compression) => {
      const log = await openLog(() => 0);
      const latest = new Map<string, number>();
      for (let i = 0; i < 120; i++) {
        const key = `k${i % 7}`;
        latest.set(key, i);
        await log.appendRecords(
          [{ key: Buffer.from(key), value: Buffer.from(`v${i}`), timestamp: 10 }],
          { compression },
        );
      }
      const sealedEnd = log.segments().at(-1)!.baseOffset;
      const res = await log.compact();
      const records = await log.readRecords(0, { maxRecords: 1000 });
      expect(res.removedRecords).toBeGreaterThan(0);
      expect(records.length).toBe(120 - res.removedRecords);
      for (const r of records) {
        expect(r.value!.toString()).toBe(`v${r.offset}`);
        // Below the active segment only the newest record per key (among sealed ones) stays.
        if (r.offset < sealedEnd) {
          const k = r.key!.toString();
          const newerSealed = [...Array(sealedEnd).keys()].filter(
            (o) => `k${o % 7}` === k && o > r.offset,
          );
          expect(newerSealed).toEqual([]);
        }
      }
      expect(log.logEndOffset).toBe(120);
      // Offsets are kept, so reading from a removed offset starts at the next surviving one.
      const first = records[0].offset;
      expect((await log.readRecords(0))[0].offset).toBe(first);
      for (const [key, offset] of latest) {
        expect(records.find((r) => r.key!.toString() === key)?.offset).toBeLessThanOrEqual(offset);
        expect(records.some((r) => r.offset === offset)).toBe(true);
      }
    },
  );

  it('drops tombstones only once they are older than delete.retention.ms', async () => {
    let now = 0;
    const log = await openLog(() => now);
    await log.appendRecords([{ key: Buffer.from('gone'), value: Buffer.from('x'), timestamp: 0 }]);
    await log.appendRecords([{ key: Buffer.from('gone'), value: null, timestamp: 100 }]);
    for (let i = 0; i < 60; i++)
      await log.appendRecords([
        { key: Buffer.from(`f${i}`), value: Buffer.from('filler'), timestamp: 100 },
      ]);
    now = 500;
    await log.compact();
    let recs = await log.readRecords(0, { maxRecords: 3 });
    expect(recs[0]).toMatchObject({ offset: 1, value: null });
    now = 100 + 1000 + 1;
    await log.compact();
    recs = await log.readRecords(0, { maxRecords: 3 });
    expect(recs[0].offset).toBe(2);
  });

  it('keeps appends and reads going while it compacts, and survives a reopen', async () => {
    const log = await openLog(() => 0);
    for (let i = 0; i < 100; i++)
      await log.appendRecords([
        { key: Buffer.from(`k${i % 3}`), value: Buffer.from(`v${i}`), timestamp: 5 },
      ]);
    const compacting = log.compact();
    const appends = Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        log.appendRecords([
          { key: Buffer.from('new'), value: Buffer.from(`v${100 + i}`), timestamp: 5 },
        ]),
      ),
    );
    const reads = Promise.all(
      Array.from({ length: 10 }, () => log.readRecords(0, { maxRecords: 5 })),
    );
    const [res] = await Promise.all([compacting, appends, reads]);
    expect(res.removedRecords).toBeGreaterThan(0);
    expect(log.logEndOffset).toBe(120);
    await log.close();
    open.pop();
    const again = await openLog(() => 0);
    const records = await again.readRecords(0, { maxRecords: 1000 });
    for (const r of records) expect(r.value!.toString()).toBe(`v${r.offset}`);
    expect(records.at(-1)!.offset).toBe(119);
    expect(again.recovery.truncatedBytes).toBe(0);
  });

  it('does nothing with cleanup.policy delete', async () => {
    const log = await openLog(() => 0, { cleanupPolicy: 'delete' });
    for (let i = 0; i < 50; i++)
      await log.appendRecords([
        { key: Buffer.from('same'), value: Buffer.from(`v${i}`), timestamp: 5 },
      ]);
    expect(await log.compact()).toEqual({ removedRecords: 0 });
    expect((await log.readRecords(0, { maxRecords: 100 })).length).toBe(50);
  });

  it('compacts and applies time retention with compact,delete', async () => {
    let now = 0;
    const log = await openLog(() => now, { cleanupPolicy: 'compact,delete', retentionMs: 1000 });
    for (let i = 0; i < 60; i++)
      await log.appendRecords([
        {
          key: Buffer.from(`k${i % 2}`),
          value: Buffer.from(`v${i}`),
          timestamp: i < 30 ? 0 : 5000,
        },
      ]);
    expect((await log.compact()).removedRecords).toBeGreaterThan(0);
    now = 2000;
    const res = await log.applyRetention();
    expect(res.deletedSegments).toBeGreaterThan(0);
    const records = await log.readRecords(log.logStartOffset, { maxRecords: 100 });
    for (const r of records) expect(r.value!.toString()).toBe(`v${r.offset}`);
  });
});
