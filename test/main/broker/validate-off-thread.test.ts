import { afterAll, describe, expect, it } from 'vitest';
import { LogdockError } from '../../../src/common/errors';
import {
  type RecordInput,
  batchCrcMatches,
  encodeRecordBatch,
  writeBatchCrc,
} from '../../../src/main/storage';
import { MAX_TIMESTAMP_OFFSET, readBatchHeader } from '../../../src/main/storage/record-batch';
import {
  SMALL_APPEND_BYTES,
  validateClientBatchesOffThread as check,
} from '../../../src/main/broker/validate-off-thread';
import { writeInt64 } from '../../../src/main/storage/varint';
import { waitFor } from '../../wait';
import { closeSharedWorkerPool, ingestWorkerPool } from '../../../src/main/workers/pool';
import { sharedBuffer } from '../../../src/main/buffer-pool';
import { smallConfig, usePartitionDir } from '../storage/helpers';

const fx = usePartitionDir();
afterAll(() => closeSharedWorkerPool());

const openLog = () =>
  fx.openLog(smallConfig({ segmentBytes: 64 << 20 }), { topic: 't', partition: 0 });

/** Batches of 1,000 records of 100 bytes (~110 KB each) until `bytes` is reached. */
function bigAppend(bytes: number, from = 0): Buffer {
  const batches: Buffer[] = [];
  let size = 0;
  for (let b = 0; size < bytes; b++) {
    const records: RecordInput[] = Array.from({ length: 1000 }, (_, i) => ({
      value: Buffer.from(`record ${from + b * 1000 + i} `.padEnd(100, 'x')),
      timestamp: 1000 + i,
    }));
    const batch = encodeRecordBatch(records);
    batches.push(batch);
    size += batch.length;
  }
  return Buffer.concat(batches);
}

/** Flips one byte of the records area of the last batch of `batches` (its CRC then fails). */
function corruptLastBatch(batches: Buffer): void {
  batches[batches.length - 10] ^= 0xff;
}

