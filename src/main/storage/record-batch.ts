/**
 * Kafka's RecordBatch v2 (message format v2), the unit Logdock stores on disk and sends on
 * the wire, byte for byte. Grammar (all integers big-endian; see docs/format/segment.md):
 *
 *   RecordBatch =>
 *     baseOffset: int64            ← offset 0; assigned by the log, outside the CRC
 *     batchLength: int32           ← offset 8; bytes after this field
 *     partitionLeaderEpoch: int32  ← offset 12; outside the CRC
 *     magic: int8 (= 2)            ← offset 16
 *     crc: uint32                  ← offset 17; CRC-32C of attributes .. end
 *     attributes: int16            ← offset 21; bits 0-2 codec, 3 timestamp type,
 *                                    4 transactional, 5 control
 *     lastOffsetDelta: int32       ← offset 23
 *     baseTimestamp: int64         ← offset 27
 *     maxTimestamp: int64          ← offset 35
 *     producerId: int64            ← offset 43
 *     producerEpoch: int16         ← offset 51
 *     baseSequence: int32          ← offset 53
 *     recordCount: int32           ← offset 57
 *     records: [Record]            ← offset 61; compressed as a whole when codec != none
 *
 *   Record =>
 *     length: varint  attributes: int8  timestampDelta: varlong  offsetDelta: varint
 *     keyLength: varint  key: byte[]  valueLength: varint  value: byte[]
 *     headersCount: varint  [headerKeyLength: varint  headerKey: utf8  headerValueLength: varint  value: byte[]]
 *   (lengths of -1 mean null)
 */
import { crc32c } from '@node-rs/crc32';
import { LogdockError } from '../../common/errors';
import type {
  CompressionCodec,
  RecordHeader,
  RecordInput,
  StoredRecord,
  TimestampType,
} from './api';
import { CODEC_IDS, codecFromId, compress, decompress } from './compression';
import {
  type Cursor,
  readInt64,
  readVarlong,
  varlongSize,
  writeInt64,
  writeVarlong,
} from './varint';

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORD_COUNT_OFFSET = 57;
/** Size of the fixed batch header; records start here. */
export const RECORD_BATCH_OVERHEAD = 61;
/** baseOffset + batchLength: the part of the header not counted by batchLength. */
export const LOG_OVERHEAD = 12;
export const MAGIC_V2 = 2;

const TIMESTAMP_TYPE_BIT = 0x08;
const TRANSACTIONAL_BIT = 0x10;
const CONTROL_BIT = 0x20;

export interface RecordBatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: CompressionCodec;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export interface EncodeOptions {
  baseOffset?: number;
  compression?: CompressionCodec;
  timestampType?: TimestampType;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  partitionLeaderEpoch?: number;
  /** Overrides lastOffsetDelta (compaction keeps the original one after removing records). */
  lastOffsetDelta?: number;
  /** Overrides maxTimestamp (LogAppendTime batches carry the append time there). */
  maxTimestamp?: number;
}

