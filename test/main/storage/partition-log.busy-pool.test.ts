import { describe, expect, it } from 'vitest';
import { INLINE_WRITE_MAX_BYTES } from '../../../src/main/storage/segment';
import { smallConfig, usePartitionDir, value } from './helpers';
import { waitFor } from '../../wait';
import { occupyThreadPool } from '../../thread-pool';

const fx = usePartitionDir();

describe("PartitionLog while every thread of libuv's pool is busy", () => {
  it('appends a small batch and reads it back at once; a large one waits for the pool, and both are on disk', async () => {
    const config = smallConfig({ segmentBytes: 8 << 20 });
    const log = await fx.openLog(config);
    // The first change removes the clean-shutdown marker (a file operation): done before.
    await log.appendRecords([{ value: value(0) }]);
    const pool = await occupyThreadPool(fx.root);
    try {
      let small: { baseOffset: number } | null = null;
      void log.appendRecords([{ value: Buffer.from('small record') }]).then((r) => (small = r));
      await waitFor(() => small, 'the small append', 30_000);
      expect(small!.baseOffset).toBe(1);
      const read = await log.readRecords(1, { maxRecords: 10 });
      expect(read.map((r) => r.value?.toString())).toEqual(['small record']);

      let large = false;
      const big = Buffer.alloc(INLINE_WRITE_MAX_BYTES + 1, 'L');
      const appending = log.appendRecords([{ value: big }]).then(() => (large = true));
      // The premise: nothing could have gone through the pool meanwhile.
      expect(pool.probeDone()).toBe(false);
      expect(large).toBe(false);
      await pool.release();
      await appending;
    } finally {
      await pool.release();
    }
    await log.close();
    fx.open.length = 0;
    const reopened = await fx.openLog(config);
    const all = await reopened.readRecords(0, { maxRecords: 10 });
    expect(all.map((r) => r.value?.length)).toEqual([
      value(0).length,
      12,
      INLINE_WRITE_MAX_BYTES + 1,
    ]);
  });

  it('reads the last small appends from memory, a consumer a few appends behind included', async () => {
    const log = await fx.openLog(smallConfig({ segmentBytes: 8 << 20 }));
    await log.appendRecords([{ value: Buffer.alloc(INLINE_WRITE_MAX_BYTES + 1) }]);
    for (let i = 1; i <= 6; i++) await log.appendRecords([{ value: value(i) }]);
    const pool = await occupyThreadPool(fx.root);
    try {
      let behind: string[] | null = null;
      void log
        .readRecords(2, { maxRecords: 10 })
        .then((r) => (behind = r.map((x) => x.value!.toString())));
      await waitFor(() => behind, 'the read four appends behind the end', 30_000);
      expect(behind).toEqual([2, 3, 4, 5, 6].map((i) => value(i).toString()));
      // Before the large append nothing is kept: that read waits for the pool.
      let first = false;
      const reading = log.readRecords(0).then(() => (first = true));
      expect(pool.probeDone()).toBe(false);
      expect(first).toBe(false);
      await pool.release();
      await reading;
    } finally {
      await pool.release();
    }
  });
});
