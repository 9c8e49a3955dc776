/**
 * RecordBatch v2 bytes (docs/format: Kafka's record batch) for one partition, written
 * field by field for `cluster.appendBatches`: no ProduceRecord, header object or Buffer
 * per field, and no second encoding pass in the broker. A record is built in two scratch
 * buffers (key and value, then headers, whose count and total length are only known at
 * the end) and copied into the open batch by `commit`, so a record can be dropped half
 * built (rejected) by calling `begin` again. Batches are closed at `maxBatchBytes` (a
 * record larger than that gets a batch of its own).
 *
 *   record := length:varint attributes:int8=0 timestampDelta:varlong offsetDelta:varint
 *             keyLength:varint key valueLength:varint value headerCount:varint header*
 *   header := keyLength:varint key valueLength:varint value
 */
import {
  RECORD_BATCH_OVERHEAD,
  writeBatchCrc,
  writePlainBatchHeader,
} from '../../storage/record-batch';
import { varlongSize, writeVarlong } from '../../storage/varint';

/** A header key with its length varint, encoded once. */
export interface HeaderKey {
  bytes: Buffer;
  /** The key's own length (what counts towards a record's size). */
  length: number;
}

/** A whole header (key and value) encoded once, for values that repeat. */
export interface EncodedHeader {
  bytes: Buffer;
  /** Key and value lengths together. */
  payload: number;
}

export function headerKey(key: string): HeaderKey {
  const k = Buffer.from(key);
  const bytes = Buffer.allocUnsafe(varlongSize(k.length) + k.length);
  k.copy(bytes, writeVarlong(bytes, 0, k.length));
  return { bytes, length: k.length };
}

export function encodeHeader(key: string, value: string | Buffer): EncodedHeader {
  const k = headerKey(key);
  const v = typeof value === 'string' ? Buffer.from(value) : value;
  const bytes = Buffer.allocUnsafe(k.bytes.length + varlongSize(v.length) + v.length);
  k.bytes.copy(bytes);
  v.copy(bytes, writeVarlong(bytes, k.bytes.length, v.length));
  return { bytes, payload: k.length + v.length };
}

/**
 * A text field of a log record: a string (decoded requests) or, when `text` is null,
 * UTF-8 bytes `src[start, end)` of the request itself (the protobuf wire reader), copied
 * without ever becoming a string.
 */
export class Text {
  text: string | null = '';
  src: Uint8Array = EMPTY;
  start = 0;
  end = 0;

  setText(text: string): this {
    this.text = text;
    return this;
  }

  setBytes(src: Uint8Array, start: number, end: number): this {
    this.text = null;
    this.src = src;
    this.start = start;
    this.end = end;
    return this;
  }

  get isEmpty(): boolean {
    return this.text === null ? this.end === this.start : this.text === '';
  }

  toString(): string {
    if (this.text !== null) return this.text;
    const { buffer, byteOffset } = this.src;
    return Buffer.from(buffer, byteOffset + this.start, this.end - this.start).toString('utf8');
  }
}

const EMPTY = new Uint8Array(0);

/** A growable byte area written at `pos`. */
class Area {
  buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }

  varint(n: number): void {
    this.room(10);
    this.pos = writeVarlong(this.buf, this.pos, n);
  }

  /** `src[start, end)` with its length first. */
  sized(src: Uint8Array, start: number, end: number): void {
    this.room(end - start + 5);
    this.pos = writeVarlong(this.buf, this.pos, end - start);
    this.copy(src, start, end);
  }

  /** `src[start, end)`, room already made. */
  copy(src: Uint8Array, start: number, end: number): void {
    const buf = this.buf;
    let pos = this.pos;
    // Short fields (most of them) byte by byte: a view for TypedArray#set costs more.
    if (end - start < 48) for (let i = start; i < end; i++) buf[pos++] = src[i];
    else {
      buf.set(src.subarray(start, end), pos);
      pos += end - start;
    }
    this.pos = pos;
  }

  /** `prefix` then the decimal digits of `n` (a non-negative integer), with their length first. */
  sizedDigits(prefix: Buffer, n: number): number {
    const digits = n < 10 ? 1 : Math.floor(Math.log10(n)) + 1;
    const length = prefix.length + digits;
    this.room(length + 5);
    this.pos = writeVarlong(this.buf, this.pos, length);
    this.copy(prefix, 0, prefix.length);
    for (let i = this.pos + digits - 1; i >= this.pos; i--) {
      const q = Math.floor(n / 10);
      this.buf[i] = 48 + n - q * 10;
      n = q;
    }
    this.pos += digits;
    return length;
  }

  /** `text` as UTF-8 with its length first; returns the byte length. */
  sizedText(text: string): number {
    // Room for the worst case (3 bytes per UTF-16 unit), so one write does it.
    this.room(text.length * 3 + 5);
    const length = text.length < 64 && isAscii(text) ? text.length : Buffer.byteLength(text);
    this.pos = writeVarlong(this.buf, this.pos, length);
    this.pos += this.buf.write(text, this.pos, length);
    return length;
  }

  raw(bytes: Buffer): void {
    this.room(bytes.length);
    this.copy(bytes, 0, bytes.length);
  }
}

const HEX = Buffer.from('0123456789abcdef');

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

export class RecordBatchWriter {
  private readonly out: Area;
  private readonly body = new Area(1024);
  private readonly headers = new Area(1024);
  private headerCount = 0;
  /** Bytes of value and headers (keys and values) of the record being built. */
  payload = 0;
  private time = 0;
  /** The open batch: where it starts (-1: none), its base and max timestamps, records. */
  private batchStart = -1;
  private base = 0;
  private maxTime = 0;
  private inBatch = 0;
  /** Records committed so far. */
  records = 0;

