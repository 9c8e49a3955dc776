import { describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  type CompressionCodec,
  OFFSET_MAP_SLOT_BYTES,
  PartitionLog,
  type PartitionLogOptions,
  type StoredRecord,
} from '../../../src/main/storage';
import { smallConfig, usePartitionDir } from './helpers';

const fx = usePartitionDir();

async function openLog(
  clock: () => number,
  overrides: Parameters<typeof smallConfig>[0] = {},
  opts: PartitionLogOptions = {},
): Promise<PartitionLog> {
  return fx.openLog(
    smallConfig({
      segmentBytes: 1200,
      cleanupPolicy: 'compact',
      deleteRetentionMs: 1000,
      ...overrides,
    }),
    { clock, ...opts },
  );
}

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
    fx.open.pop();
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

/** Every record of the log, oldest first. */
async function allRecords(log: PartitionLog): Promise<StoredRecord[]> {
  return log.readRecords(log.logStartOffset, { maxRecords: log.logEndOffset + 1 });
}

/** Records below `end` whose key has a newer record below `end` (what compaction removes). */
function superseded(records: StoredRecord[], end: number): StoredRecord[] {
  const newest = new Map<string, number>();
  for (const r of records) if (r.offset < end && r.key) newest.set(r.key.toString(), r.offset);
  return records.filter((r) => r.offset < end && r.key && newest.get(r.key.toString())! > r.offset);
}

/** A map of 11 slots: it holds 9 keys, far fewer than the partitions below have. */
const TINY_MAP = 11 * OFFSET_MAP_SLOT_BYTES;

describe('PartitionLog compaction with a bounded offset map', () => {
  it('converges to one record per key over several passes when the map holds fewer keys than the partition', async () => {
    const log = await openLog(() => 0, { segmentBytes: 2000 }, { offsetMapBytes: TINY_MAP });
    const newest = new Map<string, number>();
    for (let i = 0; i < 240; i++) {
      const key = `k${(i * 7) % 30}`;
      newest.set(key, i);
      await log.appendRecords([
        { key: Buffer.from(key), value: Buffer.from(`v${i}`), timestamp: 5 },
      ]);
    }
    const sealedEnd = log.segments().at(-1)!.baseOffset;
    let passes = 0;
    let cleanedUpTo = 0;
    while (cleanedUpTo < sealedEnd) {
      const res = await log.compact();
      passes++;
      expect(res.pass!.offsetMapBytes).toBe(11 * OFFSET_MAP_SLOT_BYTES);
      expect(res.pass!.mappedKeys).toBeLessThanOrEqual(9);
      expect(res.pass!.cleanedUpTo).toBeGreaterThan(cleanedUpTo); // every pass makes progress
      cleanedUpTo = res.pass!.cleanedUpTo;
      expect(passes).toBeLessThan(100);
    }
    expect(passes).toBeGreaterThan(3);
    const records = await allRecords(log);
    expect(superseded(records, sealedEnd)).toEqual([]);
    for (const r of records) expect(r.value!.toString()).toBe(`v${r.offset}`);
    for (const offset of newest.values())
      expect(records.some((r) => r.offset === offset)).toBe(true);
  });

  it('goes on from the cleaner point saved in partition.meta after a reopen instead of starting over', async () => {
    const config = { segmentBytes: 2000 };
    const log = await openLog(() => 0, config, { offsetMapBytes: TINY_MAP });
    for (let i = 0; i < 240; i++) {
      const key = Buffer.from(`k${(i * 7) % 30}`);
      await log.appendRecords([{ key, value: Buffer.from(`v${i}`), timestamp: 5 }]);
    }
    const first = (await log.compact()).pass!.cleanedUpTo;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(log.segments().at(-1)!.baseOffset); // the map filled
    expect(await fs.readFile(join(fx.dir, 'partition.meta'), 'utf8')).toContain(
      `cleanerPoint ${first}\n`,
    );
    await log.close();
    fx.open.pop();
    const again = await openLog(() => 0, config, { offsetMapBytes: TINY_MAP });
    // Starting over from 0 would fill the same map at the same place again.
    expect((await again.compact()).pass!.cleanedUpTo).toBeGreaterThan(first);
  });

  it('lowers a cleaner point beyond the log end at open, so records written again there are compacted', async () => {
    const log = await openLog(() => 0);
    for (let i = 0; i < 20; i++)
      await log.appendRecords([{ key: Buffer.from(`k${i % 4}`), value: Buffer.from(`a${i}`) }]);
    await log.close();
    fx.open.pop();
    // What a truncation after a crash leaves: a cleaner point past the surviving records.
    const meta = join(fx.dir, 'partition.meta');
    const text = await fs.readFile(meta, 'utf8');
    await fs.writeFile(meta, text.replace(/cleanerPoint \d+/, 'cleanerPoint 1000'));
    const again = await openLog(() => 0);
    for (let i = 20; i < 60; i++)
      await again.appendRecords([{ key: Buffer.from(`k${i % 4}`), value: Buffer.from(`b${i}`) }]);
    await again.compact();
    const sealedEnd = again.segments().at(-1)!.baseOffset;
    expect(sealedEnd).toBeGreaterThan(20);
    expect(superseded(await allRecords(again), sealedEnd)).toEqual([]);
  });

  it('never lets an old value reappear when a tombstone lies beyond where the map filled', async () => {
    let now = 0;
    const log = await openLog(() => now, { segmentBytes: 1500 }, { offsetMapBytes: TINY_MAP });
    await log.appendRecords([
      { key: Buffer.from('gone'), value: Buffer.from('old'), timestamp: 0 },
    ]);
    // More keys than the map holds before the tombstone, in the same segment as it.
    for (let i = 1; i < 14; i++)
      await log.appendRecords([
        { key: Buffer.from(`f${i}`), value: Buffer.from('x'), timestamp: 0 },
      ]);
    await log.appendRecords([{ key: Buffer.from('gone'), value: null, timestamp: 0 }]);
    for (let i = 0; i < 40; i++)
      await log.appendRecords([
        { key: Buffer.from(`g${i}`), value: Buffer.from('y'), timestamp: 0 },
      ]);
    now = 10_000; // the tombstone is past delete.retention.ms from the first pass on
    for (let pass = 0; pass < 30; pass++) {
      await log.compact();
      const gone = (await allRecords(log)).filter((r) => r.key?.toString() === 'gone');
      // Either the tombstone is still there, or the old value went with (or before) it.
      if (gone.length > 0) expect(gone.at(-1)!.value).toBeNull();
    }
    expect((await allRecords(log)).filter((r) => r.key?.toString() === 'gone')).toEqual([]);
  });
});

