/**
 * Checks of client batches before an append (see PartitionLog.append): nothing is written
 * unless every batch passes.
 */
import { LogdockError } from '../../common/errors';
import type { LogConfig } from './api';
import { decompress } from './compression';
import {
  LOG_OVERHEAD,
  MAX_TIMESTAMP_OFFSET,
  RECORD_BATCH_OVERHEAD,
  batchCrcMatches,
  readBatchHeader,
  validateRecords,
  writeBatchCrc,
} from './record-batch';
import type { BatchLocation } from './segment';
import { writeInt64 } from './varint';

/**
 * Splits `batches` into RecordBatch v2 batches and checks each: complete header, magic 2,
 * length within the buffer and within max.message.bytes and segment.bytes
 * (MESSAGE_TOO_LARGE), CRC-32C, at least one record with consecutive offset deltas, and the
 * structure of every record (CORRUPT_RECORD) — of compressed batches too, after
 * decompressing them within the cap of `decompress`, as Kafka's broker does: a batch that
 * does not decode would otherwise be stored and fail every later reader. `name` (the
 * partition) prefixes every message. A CreateTime batch whose MaxTimestamp is not that of its
 * records (sarama 1.22 sends -1) gets the right one and a new CRC, in place, as Kafka's
 * LogValidator does: time indexes and lookups by time rely on it. Allocates two small objects per uncompressed
 * batch (its location and a view of its records), and the decompressed records of a
 * compressed one (dropped on return).
 */
export function validateClientBatches(
  batches: Buffer,
  config: LogConfig,
  name: string,
): BatchLocation[] {
  return walkBatches(batches, config, name, true);
}

/**
 * The locations of batches that Logdock's own encoder wrote in this process (the file,
 * journald and OTLP collectors', see Broker.appendBatches `encodedHere`), checking only what the log relies on
 * to place them: complete headers, magic 2, lengths within the buffer, max.message.bytes and
 * segment.bytes, record counts. Their CRCs and records were computed by the encoder, so
 * checking them again would only cost the main thread a second pass over every byte.
 * Throws as validateClientBatches.
 */
export function locateOwnBatches(
  batches: Buffer,
  config: LogConfig,
  name: string,
): BatchLocation[] {
  return walkBatches(batches, config, name, false);
}

/** Splits `batches` into located batches, checking each header and, when `deep`, its contents. */
function walkBatches(
  batches: Buffer,
  config: LogConfig,
  name: string,
  deep: boolean,
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
      // Name the limit the batch broke: a topic's segment.bytes can be the smaller one.
      const [limit, bytes] =
        size > config.maxMessageBytes
          ? ['max.message.bytes', config.maxMessageBytes]
          : ['segment.bytes', config.segmentBytes];
      throw new LogdockError(
        'MESSAGE_TOO_LARGE',
        `append to ${name}: batch at byte ${pos} is ${size} bytes, ${limit} is ${bytes}`,
      );
    }
    if (pos + size > batches.length) {
      throw new LogdockError(
        'CORRUPT_RECORD',
        `append to ${name}: batch at byte ${pos} declares ${size} bytes, ${batches.length - pos} given`,
      );
    }
    if (deep && !batchCrcMatches(batches, pos, header.batchLength)) {
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
    if (deep) checkRecords(batches, loc, name);
    out.push(loc);
    pos += size;
  }
  return out;
}

/** Every record's structure (decompressed within the cap), then the batch's MaxTimestamp. */
function checkRecords(batches: Buffer, loc: BatchLocation, name: string): void {
  const { header, position: pos, size } = loc;
  let maxDelta: number;
  try {
    const area = batches.subarray(pos + RECORD_BATCH_OVERHEAD, pos + size);
    maxDelta = validateRecords(decompress(header.compression, area), header.recordCount);
  } catch (err) {
    throw new LogdockError(
      'CORRUPT_RECORD',
      `append to ${name}: batch at byte ${pos} (${header.compression}): ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (header.timestampType === 'CreateTime') setMaxTimestamp(batches, loc, maxDelta);
}

/** Writes the records' largest timestamp into the batch header (and its CRC) when it differs. */
function setMaxTimestamp(batches: Buffer, loc: BatchLocation, maxDelta: number): void {
  const maxTimestamp = loc.header.baseTimestamp + maxDelta;
  if (maxTimestamp === loc.header.maxTimestamp) return;
  writeInt64(batches, loc.position + MAX_TIMESTAMP_OFFSET, maxTimestamp);
  writeBatchCrc(batches, loc.position);
  loc.header.maxTimestamp = maxTimestamp;
}
