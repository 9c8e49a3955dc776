/**
 * A protobuf wire-format reader over one buffer (https://protobuf.dev/programming-guides/encoding/):
 * tags, varints, fixed-width numbers and length-delimited fields, read in place so a
 * decoder can keep byte ranges instead of building objects and strings. Everything is
 * bounds-checked against the end of the enclosing message; malformed input throws
 * ProtoError. Strings are checked to be UTF-8, as protobufjs's decoder requires.
 */
import { isUtf8 } from 'node:buffer';

export class ProtoError extends Error {}

export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH = 2;
export const FIXED32 = 5;
const START_GROUP = 3;
const END_GROUP = 4;
const TWO_32 = 4294967296;

export class WireReader {
  pos = 0;
  /** High 32 bits of the last varint read. */
  hi = 0;

  constructor(readonly buf: Buffer) {}

  /** A varint's low 32 bits (unsigned); the high ones are left in `hi`. */
  varint(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    this.hi = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw this.truncated();
      const b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return lo >>> 0;
      }
    }
    if (pos >= end) throw this.truncated();
    let b = buf[pos++];
    lo |= (b & 0x7f) << 28;
    let hi = (b & 0x7f) >> 4;
    for (let shift = 3; b >= 0x80; shift += 7) {
      if (shift > 31) throw new ProtoError(`varint longer than 10 bytes at byte ${this.pos}`);
      if (pos >= end) throw this.truncated();
      b = buf[pos++];
      hi |= (b & 0x7f) << shift;
    }
    this.pos = pos;
    this.hi = hi >>> 0;
    return lo >>> 0;
  }

  /** A varint as a signed 64-bit number (int64), exact up to 2^53. */
  int64(end: number): number {
    const lo = this.varint(end);
    return (this.hi | 0) * TWO_32 + lo;
  }

  fixed32(end: number): number {
    if (this.pos + 4 > end) throw this.truncated();
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** An unsigned fixed64, exact up to 2^53. */
  fixed64(end: number): number {
    if (this.pos + 8 > end) throw this.truncated();
    const v = this.buf.readUInt32LE(this.pos) + this.buf.readUInt32LE(this.pos + 4) * TWO_32;
    this.pos += 8;
    return v;
  }

  double(end: number): number {
    if (this.pos + 8 > end) throw this.truncated();
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A tag: field number << 3 | wire type. */
  tag(end: number): number {
    const tag = this.varint(end);
    if (tag >>> 3 === 0) throw new ProtoError(`field number 0 at byte ${this.pos}`);
    return tag;
  }

  /** Reads a length prefix; the field's bytes are [pos, returned end). */
  length(end: number): number {
    const n = this.varint(end);
    if (this.hi !== 0 || this.pos + n > end) throw this.truncated();
    return this.pos + n;
  }

  /** A string field's end, after checking its bytes are UTF-8. */
  string(end: number): number {
    const e = this.length(end);
    const buf = this.buf;
    for (let i = this.pos; i < e; i++) {
      if (buf[i] >= 0x80) {
        if (!isUtf8(buf.subarray(this.pos, e)))
          throw new ProtoError(`invalid UTF-8 in a string at byte ${this.pos}`);
        break;
      }
    }
    return e;
  }

  /** Checks that a known field came with the wire type its declaration gives. */
  expect(tag: number, wireType: number): void {
    if ((tag & 7) !== wireType)
      throw new ProtoError(
        `field ${tag >>> 3} has wire type ${tag & 7} (${wireType} expected) at byte ${this.pos}`,
      );
  }

  /** Skips the value of a field not read (unknown fields are allowed, as protobuf requires). */
  skip(tag: number, end: number, depth = 0): void {
    switch (tag & 7) {
      case VARINT:
        this.varint(end);
        return;
      case FIXED64:
        this.advance(8, end);
        return;
      case LENGTH:
        this.pos = this.length(end);
        return;
      case FIXED32:
        this.advance(4, end);
        return;
      case START_GROUP:
        if (depth > 32) throw new ProtoError(`groups nested too deep at byte ${this.pos}`);
        for (;;) {
          const inner = this.tag(end);
          if ((inner & 7) === END_GROUP) {
            if (inner >>> 3 !== tag >>> 3)
              throw new ProtoError(`unmatched end group at byte ${this.pos}`);
            return;
          }
          this.skip(inner, end, depth + 1);
        }
      default:
        throw new ProtoError(`invalid wire type ${tag & 7} at byte ${this.pos}`);
    }
  }

  private advance(n: number, end: number): void {
    if (this.pos + n > end) throw this.truncated();
    this.pos += n;
  }

  private truncated(): ProtoError {
    return new ProtoError(`truncated field at byte ${this.pos}`);
  }
}