describe('PartitionLog compaction merging segments', () => {
  it("merges many small segments into few, keeping every key's newest value and every offset", async () => {
    let now = 0;
    // segment.ms of 1 ms and a clock that moves per append: one tiny segment per record.
    const log = await openLog(() => now, { segmentBytes: 4096, segmentMs: 1 });
    for (let i = 0; i < 80; i++) {
      now++;
      const key = i % 4 === 0 ? `dup${i % 8}` : `u${i}`;
      await log.appendRecords([
        { key: Buffer.from(key), value: Buffer.from(`v${i}`), timestamp: 5 },
      ]);
    }
    const before = log.segments().length;
    const sealedEnd = log.segments().at(-1)!.baseOffset;
    const expected = await allRecords(log);
    const res = await log.compact();
    const after = log.segments();
    expect(before).toBeGreaterThan(70);
    expect(after.length).toBeLessThanOrEqual(4);
    expect(res.pass).toMatchObject({ segmentsBefore: before, segmentsAfter: after.length });
    for (const s of after.slice(0, -1)) expect(s.sizeBytes).toBeLessThanOrEqual(4096);
    // Segments still tile the offsets: each starts where the previous one ends.
    for (let i = 1; i < after.length; i++)
      expect(after[i].baseOffset).toBe(after[i - 1].nextOffset);
    const records = await allRecords(log);
    const gone = superseded(expected, sealedEnd).map((r) => r.offset);
    expect(records.map((r) => r.offset)).toEqual(
      expected.map((r) => r.offset).filter((o) => !gone.includes(o)),
    );
    for (const r of records) expect(r.value!.toString()).toBe(`v${r.offset}`);
    expect(res.removedRecords).toBe(gone.length);
    expect(log.logEndOffset).toBe(80);

    // And the merged segments are what a reopen finds.
    await log.close();
    fx.open.pop();
    const again = await openLog(() => now, { segmentBytes: 4096, segmentMs: 1 });
    expect(again.segments().map((s) => s.baseOffset)).toEqual(after.map((s) => s.baseOffset));
    expect((await allRecords(again)).map((r) => r.offset)).toEqual(records.map((r) => r.offset));
  });

  it('does not merge segments whose combined size exceeds segment.bytes', async () => {
    const log = await openLog(() => 0, { segmentBytes: 1200 });
    for (let i = 0; i < 100; i++)
      await log.appendRecords([
        { key: Buffer.from(`u${i}`), value: Buffer.from(`v${i}`), timestamp: 5 },
      ]);
    const before = log.segments();
    const res = await log.compact();
    expect(res.removedRecords).toBe(0);
    // Full segments, unique keys: nothing to clean and nothing that fits together.
    expect(log.segments().map((s) => s.baseOffset)).toEqual(before.map((s) => s.baseOffset));
  });

  it('lets a reader holding an old segment keep reading it, and appends go on, while a group is swapped', async () => {
    let now = 0;
    const seen: string[][] = [];
    const appended: number[] = [];
    const log: PartitionLog = await openLog(
      () => now,
      { segmentBytes: 4096, segmentMs: 1 },
      {
        compactionStep: async (step) => {
          if (step !== 'old-deleted') return;
          // The old segments' files are unlinked now; the log still lists them.
          const recs = await log.readRecords(0, { maxRecords: 30 });
          seen.push(recs.map((r) => r.value!.toString()));
          appended.push(
            (await log.appendRecords([{ key: Buffer.from('late'), value: Buffer.from('late') }]))
              .baseOffset,
          );
        },
      },
    );
    for (let i = 0; i < 30; i++) {
      now++;
      await log.appendRecords([
        { key: Buffer.from(`k${i % 3}`), value: Buffer.from(`v${i}`), timestamp: 5 },
      ]);
    }
    await log.compact();
    expect(seen.length).toBeGreaterThan(0);
    // The first read saw every old record: it read the unlinked files.
    expect(seen[0]).toEqual(Array.from({ length: 30 }, (_, i) => `v${i}`));
    expect(appended[0]).toBe(30);
    expect((await allRecords(log)).at(-1)!.value!.toString()).toBe('late');
  });
});
