/**
 * Checks of client batches before an append (see PartitionLog.append): nothing is written
 * unless every batch passes.
 */
import { LogdockError } from '../../common/errors';
import type { LogConfig } from './api';
import {
  LOG_OVERHEAD,
  batchCrcMatches,
  readBatchHeader,
  validateUncompressedRecords,
} from './record-batch';
import type { BatchLocation } from './segment';

/**
 * Splits `batches` into RecordBatch v2 batches and checks each: complete header, magic 2,
 * length within the buffer and within max.message.bytes and segment.bytes
 * (MESSAGE_TOO_LARGE), CRC-32C, at least one record with consecutive offset deltas, and for
 * uncompressed batches the structure of every record (CORRUPT_RECORD). `name` (the
 * partition) prefixes every message. Pure; allocates one small object per batch.
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
    if (header.compression === 'none') {
      try {
        validateUncompressedRecords(batches, pos, header);
      } catch (err) {
        throw new LogdockError('CORRUPT_RECORD', `append to ${name}: ${(err as Error).message}`);
      }
    }
    out.push(loc);
    pos += size;
  }
  return out;
}
