/**
 * Zig-zag varints as Kafka's record format uses them (protobuf encoding: 7 bits per byte,
 * least significant group first, high bit = "more follows"). `varint` fields are 32-bit,
 * `varlong` fields 64-bit; both are handled here as JS numbers, exact within ±2^52 (the
 * zig-zag form doubles the magnitude), which covers every length, offset delta and
 * timestamp delta. Readers never allocate: they
 * return the value and leave the new position in `cursor.pos`.
 */
import { LogdockError } from '../../common/errors';

/** A read position shared by the decoding helpers (mutated in place to avoid allocation). */
export interface Cursor {
  pos: number;
  /** Exclusive end of the readable region. */
  end: number;
}

const TWO_32 = 4294967296;

/**
 * Reads a zig-zag varlong at `cursor.pos`. Throws CORRUPT_RECORD when it runs past
 * `cursor.end` or is longer than 10 bytes; `what` names the field in the message.
 */
export function readVarlong(buf: Buffer, cursor: Cursor, what: string): number {
  // Fast path, small enough for V8 to inline into decoding loops: one or two bytes
  // (|value| < 2^13), which covers the lengths and deltas of most records.
  const pos = cursor.pos;
  if (pos + 2 <= cursor.end) {
    const b0 = buf[pos];
    if (b0 < 0x80) {
      cursor.pos = pos + 1;
      return (b0 >>> 1) ^ -(b0 & 1);
    }
    const b1 = buf[pos + 1];
    if (b1 < 0x80) {
      const v = (b0 & 0x7f) | (b1 << 7);
      cursor.pos = pos + 2;
      return (v >>> 1) ^ -(v & 1);
    }
  }
  return readLongVarlong(buf, cursor, what);
}

/** readVarlong's general case: any length up to 10 bytes, and the error reports. */
function readLongVarlong(buf: Buffer, cursor: Cursor, what: string): number {
  let pos = cursor.pos;
  const end = cursor.end;
  // Fast path: up to three bytes (|value| < 2^20, every length and delta of ordinary
  // records) with 32-bit integer operations.
  let small = 0;
  for (let i = 0, shift = 0; i < 3 && pos + i < end; i++, shift += 7) {
    const b = buf[pos + i];
    small |= (b & 0x7f) << shift;
    if (b < 0x80) {
      cursor.pos = pos + i + 1;
      return (small >>> 1) ^ -(small & 1);
    }
  }
  let raw = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) {
      throw new LogdockError('CORRUPT_RECORD', `truncated varint in ${what} at byte ${pos}`);
    }
    const b = buf[pos++];
    raw += (b & 0x7f) * mul;
    if (b < 0x80) {
      cursor.pos = pos;
      // Zig-zag decode without 32-bit bit operations (values may exceed 2^31).
      return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    }
    mul *= 128;
  }
  throw new LogdockError(
    'CORRUPT_RECORD',
    `varint longer than 10 bytes in ${what} at byte ${cursor.pos}`,
  );
}

/** Number of bytes `writeVarlong` needs for `value`. */
export function varlongSize(value: number): number {
  let raw = value >= 0 ? value * 2 : -value * 2 - 1;
  let n = 1;
  while (raw >= 128) {
    raw = Math.floor(raw / 128);
    n++;
  }
  return n;
}

/** Writes `value` zig-zag encoded at `pos`; returns the position after it. */
export function writeVarlong(buf: Buffer, pos: number, value: number): number {
  let raw = value >= 0 ? value * 2 : -value * 2 - 1;
  while (raw >= 128) {
    buf[pos++] = (raw % 128) | 0x80;
    raw = Math.floor(raw / 128);
  }
  buf[pos++] = raw;
  return pos;
}

/** Reads a big-endian signed int64 as a number (exact up to 2^53). */
export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}

/** Writes a number as a big-endian signed int64 (negative values included). */
export function writeInt64(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  const lo = value - hi * TWO_32;
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(lo, pos + 4);
}