/** A record with an explicit offset delta, as compaction re-encodes them. */
export interface EncodableRecord {
  offsetDelta: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/**
 * Encodes records as one RecordBatch v2 with consecutive offset deltas starting at 0.
 * Records without a timestamp get `Date.now()`. Throws INVALID_ARGUMENT for an empty list.
 */
export function encodeRecordBatch(records: RecordInput[], opts: EncodeOptions = {}): Buffer {
  const now = Date.now();
  const list: EncodableRecord[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    list[i] = {
      offsetDelta: i,
      timestamp: r.timestamp ?? now,
      key: r.key ?? null,
      value: r.value,
      headers: r.headers ?? [],
    };
  }
  return encodeBatchWithOffsets(list, opts);
}

/** Encodes records that carry their own offset deltas (ascending). See encodeRecordBatch. */
export function encodeBatchWithOffsets(
  records: EncodableRecord[],
  opts: EncodeOptions = {},
): Buffer {
  if (records.length === 0) {
    throw new LogdockError('INVALID_ARGUMENT', 'a record batch needs at least one record');
  }
  const baseTimestamp = records[0].timestamp;
  let maxTimestamp = baseTimestamp;
  for (const r of records) if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
  const codec = opts.compression ?? 'none';
  const body = encodeRecords(records, baseTimestamp);
  const payload = codec === 'none' ? body : compress(codec, body);

  const buf = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + payload.length);
  writeInt64(buf, BASE_OFFSET_OFFSET, opts.baseOffset ?? 0);
  buf.writeInt32BE(buf.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  buf.writeInt32BE(opts.partitionLeaderEpoch ?? -1, PARTITION_LEADER_EPOCH_OFFSET);
  buf.writeInt8(MAGIC_V2, MAGIC_OFFSET);
  let attributes = CODEC_IDS[codec];
  if (opts.timestampType === 'LogAppendTime') attributes |= TIMESTAMP_TYPE_BIT;
  if (opts.isTransactional) attributes |= TRANSACTIONAL_BIT;
  if (opts.isControl) attributes |= CONTROL_BIT;
  buf.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  const lastDelta = opts.lastOffsetDelta ?? records[records.length - 1].offsetDelta;
  buf.writeInt32BE(lastDelta, LAST_OFFSET_DELTA_OFFSET);
  writeInt64(buf, BASE_TIMESTAMP_OFFSET, baseTimestamp);
  writeInt64(buf, MAX_TIMESTAMP_OFFSET, opts.maxTimestamp ?? maxTimestamp);
  writeInt64(buf, PRODUCER_ID_OFFSET, opts.producerId ?? -1);
  buf.writeInt16BE(opts.producerEpoch ?? -1, PRODUCER_EPOCH_OFFSET);
  buf.writeInt32BE(opts.baseSequence ?? -1, BASE_SEQUENCE_OFFSET);
  buf.writeInt32BE(records.length, RECORD_COUNT_OFFSET);
  payload.copy(buf, RECORD_BATCH_OVERHEAD);
  writeBatchCrc(buf, 0);
  return buf;
}

/** What an encoder writing records in place knows of its batch when it closes it. */
export interface PlainBatch {
  /** The whole batch's size in bytes, header included. */
  bytes: number;
  count: number;
  baseTimestamp: number;
  /** The largest timestamp of the batch (not the last: times need not be in order). */
  maxTimestamp: number;
}

/**
 * Writes the header of a plain batch at `pos`: base offset 0 (the append assigns offsets),
 * no compression, CreateTime, no producer, offset deltas 0..count-1. For encoders that
 * write records straight into a buffer (collectors, `logdock produce`); seal the batch
 * with writeBatchCrc after its records are in place.
 */
export function writePlainBatchHeader(buf: Buffer, pos: number, batch: PlainBatch): void {
  writeInt64(buf, pos + BASE_OFFSET_OFFSET, 0);
  buf.writeInt32BE(batch.bytes - LOG_OVERHEAD, pos + BATCH_LENGTH_OFFSET);
  buf.writeInt32BE(-1, pos + PARTITION_LEADER_EPOCH_OFFSET);
  buf.writeInt8(MAGIC_V2, pos + MAGIC_OFFSET);
  buf.writeInt16BE(0, pos + ATTRIBUTES_OFFSET);
  buf.writeInt32BE(batch.count - 1, pos + LAST_OFFSET_DELTA_OFFSET);
  writeInt64(buf, pos + BASE_TIMESTAMP_OFFSET, batch.baseTimestamp);
  writeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, batch.maxTimestamp);
  writeInt64(buf, pos + PRODUCER_ID_OFFSET, -1);
  buf.writeInt16BE(-1, pos + PRODUCER_EPOCH_OFFSET);
  buf.writeInt32BE(-1, pos + BASE_SEQUENCE_OFFSET);
  buf.writeInt32BE(batch.count, pos + RECORD_COUNT_OFFSET);
}

/**
 * One record header as it is written inside a record (keyLength:varint key valueLength:varint
 * value), for encoders that build records in place and keep constant headers encoded once.
 */
