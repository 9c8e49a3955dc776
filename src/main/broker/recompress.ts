/**
 * Kafka's `compression.type` topic config on append: `producer` keeps each batch as the
 * client compressed it; `uncompressed` or a codec name re-encodes batches written with
 * another codec (Kafka's LogValidator recompresses the same way), keeping every header
 * field that identifies the batch (producer id, epoch, base sequence, transactional and
 * timestamp type, leader epoch) and every record (offset delta, timestamp, key, value,
 * headers). Control batches and batches whose CRC does not match are left untouched: the
 * log's own checks refuse the latter, and re-encoding would hide the damage.
 */
import type { CompressionCodec } from '../storage/api';
import type { CompressionType } from '../kafka/topic-configs';
import {
  LOG_OVERHEAD,
  batchCrcMatches,
  decodeRecordBatch,
  encodeBatchWithOffsets,
  iterateBatches,
  type RecordBatchHeader,
} from '../storage/record-batch';

/** The codec a topic's batches are stored with, or null for `producer` (the client's). */
export function codecOf(type: CompressionType): CompressionCodec | null {
  if (type === 'producer') return null;
  return type === 'uncompressed' ? 'none' : type;
}

/**
 * `batches` with every batch stored in `codec` (the same buffer when none needed it).
 * Throws CORRUPT_RECORD when a batch with a valid CRC does not decode.
 */
export function recompressBatches(batches: Buffer, codec: CompressionCodec): Buffer {
  let headers: { header: RecordBatchHeader; position: number; size: number }[];
  try {
    headers = [...iterateBatches(batches)];
  } catch {
    return batches; // the log's validation names what is wrong
  }
  if (headers.every(({ header }) => header.compression === codec || header.isControl))
    return batches;
  return Buffer.concat(
    headers.map(({ header, position, size }) => {
      const bytes = batches.subarray(position, position + size);
      if (header.compression === codec || header.isControl) return bytes;
      if (!batchCrcMatches(batches, position, size - LOG_OVERHEAD)) return bytes;
      return reencode(bytes, header, codec);
    }),
  );
}

function reencode(bytes: Buffer, h: RecordBatchHeader, codec: CompressionCodec): Buffer {
  const { records } = decodeRecordBatch(bytes);
  return encodeBatchWithOffsets(
    records.map((r) => ({
      offsetDelta: r.offset - h.baseOffset,
      timestamp: r.timestamp,
      key: r.key,
      value: r.value,
      headers: r.headers,
    })),
    {
      baseOffset: h.baseOffset,
      compression: codec,
      timestampType: h.timestampType,
      producerId: h.producerId,
      producerEpoch: h.producerEpoch,
      baseSequence: h.baseSequence,
      isTransactional: h.isTransactional,
      partitionLeaderEpoch: h.partitionLeaderEpoch,
      lastOffsetDelta: h.lastOffsetDelta,
      maxTimestamp: h.timestampType === 'LogAppendTime' ? h.maxTimestamp : undefined,
    },
  );
}
