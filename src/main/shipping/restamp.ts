/**
 * The forwarder's fast path: local RecordBatch bytes (as `Cluster.read` returns them) become
 * remote batches without decoding records into objects. Each record's bytes are copied with
 * its offset and timestamp deltas re-stamped for the new batch and one header appended,
 * `logdock.ship` = `<origin>/<partition>/<offset>` (docs/format/ship-checkpoint.md), which
 * tells on restart what the remote topic already holds. Compressed local batches are
 * decompressed; control batches (transaction markers) are not forwarded.
 *
 *   record := length:varint attributes:int8 timestampDelta:varlong offsetDelta:varint
 *             keyLength:varint key valueLength:varint value headerCount:varint header*
 *
 * The batches made are idempotent-producer batches without their producer fields yet: the
 * sender stamps producer id, epoch and sequence (`stampProducer`) just before sending.
 */
import { decompress } from '../storage/compression';
import {
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  MAGIC_OFFSET,
  MAGIC_V2,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  RECORD_COUNT_OFFSET,
  writeBatchCrc,
  ATTRIBUTES_OFFSET,
  iterateBatches,
  LOG_OVERHEAD,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
} from '../storage/record-batch';
import { readVarlong, varlongSize, writeInt64, writeVarlong, type Cursor } from '../storage/varint';

/** The header every forwarded record carries. */
export const SHIP_HEADER = 'logdock.ship';
const SHIP_HEADER_KEY = Buffer.from(SHIP_HEADER);
const DIGITS = /^\d{1,16}$/;

export interface OutBatch {
  /** A whole RecordBatch v2, producer fields unset (see stampProducer). */
  bytes: Buffer;
  /** Local offsets of the first and last record it holds. */
  firstOffset: number;
  lastOffset: number;
  count: number;
}

/** One record taken out of a local batch, as positions in `area`. */
interface Piece {
  area: Buffer;
  /** From the key length to the header count (exclusive): copied as they are. */
  bodyStart: number;
  bodyEnd: number;
  headerCount: number;
  /** The headers' bytes, copied as they are. */
  headersEnd: number;
  timestamp: number;
  offset: number;
}

/**
 * Re-encodes the records of `local` (whole batches of local partition `partition`) with
 * offset >= `from` into batches of at most `maxBatchBytes` (one record more than that gets a
 * batch of its own). Throws CORRUPT_RECORD for bytes that are not record batches.
 */
export function restamp(
  local: Buffer,
  from: number,
  origin: string,
  partition: number,
  maxBatchBytes: number,
): OutBatch[] {
  const out: OutBatch[] = [];
  let pending: Piece[] = [];
  let pendingBytes = RECORD_BATCH_OVERHEAD;
  const prefix = `${origin}/${partition}/`;
  const flush = () => {
    if (pending.length > 0) out.push(encode(pending, prefix, pendingBytes));
    pending = [];
    pendingBytes = RECORD_BATCH_OVERHEAD;
  };
  for (const piece of pieces(local, from)) {
    // An upper bound of the record's size in the new batch (deltas of at most 10 bytes each).
    const size =
      5 + 1 + 10 + 5 + (piece.bodyEnd - piece.bodyStart) + 5 + (piece.headersEnd - piece.bodyEnd);
    const bound = size + headerSize(prefix, piece.offset);
    if (pending.length > 0 && pendingBytes + bound > maxBatchBytes) flush();
    pending.push(piece);
    pendingBytes += bound;
  }
  flush();
  return out;
}

/** Sets the producer id, epoch and first sequence of a batch made by `restamp`, and its CRC. */
export function stampProducer(
  batch: Buffer,
  producerId: number,
  epoch: number,
  sequence: number,
): void {
  writeInt64(batch, PRODUCER_ID_OFFSET, producerId);
  batch.writeInt16BE(epoch, PRODUCER_EPOCH_OFFSET);
  batch.writeInt32BE(sequence, BASE_SEQUENCE_OFFSET);
  writeBatchCrc(batch, 0);
}

/** Parses a `logdock.ship` header value; null when it is not one of `origin`'s. */
export function parseShipHeader(
  value: Buffer | null,
  origin: string,
): { partition: number; offset: number } | null {
  if (!value) return null;
  const parts = value.toString('latin1').split('/');
  if (parts.length !== 3 || parts[0] !== origin) return null;
  if (!DIGITS.test(parts[1]) || !DIGITS.test(parts[2])) return null;
  const partition = Number(parts[1]);
  const offset = Number(parts[2]);
  if (!Number.isSafeInteger(offset)) return null;
  return { partition, offset };
}