export function encodeRecordHeader(key: string, value: string | Buffer): Buffer {
  const k = Buffer.from(key);
  const v = typeof value === 'string' ? Buffer.from(value) : value;
  const bytes = Buffer.allocUnsafe(
    varlongSize(k.length) + k.length + varlongSize(v.length) + v.length,
  );
  let pos = writeVarlong(bytes, 0, k.length);
  pos += k.copy(bytes, pos);
  v.copy(bytes, writeVarlong(bytes, pos, v.length));
  return bytes;
}

/** Recomputes and stores the CRC of the batch starting at `pos` (after patching attributes). */
export function writeBatchCrc(buf: Buffer, pos: number): void {
  const end = pos + LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  buf.writeUInt32BE(crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, end)), pos + CRC_OFFSET);
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function encodeRecords(records: EncodableRecord[], baseTimestamp: number): Buffer {
  // Pass 1: sizes, so the records are written into one exactly sized buffer.
  const bodySizes = new Array<number>(records.length);
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    let size = 1 + varlongSize(r.timestamp - baseTimestamp) + varlongSize(r.offsetDelta);
    size += r.key === null ? 1 : varlongSize(r.key.length) + r.key.length;
    size += r.value === null ? 1 : varlongSize(r.value.length) + r.value.length;
    size += varlongSize(r.headers.length);
    for (const h of r.headers) {
      const kl = utf8Length(h.key);
      size += varlongSize(kl) + kl;
      size += h.value === null ? 1 : varlongSize(h.value.length) + h.value.length;
    }
    bodySizes[i] = size;
    total += varlongSize(size) + size;
  }
  // Pass 2: write.
  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    pos = writeVarlong(buf, pos, bodySizes[i]);
    buf[pos++] = 0;
    pos = writeVarlong(buf, pos, r.timestamp - baseTimestamp);
    pos = writeVarlong(buf, pos, r.offsetDelta);
    pos = writeBytes(buf, pos, r.key);
    pos = writeBytes(buf, pos, r.value);
    pos = writeVarlong(buf, pos, r.headers.length);
    for (const h of r.headers) {
      pos = writeVarlong(buf, pos, utf8Length(h.key));
      pos += buf.write(h.key, pos, 'utf8');
      pos = writeBytes(buf, pos, h.value);
    }
  }
  return buf;
}

function writeBytes(buf: Buffer, pos: number, bytes: Buffer | null): number {
  if (bytes === null) return writeVarlong(buf, pos, -1);
  pos = writeVarlong(buf, pos, bytes.length);
  bytes.copy(buf, pos);
  return pos + bytes.length;
}

function corrupt(message: string): LogdockError {
  return new LogdockError('CORRUPT_RECORD', message);
}

/**
 * Reads and sanity-checks the fixed header of the batch at `pos` without touching the
 * records: the header must fit in `buf`, magic must be 2, batchLength must cover the header
 * and counts must not be negative. It does not check the CRC nor that the whole batch is in
 * `buf`. Throws CORRUPT_RECORD naming the field and byte position.
 */
export function readBatchHeader(buf: Buffer, pos: number): RecordBatchHeader {
  if (pos + RECORD_BATCH_OVERHEAD > buf.length) {
    throw corrupt(
      `truncated batch header at byte ${pos}: ${buf.length - pos} of ${RECORD_BATCH_OVERHEAD} bytes`,
    );
  }
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  if (batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) {
    throw corrupt(`batchLength ${batchLength} at byte ${pos} is smaller than the batch header`);
  }
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic !== MAGIC_V2) {
    throw corrupt(`unsupported magic ${magic} at byte ${pos} (only record batch v2 is supported)`);
  }
  const baseOffset = readInt64(buf, pos + BASE_OFFSET_OFFSET);
  if (baseOffset < 0) throw corrupt(`negative baseOffset ${baseOffset} at byte ${pos}`);
  const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
  if (lastOffsetDelta < 0)
    throw corrupt(`negative lastOffsetDelta ${lastOffsetDelta} at byte ${pos}`);
  const recordCount = buf.readInt32BE(pos + RECORD_COUNT_OFFSET);
  if (recordCount < 0) throw corrupt(`negative recordCount ${recordCount} at byte ${pos}`);
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  return {
    baseOffset,
    batchLength,
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
    magic,
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes,
    compression: codecFromId(attributes & 0x07),
    timestampType: attributes & TIMESTAMP_TYPE_BIT ? 'LogAppendTime' : 'CreateTime',
    isTransactional: (attributes & TRANSACTIONAL_BIT) !== 0,
    isControl: (attributes & CONTROL_BIT) !== 0,
    lastOffsetDelta,
    baseTimestamp: readInt64(buf, pos + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64(buf, pos + MAX_TIMESTAMP_OFFSET),
    producerId: readInt64(buf, pos + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordCount,
  };
}

/** The CRC-32C the bytes of the batch at `pos` (entirely inside `buf`) have now. */
export function batchCrc(buf: Buffer, pos: number, batchLength: number): number {
  return crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + LOG_OVERHEAD + batchLength)) >>> 0;
}

