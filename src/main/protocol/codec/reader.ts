import { LogdockError } from '../../../common/errors';

/**
 * Reads Kafka's primitive types from one request frame. Every length read from the wire is
 * checked against the bytes that remain before anything is allocated, so a hostile length
 * can never make the server allocate more than the frame it already holds (itself bounded
 * by the server's maximum request size). Failures throw `LogdockError('INVALID_ARGUMENT')`
 * naming the field being read and the position. Not shared between requests.
 */
export class Reader {
  private pos: number;

  constructor(
    readonly buffer: Buffer,
    start = 0,
    private readonly end = buffer.length,
  ) {
    this.pos = start;
  }

  get position(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless `n` more bytes are available; `what` names the field for the message. */
  need(n: number, what: string): void {
    if (n < 0 || n > this.end - this.pos) {
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `malformed request: ${what} needs ${n} bytes at position ${this.pos}, ${this.end - this.pos} left`,
      );
    }
  }

  readInt8(what = 'int8'): number {
    this.need(1, what);
    return this.buffer.readInt8(this.pos++);
  }

  readUInt8(what = 'uint8'): number {
    this.need(1, what);
    return this.buffer[this.pos++];
  }

  readBool(what = 'bool'): boolean {
    return this.readInt8(what) !== 0;
  }

  readInt16(what = 'int16'): number {
    this.need(2, what);
    const v = this.buffer.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  peekInt16(what = 'int16'): number {
    this.need(2, what);
    return this.buffer.readInt16BE(this.pos);
  }

  readUInt16(what = 'uint16'): number {
    this.need(2, what);
    const v = this.buffer.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  readInt32(what = 'int32'): number {
    this.need(4, what);
    const v = this.buffer.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  peekInt32(what = 'int32'): number {
    this.need(4, what);
    return this.buffer.readInt32BE(this.pos);
  }

  readUInt32(what = 'uint32'): number {
    this.need(4, what);
    const v = this.buffer.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** int64 as a JS number: offsets, timestamps and producer ids stay far below 2^53. */
  readInt64(what = 'int64'): number {
    this.need(8, what);
    const hi = this.buffer.readInt32BE(this.pos);
    const lo = this.buffer.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return hi * 0x1_0000_0000 + lo;
  }

  readFloat64(what = 'float64'): number {
    this.need(8, what);
    const v = this.buffer.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  readUuid(what = 'uuid'): Buffer {
    return this.readRaw(16, what);
  }

  /** Unsigned LEB128 varint, at most 5 bytes (32 bits), as Kafka's ByteUtils. */
  readUVarint(what = 'uvarint'): number {
    let value = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      const b = this.readUInt8(what);
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `malformed request: ${what} varint longer than 5 bytes at position ${this.pos}`,
    );
  }

  /** Zig-zag signed varint (record fields). */
  readVarint(what = 'varint'): number {
    const u = this.readUVarint(what);
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** A slice of the frame (no copy). */
  readRaw(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const v = this.buffer.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number, what = 'skipped bytes'): void {
    this.need(n, what);
    this.pos += n;
  }

  /** int16-length string; -1 is null. */
  readNullableString(what = 'string'): string | null {
    const len = this.readInt16(what);
    if (len < 0) return null;
    return this.readRaw(len, what).toString('utf8');
  }

  /** uvarint(length+1) string; 0 is null. */
  readCompactNullableString(what = 'compact string'): string | null {
    const len = this.readUVarint(what) - 1;
    if (len < 0) return null;
    return this.readRaw(len, what).toString('utf8');
  }

  /** int32-length bytes; -1 is null. */
  readNullableBytes(what = 'bytes'): Buffer | null {
    const len = this.readInt32(what);
    if (len < 0) return null;
    return this.readRaw(len, what);
  }

  readCompactNullableBytes(what = 'compact bytes'): Buffer | null {
    const len = this.readUVarint(what) - 1;
    if (len < 0) return null;
    return this.readRaw(len, what);
  }

  /**
   * Reads an array length (int32 or compact uvarint+1) and checks it against the bytes left,
   * so that a forged count cannot make a decoder loop or allocate beyond the frame: every
   * element takes at least one byte, except elements of empty structs, which we bound too.
   */
  readArrayLength(compact: boolean, what = 'array'): number | null {
    const n = compact ? this.readUVarint(what) - 1 : this.readInt32(what);
    if (n < 0) return null;
    if (n > this.remaining) {
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `malformed request: ${what} claims ${n} elements at position ${this.pos}, only ${this.remaining} bytes left`,
      );
    }
    return n;
  }

  /** The count of a tagged-field section (a plain uvarint), bounded by the bytes left. */
  readTaggedCount(what = 'tagged fields'): number {
    const n = this.readUVarint(what);
    if (n > this.remaining) {
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `malformed request: ${what} claims ${n} tagged fields at position ${this.pos}, only ${this.remaining} bytes left`,
      );
    }
    return n;
  }

  /** Hex dump around the current position, for failure messages and debugging. */
  inspect(around = 32): string {
    const from = Math.max(0, this.pos - around);
    const to = Math.min(this.end, this.pos + around);
    const hex = this.buffer.subarray(from, to).toString('hex').replace(/(..)/g, '$1 ').trim();
    return `Reader(pos=${this.pos}, remaining=${this.remaining}) [${from}..${to}): ${hex}`;
  }
}
