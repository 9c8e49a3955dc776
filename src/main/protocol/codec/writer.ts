/**
 * Writes Kafka's primitive types into a list of chunks. Small values go into a growing
 * scratch buffer; large byte fields (record batches from the log) are appended by
 * reference, so a Fetch response sends stored batches to the socket without copying them.
 * Not shared between responses.
 */
const INLINE_LIMIT = 4096;

export class Writer {
  private buf: Buffer;
  private pos = 0;
  private readonly chunks: Buffer[] = [];
  private flushedBytes = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushedBytes + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n, 256));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  writeInt8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos++);
    return this;
  }

  writeUInt8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  writeBool(v: boolean): this {
    return this.writeInt8(v ? 1 : 0);
  }

  writeInt16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  writeUInt16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  writeInt32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  writeUInt32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  writeInt64(v: number | bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(BigInt(v), this.pos);
    this.pos += 8;
    return this;
  }

  writeFloat64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  writeUVarint(v: number): this {
    this.ensure(5);
    let value = v >>> 0;
    while (value >= 0x80) {
      this.buf[this.pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buf[this.pos++] = value;
    return this;
  }

  writeVarint(v: number): this {
    return this.writeUVarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** Appends bytes; large buffers are kept by reference (do not mutate them afterwards). */
  writeRaw(b: Buffer): this {
    if (b.length >= INLINE_LIMIT) {
      this.chunks.push(this.buf.subarray(0, this.pos));
      this.flushedBytes += this.pos;
      this.buf = this.buf.subarray(this.pos);
      this.pos = 0;
      this.chunks.push(b);
      this.flushedBytes += b.length;
      return this;
    }
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
    return this;
  }

  writeNullableString(s: string | null): this {
    if (s === null) return this.writeInt16(-1);
    const b = Buffer.from(s, 'utf8');
    return this.writeInt16(b.length).writeRaw(b);
  }

  writeCompactNullableString(s: string | null): this {
    if (s === null) return this.writeUVarint(0);
    const b = Buffer.from(s, 'utf8');
    return this.writeUVarint(b.length + 1).writeRaw(b);
  }

  writeNullableBytes(b: Buffer | null): this {
    if (b === null) return this.writeInt32(-1);
    return this.writeInt32(b.length).writeRaw(b);
  }

  writeCompactNullableBytes(b: Buffer | null): this {
    if (b === null) return this.writeUVarint(0);
    return this.writeUVarint(b.length + 1).writeRaw(b);
  }

  writeArrayLength(n: number | null, compact: boolean): this {
    if (compact) return this.writeUVarint(n === null ? 0 : n + 1);
    return this.writeInt32(n === null ? -1 : n);
  }

  /** The written bytes as chunks (for `socket.write` one by one, no concatenation). */
  toChunks(): Buffer[] {
    return this.pos > 0 ? [...this.chunks, this.buf.subarray(0, this.pos)] : [...this.chunks];
  }

  /** The written bytes as one buffer (copies when there is more than one chunk). */
  toBuffer(): Buffer {
    const chunks = this.toChunks();
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  }
}