/** True when the stored CRC of the batch at `pos` (entirely inside `buf`) matches its bytes. */
export function batchCrcMatches(buf: Buffer, pos: number, batchLength: number): boolean {
  return batchCrc(buf, pos, batchLength) === buf.readUInt32BE(pos + CRC_OFFSET);
}

/**
 * Walks the batches in `buf` (headers only, no CRC check, no decompression). Throws
 * CORRUPT_RECORD when a header is invalid or a batch runs past the end of `buf`.
 */
export function* iterateBatches(
  buf: Buffer,
): Generator<{ header: RecordBatchHeader; position: number; size: number }> {
  let pos = 0;
  while (pos < buf.length) {
    const header = readBatchHeader(buf, pos);
    const size = LOG_OVERHEAD + header.batchLength;
    if (pos + size > buf.length) {
      throw corrupt(
        `batch at byte ${pos} declares ${size} bytes but only ${buf.length - pos} remain`,
      );
    }
    yield { header, position: pos, size };
    pos += size;
  }
}

/**
 * Decodes the one batch at the start of `buf` (trailing bytes after it are ignored): checks
 * the header, that the batch fits, the CRC, decompresses, and checks every record length,
 * that the records fill the batch exactly and that their number matches recordCount.
 * Throws CORRUPT_RECORD naming what is wrong. The returned keys/values share memory with
 * `buf` (or the decompressed buffer): copy them to keep them beyond `buf`'s lifetime.
 */
export function decodeRecordBatch(buf: Buffer): {
  header: RecordBatchHeader;
  records: StoredRecord[];
} {
  const { header, size } = checkedBatch(buf);
  return { header, records: decodeRecords(buf.subarray(RECORD_BATCH_OVERHEAD, size), header) };
}

/** The header and size of the one batch at the start of `buf`, its size and CRC checked. */
function checkedBatch(buf: Buffer): { header: RecordBatchHeader; size: number } {
  const header = readBatchHeader(buf, 0);
  const size = LOG_OVERHEAD + header.batchLength;
  if (size > buf.length) {
    throw corrupt(`truncated batch at offset ${header.baseOffset}: ${buf.length} of ${size} bytes`);
  }
  if (!batchCrcMatches(buf, 0, header.batchLength)) {
    const computed = crc32c(buf.subarray(ATTRIBUTES_OFFSET, size)) >>> 0;
    throw corrupt(
      `CRC mismatch in batch at offset ${header.baseOffset}: stored ${header.crc}, computed ${computed}`,
    );
  }
  return { header, size };
}

/**
 * The offset of the first record of the batch at the start of `buf` whose timestamp is >=
 * `timestamp` and offset >= `minOffset`, or null. Checks what decodeRecordBatch checks
 * before it (header, size, CRC; each record's length up to the one found) but reads only
 * each record's timestamp and offset deltas: no object per record. A time lookup
 * (findTimestamp, under every search with a time range or a resume) decoded whole batches
 * of thousands of records for one offset, the main thread's largest allocation under load.
 */