  constructor(
    private readonly maxBatchBytes: number,
    initialBytes = 64 * 1024,
  ) {
    this.out = new Area(initialBytes);
  }

  /** Starts a record (dropping one begun and not committed); the value comes next. */
  begin(timestamp: number, key: Buffer | null): void {
    this.time = timestamp;
    this.body.pos = 0;
    this.headers.pos = 0;
    this.headerCount = 0;
    this.payload = 0;
    if (key === null) this.body.varint(-1);
    else this.body.sized(key, 0, key.length);
  }

  valueBytes(src: Uint8Array, start: number, end: number): void {
    this.body.sized(src, start, end);
    this.payload += end - start;
  }

  valueText(text: string): void {
    this.payload += this.body.sizedText(text);
  }

  value(v: Text): void {
    if (v.text === null) this.valueBytes(v.src, v.start, v.end);
    else this.valueText(v.text);
  }

  header(h: EncodedHeader): void {
    this.headers.raw(h.bytes);
    this.headerCount++;
    this.payload += h.payload;
  }

  headerBytes(key: HeaderKey, src: Uint8Array, start: number, end: number): void {
    this.headers.raw(key.bytes);
    this.headers.sized(src, start, end);
    this.headerCount++;
    this.payload += key.length + end - start;
  }

  headerText(key: HeaderKey, text: string): void {
    this.headers.raw(key.bytes);
    this.payload += key.length + this.headers.sizedText(text);
    this.headerCount++;
  }

  /** A header whose value is `prefix` followed by the digits of `n`. */
  headerDigits(key: HeaderKey, prefix: Buffer, n: number): void {
    this.headers.raw(key.bytes);
    this.payload += key.length + this.headers.sizedDigits(prefix, n);
    this.headerCount++;
  }

  headerField(key: HeaderKey, value: Text): void {
    if (value.text === null) this.headerBytes(key, value.src, value.start, value.end);
    else this.headerText(key, value.text);
  }

  /** A header whose key is `prefix` followed by `key` (`attr.<key>`). */
  headerPrefixed(prefix: Buffer, key: Text, value: Text): void {
    const h = this.headers;
    if (key.text === null) {
      h.varint(prefix.length + key.end - key.start);
      h.raw(prefix);
      h.room(key.end - key.start);
      h.copy(key.src, key.start, key.end);
      this.payload += prefix.length + key.end - key.start;
    } else {
      const length = Buffer.byteLength(key.text);
      h.varint(prefix.length + length);
      h.raw(prefix);
      h.room(length);
      h.pos += h.buf.write(key.text, h.pos);
      this.payload += prefix.length + length;
    }
    if (value.text === null) {
      h.sized(value.src, value.start, value.end);
      this.payload += value.end - value.start;
    } else {
      this.payload += h.sizedText(value.text);
    }
    this.headerCount++;
  }

  /** A header whose value is the hex text of `src[start, end)` (trace and span ids). */
  headerHex(key: HeaderKey, src: Uint8Array, start: number, end: number): void {
    const h = this.headers;
    const n = (end - start) * 2;
    h.raw(key.bytes);
    h.varint(n);
    h.room(n);
    for (let i = start; i < end; i++) {
      h.buf[h.pos++] = HEX[src[i] >> 4];
      h.buf[h.pos++] = HEX[src[i] & 15];
    }
    this.headerCount++;
    this.payload += key.length + n;
  }

  /** Adds the record begun last to the open batch (or to a new one when it is full). */
  commit(): void {
    let size = this.recordSize();
    if (this.batchStart >= 0 && this.out.pos + varlongSize(size) + size > this.batchEnd()) {
      this.closeBatch();
    }
    if (this.batchStart < 0) {
      this.out.room(RECORD_BATCH_OVERHEAD);
      this.batchStart = this.out.pos;
      this.out.pos += RECORD_BATCH_OVERHEAD;
      this.base = this.maxTime = this.time;
      this.inBatch = 0;
      size = this.recordSize();
    }
    const out = this.out;
    out.room(size + 10);
    let pos = writeVarlong(out.buf, out.pos, size);
    out.buf[pos++] = 0; // attributes
    pos = writeVarlong(out.buf, pos, this.time - this.base);
    pos = writeVarlong(out.buf, pos, this.inBatch);
    pos += this.body.buf.copy(out.buf, pos, 0, this.body.pos);
    pos = writeVarlong(out.buf, pos, this.headerCount);
    out.pos = pos + this.headers.buf.copy(out.buf, pos, 0, this.headers.pos);
    if (this.time > this.maxTime) this.maxTime = this.time;
    this.inBatch++;
    this.records++;
  }

  /** Every batch written, the open one closed (the writer is done with). */
  take(): Buffer {
    this.closeBatch();
    return this.out.buf.subarray(0, this.out.pos);
  }

  private batchEnd(): number {
    return this.batchStart + this.maxBatchBytes;
  }

  private recordSize(): number {
    return (
      1 +
      varlongSize(this.time - this.base) +
      varlongSize(this.inBatch) +
      this.body.pos +
      varlongSize(this.headerCount) +
      this.headers.pos
    );
  }

  private closeBatch(): void {
    if (this.batchStart < 0) return;
    writePlainBatchHeader(this.out.buf, this.batchStart, {
      bytes: this.out.pos - this.batchStart,
      count: this.inBatch,
      baseTimestamp: this.base,
      maxTimestamp: this.maxTime,
    });
    writeBatchCrc(this.out.buf, this.batchStart);
    this.batchStart = -1;
  }
}
