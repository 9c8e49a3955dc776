import { LogdockError } from '../../common/errors';

/**
 * Big-endian writer and reader for Kafka's classic (non-flexible) encoding, enough for the
 * consumer-protocol payloads and the `__consumer_offsets` records: int16/32/64, strings with
 * an int16 length (-1 = null), bytes with an int32 length (-1 = null), arrays with an int32
 * count. Offsets and timestamps are JS numbers (exact up to 2^53).
 */
export class WireWriter {
  private readonly chunks: Buffer[] = [];

  int16(v: number): this {
    const b = Buffer.allocUnsafe(2);
    b.writeInt16BE(v);
    this.chunks.push(b);
    return this;
  }

  int32(v: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(v);
    this.chunks.push(b);
    return this;
  }

  int64(v: number): this {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64BE(BigInt(v));
    this.chunks.push(b);
    return this;
  }

  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const bytes = Buffer.from(v, 'utf8');
    this.int16(bytes.length);
    this.chunks.push(bytes);
    return this;
  }

  bytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1);
    this.int32(v.length);
    this.chunks.push(v);
    return this;
  }

  array<T>(items: readonly T[], each: (item: T, w: this) => void): this {
    this.int32(items.length);
    for (const item of items) each(item, this);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export class WireReader {
  private pos = 0;

  /** `what` names the structure being decoded, for error messages. */
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, field: string): void {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw new LogdockError(
        'CORRUPT_RECORD',
        `${this.what}: field ${field} needs ${n} bytes at position ${this.pos} but only ${this.remaining} remain (${this.inspect()})`,
      );
    }
  }

  int16(field: string): number {
    this.need(2, field);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(field: string): number {
    this.need(4, field);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(field: string): number {
    this.need(8, field);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return Number(v);
  }

  nullableString(field: string): string | null {
    const len = this.int16(field);
    if (len === -1) return null;
    this.need(len, field);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  string(field: string): string {
    const s = this.nullableString(field);
    if (s === null) {
      throw new LogdockError(
        'CORRUPT_RECORD',
        `${this.what}: field ${field} is null but must not be`,
      );
    }
    return s;
  }

  nullableBytes(field: string): Buffer | null {
    const len = this.int32(field);
    if (len === -1) return null;
    this.need(len, field);
    const b = Buffer.from(this.buf.subarray(this.pos, this.pos + len));
    this.pos += len;
    return b;
  }

  bytes(field: string): Buffer {
    return this.nullableBytes(field) ?? Buffer.alloc(0);
  }

  array<T>(field: string, each: (r: this) => T): T[] {
    const n = this.int32(field);
    if (n === -1) return [];
    // Each element takes at least one byte: reject absurd counts before allocating.
    this.need(n < 0 ? -1 : Math.min(n, 1), field);
    if (n > this.remaining) this.need(n, field);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(each(this));
    return out;
  }

  /** Hex of the whole buffer (truncated) with the current position marked, for messages. */
  inspect(): string {
    const hex = this.buf.subarray(0, 64).toString('hex');
    return `${this.buf.length} bytes ${hex}${this.buf.length > 64 ? '…' : ''}, at ${this.pos}`;
  }
}