describe('PartitionLog.append of large appends, checked on the ingest thread', () => {
  it('refuses a corrupt batch with CORRUPT_RECORD naming the partition, and writes nothing of the append', async () => {
    const log = await openLog();
    const big = bigAppend(4 * SMALL_APPEND_BYTES);
    corruptLastBatch(big);
    const err = await log.append(big, { check }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogdockError);
    expect((err as LogdockError).code).toBe('CORRUPT_RECORD');
    expect((err as LogdockError).message).toMatch(
      /append to t-0: CRC mismatch in batch at byte \d+/,
    );
    expect(log.logEndOffset).toBe(0);
    // The log goes on: a good append lands at offset 0.
    const good = await log.append(bigAppend(2 * SMALL_APPEND_BYTES), { check });
    expect(good.baseOffset).toBe(0);
  });

  it('refuses a batch over max.message.bytes with MESSAGE_TOO_LARGE, as the inline check does', async () => {
    const log = await fx.openLog(
      smallConfig({ segmentBytes: 64 << 20, maxMessageBytes: 100_000 }),
      {
        topic: 't',
        partition: 0,
      },
    );
    const err = await log
      .append(bigAppend(2 * SMALL_APPEND_BYTES), { check })
      .catch((e: unknown) => e);
    expect((err as LogdockError).code).toBe('MESSAGE_TOO_LARGE');
  });

  it('stores a large append whose batches leave MaxTimestamp unset with the records’ largest, under a valid CRC', async () => {
    const log = await openLog();
    const big = bigAppend(2 * SMALL_APPEND_BYTES);
    for (let pos = 0; pos < big.length;) {
      const h = readBatchHeader(big, pos);
      writeInt64(big, pos + MAX_TIMESTAMP_OFFSET, -1);
      writeBatchCrc(big, pos);
      pos += 12 + h.batchLength;
    }
    await log.append(big, { check });
    const { records } = await log.read(0, 64 << 20);
    let batches = 0;
    for (let pos = 0; pos < records.length; batches++) {
      const h = readBatchHeader(records, pos);
      expect(h.maxTimestamp).toBe(1999);
      expect(batchCrcMatches(records, pos, h.batchLength)).toBe(true);
      pos += 12 + h.batchLength;
    }
    expect(batches).toBeGreaterThan(1);
  });

  it('checks a large append held in shared memory (the Kafka listener’s request buffers) where it is: corrupt ones are refused, a MaxTimestamp left unset is corrected in the caller’s bytes', async () => {
    const log = await openLog();
    const inShared = (bytes: Buffer) => {
      const shared = sharedBuffer(bytes.length + 100).subarray(50, 50 + bytes.length);
      bytes.copy(shared);
      return shared;
    };
    const bad = inShared(bigAppend(2 * SMALL_APPEND_BYTES));
    corruptLastBatch(bad);
    const err = await log.append(bad, { check }).catch((e: unknown) => e);
    expect((err as LogdockError).code).toBe('CORRUPT_RECORD');
    const big = bigAppend(2 * SMALL_APPEND_BYTES);
    for (let pos = 0; pos < big.length;) {
      writeInt64(big, pos + MAX_TIMESTAMP_OFFSET, -1);
      writeBatchCrc(big, pos);
      pos += 12 + readBatchHeader(big, pos).batchLength;
    }
    const shared = inShared(big);
    const locations = await check(shared, smallConfig({ segmentBytes: 64 << 20 }), 't-0');
    expect(locations.length).toBeGreaterThan(1);
    for (const { position, header } of locations) {
      expect(header.maxTimestamp).toBe(1999);
      expect(readBatchHeader(shared, position).maxTimestamp).toBe(1999);
      expect(batchCrcMatches(shared, position, header.batchLength)).toBe(true);
    }
    const stored = await log.append(shared, { check });
    expect(stored.baseOffset).toBe(0);
    expect(log.logEndOffset).toBe(stored.lastOffset + 1);
  });

  it('keeps appends in call order when a large one (checked off thread) is followed by a small one (checked inline)', async () => {
    const log = await openLog();
    const small = encodeRecordBatch([{ value: Buffer.from('small') }]);
    expect(small.length).toBeLessThan(SMALL_APPEND_BYTES);
    const [large, after] = await Promise.all([
      log.append(bigAppend(4 * SMALL_APPEND_BYTES), { check }),
      log.append(small),
    ]);
    expect(large.baseOffset).toBe(0);
    expect(after.baseOffset).toBe(large.lastOffset + 1);
  });

  it('checks a large append inline when the thread dies during its check, and stores it', async () => {
    const log = await openLog();
    const pool = ingestWorkerPool();
    pool.warm();
    // Loaded, so that the check really is on the thread when it dies (a loaded machine takes a while).
    await waitFor(() => pool.allReady(), 'the ingest thread to load', 60_000);
    // Counted when asked, awaited after: the inline fallback may answer before terminate() resolves.
    const terminations: Promise<number>[] = [];
    const big = bigAppend(4 * SMALL_APPEND_BYTES);
    const stored = await log.append(big, {
      check: (batches, config, name) => {
        const checked = check(batches, config, name);
        for (const w of pool.liveWorkers()) terminations.push(w.terminate());
        return checked;
      },
    });
    await Promise.all(terminations);
    expect(terminations).toHaveLength(1);
    expect(stored.baseOffset).toBe(0);
    expect(log.logEndOffset).toBe(stored.lastOffset + 1);
    expect(log.logEndOffset).toBeGreaterThan(1000);
  });

  it('checks a large append on the ingest thread and a small one on the calling thread', async () => {
    await closeSharedWorkerPool(); // a pool with no thread started yet
    const log = await openLog();
    await log.append(encodeRecordBatch([{ value: Buffer.from('small') }]), { check });
    expect(ingestWorkerPool().liveWorkers()).toHaveLength(0);
    await log.append(bigAppend(2 * SMALL_APPEND_BYTES), { check });
    expect(ingestWorkerPool().liveWorkers()).toHaveLength(1);
    expect(log.logEndOffset).toBeGreaterThan(1000);
  });
});