export function firstRecordAtOrAfter(
  buf: Buffer,
  timestamp: number,
  minOffset: number,
): number | null {
  const { header, size } = checkedBatch(buf);
  const area = buf.subarray(RECORD_BATCH_OVERHEAD, size);
  const body = header.compression === 'none' ? area : decompress(header.compression, area);
  const appendTime = header.timestampType === 'LogAppendTime';
  const cursor: Cursor = { pos: 0, end: body.length };
  let i = 0;
  try {
    for (; i < header.recordCount; i++) {
      cursor.end = body.length;
      const length = readVarlong(body, cursor, 'length');
      const recordEnd = cursor.pos + length;
      if (length < 3 || recordEnd > body.length) {
        throw corrupt(`length ${length} but ${body.length - cursor.pos} bytes remain`);
      }
      cursor.end = recordEnd;
      cursor.pos++; // attributes
      const timestampDelta = readVarlong(body, cursor, 'timestampDelta');
      const offset = header.baseOffset + readVarlong(body, cursor, 'offsetDelta');
      const time = appendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta;
      if (time >= timestamp && offset >= minOffset) return offset;
      cursor.pos = recordEnd;
    }
  } catch (err) {
    throw corrupt(`record ${i} of batch at offset ${header.baseOffset}: ${(err as Error).message}`);
  }
  return null;
}

/**
 * Decodes the records area of a batch whose header has already been validated. Error
 * messages name the record index and the batch's base offset.
 */
export function decodeRecords(area: Buffer, header: RecordBatchHeader): StoredRecord[] {
  const body = header.compression === 'none' ? area : decompress(header.compression, area);
  const count = header.recordCount;
  const records: StoredRecord[] = new Array(count);
  const cursor: Cursor = { pos: 0, end: body.length };
  const baseOffset = header.baseOffset;
  const appendTime = header.timestampType === 'LogAppendTime';
  let i = 0;
  try {
    for (; i < count; i++) {
      cursor.end = body.length;
      const length = readVarlong(body, cursor, 'length');
      const recordEnd = cursor.pos + length;
      if (length < 1 || recordEnd > body.length) {
        throw corrupt(`length ${length} but ${body.length - cursor.pos} bytes remain`);
      }
      cursor.end = recordEnd;
      cursor.pos++; // attributes: unused in v2
      const timestampDelta = readVarlong(body, cursor, 'timestampDelta');
      const offsetDelta = readVarlong(body, cursor, 'offsetDelta');
      const key = readBytes(body, cursor, 'key');
      const value = readBytes(body, cursor, 'value');
      const headerCount = readVarlong(body, cursor, 'header count');
      let headers: RecordHeader[];
      if (headerCount === 0) {
        headers = [];
      } else {
        headers = readHeaders(body, cursor, headerCount, recordEnd);
      }
      if (cursor.pos !== recordEnd) {
        throw corrupt(
          `declares ${length} bytes but its fields end ${recordEnd - cursor.pos} bytes early`,
        );
      }
      records[i] = {
        offset: baseOffset + offsetDelta,
        timestamp: appendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
        key,
        value,
        headers,
      };
    }
  } catch (err) {
    throw corrupt(`record ${i} of batch at offset ${baseOffset}: ${(err as Error).message}`);
  }
  if (cursor.pos !== body.length) {
    throw corrupt(
      `batch at offset ${baseOffset} has ${body.length - cursor.pos} bytes after its ${count} records`,
    );
  }
  return records;
}

function readHeaders(
  body: Buffer,
  cursor: Cursor,
  count: number,
  recordEnd: number,
): RecordHeader[] {
  if (count < 0 || count > recordEnd - cursor.pos) throw corrupt(`declares ${count} headers`);
  const headers: RecordHeader[] = new Array(count);
  for (let h = 0; h < count; h++) {
    const key = readBytes(body, cursor, 'header key');
    if (key === null) throw corrupt(`header ${h} has a null key`);
    headers[h] = { key: key.toString('utf8'), value: readBytes(body, cursor, 'header value') };
  }
  return headers;
}

