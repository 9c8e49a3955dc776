import { describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  type CompressionCodec,
  PartitionLog,
  encodeRecordBatch,
  segmentFileName,
  writeBatchCrc,
} from '../../../src/main/storage';
import { MAX_TIMESTAMP_OFFSET } from '../../../src/main/storage/record-batch';
import { writeInt64 } from '../../../src/main/storage/varint';
import { smallConfig, usePartitionDir, value } from './helpers';

const fx = usePartitionDir();
const BATCHES = 40;

/**
 * A segment as Logdock wrote it before it fixed sarama 1.22's batches on append: each
 * batch's header says MaxTimestamp -1 (CRC recomputed, as sarama sends it). Batch i holds
 * three records at 1000 + 10i + 5, + 1, + 9 (the largest last); odd batches are gzip.
 */
function legacySegment(): Buffer {
  const batches: Buffer[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const base = 1000 + 10 * i;
    const compression: CompressionCodec = i % 2 ? 'gzip' : 'none';
    const batch = encodeRecordBatch(
      [5, 1, 9].map((d, j) => ({ value: value(3 * i + j), timestamp: base + d })),
      { baseOffset: 3 * i, compression },
    );
    writeInt64(batch, MAX_TIMESTAMP_OFFSET, -1);
    writeBatchCrc(batch, 0);
    batches.push(batch);
  }
  return Buffer.concat(batches);
}

function openLog(): Promise<PartitionLog> {
  return fx.openLog(smallConfig({ segmentBytes: 1 << 20 }), { topic: 't', partition: 0 });
}

/** Lookups whose answer depends on the records' timestamps, not the headers'. */
async function expectTimeLookups(log: PartitionLog): Promise<void> {
  expect(await log.offsetForTimestamp(0)).toBe(0);
  expect(await log.offsetForTimestamp(1006)).toBe(2);
  expect(await log.offsetForTimestamp(1009)).toBe(2);
  expect(await log.offsetForTimestamp(1010)).toBe(3);
  expect(await log.offsetForTimestamp(1000 + 10 * 25 + 6)).toBe(3 * 25 + 2);
  expect(await log.offsetForTimestamp(1000 + 10 * (BATCHES - 1) + 9)).toBe(3 * BATCHES - 1);
  expect(await log.offsetForTimestamp(1000 + 10 * (BATCHES - 1) + 10)).toBeNull();
  expect(log.segments()[0].maxTimestamp).toBe(1000 + 10 * (BATCHES - 1) + 9);
}

describe('PartitionLog with batches whose header leaves MaxTimestamp unset', () => {
  it('seeks by time from record timestamps after recovery and after its time index is deleted', async () => {
    await fs.mkdir(fx.dir, { recursive: true });
    await fs.writeFile(join(fx.dir, segmentFileName(0, '.log')), legacySegment());
    // No clean-shutdown marker: the open recovers the segment and builds its indexes.
    let log = await openLog();
    expect(log.logEndOffset).toBe(3 * BATCHES);
    await expectTimeLookups(log);
    await log.close();
    fx.open.splice(0);

    // A clean reopen with the time index gone rebuilds it from the log.
    const timeIndex = join(fx.dir, segmentFileName(0, '.timeindex'));
    await fs.rm(timeIndex);
    log = await openLog();
    await expectTimeLookups(log);
    await log.close();
    fx.open.splice(0);
    // The rebuilt file holds entries up to the records' largest timestamp.
    const bytes = await fs.readFile(timeIndex);
    expect(bytes.length).toBeGreaterThan(12);
    expect(Number(bytes.readBigInt64BE(bytes.length - 12))).toBeGreaterThan(1000);

    // A clean reopen with the rebuilt index answers the same.
    log = await openLog();
    await expectTimeLookups(log);
  });
});
