/**
 * Checks of client batches before an append (see PartitionLog.append): nothing is written
 * unless every batch passes.
 */
import { LogdockError } from '../../common/errors';
import type { LogConfig } from './api';
import { decompress } from './compression';
import {
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  batchCrcMatches,
  readBatchHeader,
  validateRecords,
} from './record-batch';
import type { BatchLocation } from './segment';

/**
 * Splits `batches` into RecordBatch v2 batches and checks each: complete header, magic 2,
 * length within the buffer and within max.message.bytes and segment.bytes
 * (MESSAGE_TOO_LARGE), CRC-32C, at least one record with consecutive offset deltas, and the
 * structure of every record (CORRUPT_RECORD) — of compressed batches too, after
 * decompressing them within the cap of `decompress`, as Kafka's broker does: a batch that
 * does not decode would otherwise be stored and fail every later reader. `name` (the
 * partition) prefixes every message. Pure; allocates two small objects per uncompressed
 * batch (its location and a view of its records), and the decompressed records of a
 * compressed one (dropped on return).
 */
export function validateClientBatches(
  batches: Buffer,
  config: LogConfig,
  name: string,
): BatchLocation[] {
  if (batches.length === 0) throw new LogdockError('INVALID_ARGUMENT', `empty append to ${name}`);
  const out: BatchLocation[] = [];
  let pos = 0;
  while (pos < batches.length) {
    let loc: BatchLocation;
    try {
      const header = readBatchHeader(batches, pos);
      loc = { header, position: pos, size: LOG_OVERHEAD + header.batchLength };
    } catch (err) {
      throw new LogdockError('CORRUPT_RECORD', `append to ${name}: ${(err as Error).message}`);
    }
    const { header, size } = loc;
    if (size > config.maxMessageBytes || size > config.segmentBytes) {
      throw new LogdockError(
        'MESSAGE_TOO_LARGE',
        `append to ${name}: batch at byte ${pos} is ${size} bytes, max.message.bytes is ${config.maxMessageBytes}`,
      );
    }
    if (pos + size > batches.length) {
      throw new LogdockError(
        'CORRUPT_RECORD',
        `append to ${name}: batch at byte ${pos} declares ${size} bytes, ${batches.length - pos} given`,
      );
    }
    if (!batchCrcMatches(batches, pos, header.batchLength)) {
      throw new LogdockError(
        'CORRUPT_RECORD',
        `append to ${name}: CRC mismatch in batch at byte ${pos}`,
      );
    }
    if (header.recordCount < 1 || header.lastOffsetDelta !== header.recordCount - 1) {
      throw new LogdockError(
        'CORRUPT_RECORD',
        `append to ${name}: batch at byte ${pos} has ${header.recordCount} records but lastOffsetDelta ${header.lastOffsetDelta}`,
      );
    }
    try {
      const area = batches.subarray(pos + RECORD_BATCH_OVERHEAD, pos + size);
      validateRecords(decompress(header.compression, area), header.recordCount);
    } catch (err) {
      throw new LogdockError(
        'CORRUPT_RECORD',
        `append to ${name}: batch at byte ${pos} (${header.compression}): ${(err as Error).message}`,
        { cause: err },
      );
    }
    out.push(loc);
    pos += size;
  }
  return out;
}