function readBytes(buf: Buffer, cursor: Cursor, field: string): Buffer | null {
  const len = readVarlong(buf, cursor, field);
  if (len === -1) return null;
  if (len < -1 || cursor.pos + len > cursor.end) {
    throw corrupt(`${field} has length ${len} but ${cursor.end - cursor.pos} bytes remain`);
  }
  const out = view(buf, cursor.pos, len);
  cursor.pos += len;
  return out;
}

/**
 * Buffer's own view class (what `Buffer#subarray` builds, reached through Symbol.species):
 * constructing it directly skips TypedArray#subarray's species lookup and argument
 * clamping, and makes a record's key/value view about 3× cheaper, the largest cost of
 * decoding small records. The result is an ordinary Buffer (same prototype and class).
 */
const BufferView = (
  Buffer as unknown as Record<
    symbol,
    new (ab: ArrayBufferLike, offset: number, length: number) => Buffer
  >
)[Symbol.species];

/** A Buffer sharing `len` bytes of `buf`'s memory from `start` (bounds already checked). */
function view(buf: Buffer, start: number, len: number): Buffer {
  return new BufferView(buf.buffer, buf.byteOffset + start, len);
}

/**
 * Checks the structure of a batch's records area, decompressed (`body`), without
 * allocating: every record length fits, offset deltas are 0..recordCount-1 in order, and
 * the records fill `body` exactly. Used on append, for every codec, so that a client batch
 * with a valid CRC but malformed records is refused, as Kafka's LogValidator does. Returns
 * the largest timestampDelta (the batch's MaxTimestamp is baseTimestamp plus it). Throws
 * CORRUPT_RECORD naming the record; the caller adds which batch.
 */
export function validateRecords(body: Buffer, recordCount: number): number {
  const end = body.length;
  const cursor: Cursor = { pos: 0, end };
  let maxDelta = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < recordCount; i++) {
    cursor.end = end;
    const length = readVarlong(body, cursor, 'record length');
    const recordEnd = cursor.pos + length;
    if (length < 3 || recordEnd > end) {
      throw corrupt(`record ${i} has length ${length} but ${end - cursor.pos} bytes remain`);
    }
    cursor.end = recordEnd;
    cursor.pos++;
    const timestampDelta = readVarlong(body, cursor, 'timestampDelta');
    if (timestampDelta > maxDelta) maxDelta = timestampDelta;
    const offsetDelta = readVarlong(body, cursor, 'offsetDelta');
    if (offsetDelta !== i) {
      throw corrupt(`record ${i} has offsetDelta ${offsetDelta}, expected ${i}`);
    }
    cursor.pos = recordEnd;
  }
  if (cursor.pos !== end) {
    throw corrupt(`${end - cursor.pos} bytes follow its ${recordCount} records`);
  }
  return maxDelta;
}

/** Offset of the last record of the batch whose header is given. */
export function lastOffsetOf(header: RecordBatchHeader): number {
  return header.baseOffset + header.lastOffsetDelta;
}

/**
 * True for a CreateTime batch whose header leaves MaxTimestamp unset (-1), as sarama 1.22
 * writes: its largest timestamp must be read from its records (`recordsMaxTimestamp`).
 * Appends since the fix store the real value, but segments written before may hold these.
 */
export function hasUnsetMaxTimestamp(header: RecordBatchHeader): boolean {
  return header.timestampType === 'CreateTime' && header.maxTimestamp === -1;
}

/**
 * The batch's largest timestamp: the header's, or for one with an unset MaxTimestamp
 * (`hasUnsetMaxTimestamp`) that of its records, decoded from `buf` at `pos` (the whole
 * batch must be there). Records that no longer decode (disk damage, which the scrub
 * reports) leave the header's value.
 */
export function batchMaxTimestamp(buf: Buffer, pos: number, header: RecordBatchHeader): number {
  if (!hasUnsetMaxTimestamp(header)) return header.maxTimestamp;
  const area = buf.subarray(pos + RECORD_BATCH_OVERHEAD, pos + LOG_OVERHEAD + header.batchLength);
  try {
    const body = decompress(header.compression, area);
    return header.baseTimestamp + validateRecords(body, header.recordCount);
  } catch {
    return header.maxTimestamp;
  }
}