function* pieces(local: Buffer, from: number): Generator<Piece> {
  const cursor: Cursor = { pos: 0, end: 0 };
  for (const { header, position, size } of iterateBatches(local)) {
    if (header.isControl || header.baseOffset + header.lastOffsetDelta < from) continue;
    const raw = local.subarray(position + RECORD_BATCH_OVERHEAD, position + size);
    const area = header.compression === 'none' ? raw : decompress(header.compression, raw);
    const appendTime = header.timestampType === 'LogAppendTime';
    cursor.pos = 0;
    cursor.end = area.length;
    for (let i = 0; i < header.recordCount; i++) {
      const length = readVarlong(area, cursor, 'record length');
      const end = cursor.pos + length;
      cursor.pos += 1; // attributes
      const tsDelta = readVarlong(area, cursor, 'timestamp delta');
      const offset = header.baseOffset + readVarlong(area, cursor, 'offset delta');
      const bodyStart = cursor.pos;
      skipBytes(area, cursor, 'key');
      skipBytes(area, cursor, 'value');
      const bodyEnd = cursor.pos;
      const headerCount = readVarlong(area, cursor, 'header count');
      if (offset >= from) {
        yield {
          area,
          bodyStart,
          bodyEnd,
          headerCount,
          headersEnd: end,
          timestamp: appendTime ? header.maxTimestamp : header.baseTimestamp + tsDelta,
          offset,
        };
      }
      cursor.pos = end;
    }
  }
}

function skipBytes(buf: Buffer, cursor: Cursor, what: string): void {
  const length = readVarlong(buf, cursor, `${what} length`);
  if (length > 0) cursor.pos += length;
}

function headerSize(prefix: string, offset: number): number {
  const valueLength = prefix.length + String(offset).length;
  return 1 + SHIP_HEADER_KEY.length + varlongSize(valueLength) + valueLength;
}

function encode(pieces: Piece[], prefix: string, bound: number): OutBatch {
  const buf = Buffer.allocUnsafe(bound);
  const baseTimestamp = pieces[0].timestamp;
  let maxTimestamp = baseTimestamp;
  let pos = RECORD_BATCH_OVERHEAD;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i];
    if (p.timestamp > maxTimestamp) maxTimestamp = p.timestamp;
    const value = prefix + p.offset;
    const bodyLength =
      1 +
      varlongSize(p.timestamp - baseTimestamp) +
      varlongSize(i) +
      (p.bodyEnd - p.bodyStart) +
      varlongSize(p.headerCount + 1) +
      (p.headersEnd - p.bodyEnd - varlongSize(p.headerCount)) +
      headerSize(prefix, p.offset);
    pos = writeVarlong(buf, pos, bodyLength);
    buf[pos++] = 0;
    pos = writeVarlong(buf, pos, p.timestamp - baseTimestamp);
    pos = writeVarlong(buf, pos, i);
    pos += p.area.copy(buf, pos, p.bodyStart, p.bodyEnd);
    pos = writeVarlong(buf, pos, p.headerCount + 1);
    pos += p.area.copy(buf, pos, p.bodyEnd + varlongSize(p.headerCount), p.headersEnd);
    pos = writeVarlong(buf, pos, SHIP_HEADER_KEY.length);
    pos += SHIP_HEADER_KEY.copy(buf, pos);
    pos = writeVarlong(buf, pos, value.length);
    pos += buf.write(value, pos, 'latin1');
  }
  const bytes = buf.subarray(0, pos);
  writeInt64(bytes, BASE_OFFSET_OFFSET, 0);
  bytes.writeInt32BE(pos - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  bytes.writeInt32BE(-1, PARTITION_LEADER_EPOCH_OFFSET);
  bytes.writeInt8(MAGIC_V2, MAGIC_OFFSET);
  bytes.writeInt16BE(0, ATTRIBUTES_OFFSET); // no compression, CreateTime
  bytes.writeInt32BE(pieces.length - 1, LAST_OFFSET_DELTA_OFFSET);
  writeInt64(bytes, BASE_TIMESTAMP_OFFSET, baseTimestamp);
  writeInt64(bytes, MAX_TIMESTAMP_OFFSET, maxTimestamp);
  writeInt64(bytes, PRODUCER_ID_OFFSET, -1);
  bytes.writeInt16BE(-1, PRODUCER_EPOCH_OFFSET);
  bytes.writeInt32BE(-1, BASE_SEQUENCE_OFFSET);
  bytes.writeInt32BE(pieces.length, RECORD_COUNT_OFFSET);
  return {
    bytes,
    firstOffset: pieces[0].offset,
    lastOffset: pieces[pieces.length - 1].offset,
    count: pieces.length,
  };
}
