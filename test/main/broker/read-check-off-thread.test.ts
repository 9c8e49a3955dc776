import { afterAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  type CorruptionFinding,
  type ReadCheck,
  type RecordInput,
  OFF_THREAD_COPIED_READ_CHECK_BYTES,
  OFF_THREAD_READ_CHECK_BYTES,
  PartitionLog,
  iterateBatches,
  segmentFileName,
} from '../../../src/main/storage';
import { offThreadReadCheck } from '../../../src/main/broker/read-check-off-thread';
import { sharedBuffer } from '../../../src/main/buffer-pool';
import { waitFor } from '../../wait';
import { closeSharedWorkerPool, ingestWorkerPool } from '../../../src/main/workers/pool';
import { expectCorrupt, smallConfig, usePartitionDir, writeGarbage } from '../storage/helpers';

const fx = usePartitionDir();
afterAll(() => closeSharedWorkerPool());

const config = () => smallConfig({ segmentBytes: 4 << 20, indexIntervalBytes: 4096 });
const MiB = 1024 * 1024;

/** 40 batches of 100 records of ~100 bytes (~11 KB each) in one sealed segment, closed. */
async function writeClosed(): Promise<void> {
  const log = await PartitionLog.open(fx.dir, config());
  for (let b = 0; b < 40; b++) {
    const records: RecordInput[] = Array.from({ length: 100 }, (_, i) => ({
      value: Buffer.from(`record ${b * 100 + i} `.padEnd(100, 'x')),
      timestamp: 1000 + i,
    }));
    await log.appendRecords(records);
  }
  await log.close();
}

/** The real off-thread check, counting the reads it was given. */
function counted(): { check: ReadCheck; calls: number[] } {
  const calls: number[] = [];
  const check: ReadCheck = (buf, bounds) => {
    calls.push(buf.length);
    return offThreadReadCheck(buf, bounds);
  };
  return { check, calls };
}

describe('reads checked on the worker thread', () => {
  it('return the same bytes as the inline check for a large read, which goes to the thread', async () => {
    await writeClosed();
    const { check, calls } = counted();
    const log = await fx.openLog(config(), { readCheck: check });
    const offThread = Buffer.from((await log.read(0, MiB)).records);
    expect(calls).toEqual([offThread.length]);
    expect(offThread.length).toBeGreaterThan(OFF_THREAD_COPIED_READ_CHECK_BYTES);
    await log.close();
    fx.open.splice(0);

    const inline = await fx.openLog(config());
    expect((await inline.read(0, MiB)).records.equals(offThread)).toBe(true);
  });

  it('return the good batches before a corrupt one and fail the read that starts at it, as inline', async () => {
    await writeClosed();
    const file = join(fx.dir, segmentFileName(0, '.log'));
    const batches = [...iterateBatches(await fs.readFile(file))];
    const bad = batches[20];
    await writeGarbage(file, bad.position + 200, 8); // inside a record: the CRC no longer matches
    const found: CorruptionFinding[] = [];
    const { check, calls } = counted();
    const log = await fx.openLog(config(), {
      readCheck: check,
      onCorruption: (f) => found.push(f),
    });

    const before = await log.read(0, MiB);
    expect([...iterateBatches(before.records)].map((b) => b.header.baseOffset)).toEqual(
      batches.slice(0, 20).map((b) => b.header.baseOffset),
    );
    expect(found).toEqual([]);
    const err = await expectCorrupt(log.read(bad.header.baseOffset + 5, MiB));
    expect(err.message).toContain(`${file} position ${bad.position}`);
    expect(err.message).toContain('CRC mismatch');
    expect(found).toEqual([expect.objectContaining({ file, position: bad.position })]);
    expect(calls.length).toBe(2);
    // Past it the log reads on.
    const after = await log.read(batches[21].header.baseOffset, MiB);
    expect([...iterateBatches(after.records)][0].header.baseOffset).toBe(
      batches[21].header.baseOffset,
    );
  });

  it('are those from 64 KiB into shared memory (a Fetch buffer) and from 128 KiB otherwise', async () => {
    await writeClosed();
    const { check, calls } = counted();
    const log = await fx.openLog(config(), { readCheck: check });
    // ~90 KiB into a Fetch's shared buffer: over the shared threshold, checked on the thread.
    const into = sharedBuffer(96 * 1024);
    const shared = await log.read(0, 90 * 1024, into);
    expect(shared.records.buffer).toBe(into.buffer);
    expect(shared.records.length).toBeGreaterThanOrEqual(OFF_THREAD_READ_CHECK_BYTES);
    expect(calls).toEqual([shared.records.length]);
    // The same size elsewhere (from batch 10 on: not checked yet) is checked inline.
    const own = await log.read(1000, 90 * 1024);
    expect(own.records.length).toBeGreaterThanOrEqual(OFF_THREAD_READ_CHECK_BYTES);
    expect(own.records.length).toBeLessThan(OFF_THREAD_COPIED_READ_CHECK_BYTES);
    expect(calls.length).toBe(1);
    // And a small read too.
    expect((await log.read(3000, 16 * 1024)).records.length).toBeGreaterThan(0);
    expect(calls.length).toBe(1);
  });

  it('check a read inline when the thread dies during its check, so the read still answers', async () => {
    await writeClosed();
    const pool = ingestWorkerPool();
    pool.warm();
    // Loaded, so that the check really is on the thread when it dies (a loaded machine takes a while).
    await waitFor(() => pool.allReady(), 'the ingest thread to load', 60_000);
    // Counted when asked, awaited after: the inline fallback may answer before terminate() resolves.
    const terminations: Promise<number>[] = [];
    // The real check, with its thread terminated as soon as the task is posted to it.
    const dying: ReadCheck = (buf, bounds) => {
      const checked = offThreadReadCheck(buf, bounds);
      for (const w of pool.liveWorkers()) terminations.push(w.terminate());
      return checked;
    };
    const log = await fx.openLog(config(), { readCheck: dying });
    const read = await log.read(0, MiB);
    await Promise.all(terminations);
    expect(terminations).toHaveLength(1);
    expect(read.records.length).toBeGreaterThan(OFF_THREAD_COPIED_READ_CHECK_BYTES);
    await log.close();
    fx.open.splice(0);
    const inline = await fx.openLog(config());
    expect((await inline.read(0, MiB)).records.equals(read.records)).toBe(true);
  });
});
