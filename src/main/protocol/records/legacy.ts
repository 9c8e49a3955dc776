/**
 * Old message formats (magic v0 and v1, "message sets") in both directions:
 *
 *   MessageSet  := (Offset: int64, MessageSize: int32, Message)*
 *   Message v0  := Crc: uint32, Magic: int8 = 0, Attributes: int8, Key: bytes, Value: bytes
 *   Message v1  := Crc: uint32, Magic: int8 = 1, Attributes: int8, Timestamp: int64, Key, Value
 *   Attributes  := compression in bits 0-2; v1 bit 3 = LogAppendTime
 *   Crc         := CRC-32 (IEEE) of everything from Magic to the end of the message
 *
 * A compressed message is a wrapper whose value is a compressed MessageSet of inner
 * messages (v1: inner offsets are relative, the wrapper carries the last one).
 *
 * `legacyToBatch` converts what an old producer sends into one uncompressed RecordBatch v2
 * (what the log stores); `batchesToLegacy` converts stored v2 batches for an old Fetch
 * version (0-3), uncompressed. Both throw CORRUPT_RECORD naming the byte position.
 */
import { crc32 } from '@node-rs/crc32';
import { LogdockError } from '../../../common/errors';
import type { RecordInput, StoredRecord } from '../../storage/api';
import { codecFromId, decompress } from '../../storage/compression';
import { withProperLz4HeaderChecksum } from './lz4-legacy';
import { decodeRecordBatch, encodeRecordBatch, iterateBatches } from '../../storage/record-batch';

export const MAGIC_OFFSET_IN_ENTRY = 16;

function corrupt(message: string): LogdockError {
  return new LogdockError('CORRUPT_RECORD', `old-format message set: ${message}`);
}

/** The magic byte of the first entry of a produce payload (0, 1 or 2), or -1 if too short. */
export function magicOf(records: Buffer): number {
  return records.length > MAGIC_OFFSET_IN_ENTRY ? records.readInt8(MAGIC_OFFSET_IN_ENTRY) : -1;
}

interface LegacyMessage {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number | null;
}

function readBytes(buf: Buffer, pos: number, end: number, what: string): [Buffer | null, number] {
  if (pos + 4 > end) throw corrupt(`truncated ${what} length at byte ${pos}`);
  const len = buf.readInt32BE(pos);
  pos += 4;
  if (len < 0) return [null, pos];
  if (pos + len > end)
    throw corrupt(`${what} of ${len} bytes at byte ${pos} runs past its message`);
  return [buf.subarray(pos, pos + len), pos + len];
}

function parseMessageSet(buf: Buffer, out: LegacyMessage[], depth: number): void {
  let pos = 0;
  while (pos + 12 <= buf.length) {
    const size = buf.readInt32BE(pos + 8);
    const start = pos + 12;
    const end = start + size;
    if (size < 14 || end > buf.length) {
      // A partial trailing message is allowed by the old protocol (fetch responses); stop.
      if (depth > 0 || out.length > 0) return;
      throw corrupt(
        `message at byte ${pos} declares ${size} bytes, ${buf.length - start} available`,
      );
    }
    const crc = buf.readUInt32BE(start);
    if (crc32(buf.subarray(start + 4, end)) >>> 0 !== crc)
      throw corrupt(`CRC mismatch in message at byte ${pos}`);
    const magic = buf.readInt8(start + 4);
    if (magic !== 0 && magic !== 1) throw corrupt(`magic ${magic} at byte ${pos + 16}`);
    const attributes = buf.readInt8(start + 5);
    let p = start + 6;
    let timestamp: number | null = null;
    if (magic === 1) {
      if (p + 8 > end) throw corrupt(`truncated timestamp at byte ${p}`);
      timestamp = Number(buf.readBigInt64BE(p));
      p += 8;
    }
    const [key, afterKey] = readBytes(buf, p, end, 'key');
    const [value] = readBytes(buf, afterKey, end, 'value');
    const codec = codecFromId(attributes & 0x07);
    if (codec === 'none') out.push({ key, value, timestamp });
    else {
      if (depth > 0) throw corrupt('nested compressed message');
      if (!value) throw corrupt(`compressed wrapper at byte ${pos} has no value`);
      const inner: LegacyMessage[] = [];
      const frame = codec === 'lz4' && magic === 0 ? withProperLz4HeaderChecksum(value) : value;
      parseMessageSet(decompress(codec, frame), inner, depth + 1);
      for (const m of inner) out.push({ ...m, timestamp: m.timestamp ?? timestamp });
    }
    pos = end;
  }
  if (pos !== buf.length && depth === 0 && out.length === 0)
    throw corrupt(`trailing ${buf.length - pos} bytes`);
}

/** Converts a v0/v1 message set into one uncompressed RecordBatch v2 with relative offsets. */
export function legacyToBatch(buf: Buffer): Buffer {
  const messages: LegacyMessage[] = [];
  parseMessageSet(buf, messages, 0);
  if (messages.length === 0) throw corrupt('no messages');
  const now = Date.now();
  const records: RecordInput[] = messages.map((m) => ({
    key: m.key,
    value: m.value,
    timestamp: m.timestamp !== null && m.timestamp >= 0 ? m.timestamp : now,
  }));
  return encodeRecordBatch(records);
}

function writeMessage(parts: Buffer[], r: StoredRecord, magic: 0 | 1): void {
  const keyLen = r.key ? r.key.length : 0;
  const valueLen = r.value ? r.value.length : 0;
  const bodyLen = 1 + 1 + (magic === 1 ? 8 : 0) + 4 + keyLen + 4 + valueLen;
  const msg = Buffer.allocUnsafe(12 + 4 + bodyLen);
  msg.writeBigInt64BE(BigInt(r.offset), 0);
  msg.writeInt32BE(4 + bodyLen, 8);
  let p = 16;
  msg.writeInt8(magic, p++);
  msg.writeInt8(0, p++);
  if (magic === 1) {
    msg.writeBigInt64BE(BigInt(r.timestamp), p);
    p += 8;
  }
  msg.writeInt32BE(r.key ? keyLen : -1, p);
  p += 4;
  if (r.key) p += r.key.copy(msg, p);
  msg.writeInt32BE(r.value ? valueLen : -1, p);
  p += 4;
  if (r.value) p += r.value.copy(msg, p);
  msg.writeUInt32BE(crc32(msg.subarray(16)) >>> 0, 12);
  parts.push(msg);
}

/**
 * Down-converts stored v2 batches (decompressing them) into a v0/v1 message set holding
 * the records at or after `fromOffset`. Control batches (transaction markers) are dropped.
 */
export function batchesToLegacy(batches: Buffer, magic: 0 | 1, fromOffset: number): Buffer {
  const parts: Buffer[] = [];
  for (const { header, position, size } of iterateBatches(batches)) {
    if (header.isControl) continue;
    const { records } = decodeRecordBatch(batches.subarray(position, position + size));
    for (const r of records) if (r.offset >= fromOffset) writeMessage(parts, r, magic);
  }
  return Buffer.concat(parts);
}
