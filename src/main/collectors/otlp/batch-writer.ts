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
  encodeRecordHeader,
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
  const payload =
    Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : value.length);
  return { bytes: encodeRecordHeader(key, value), payload };
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
    const buf = this.buf;
    if (text.length < 64) {
      // Short ASCII text (most header values) byte by byte, behind its 1-byte length.
      let pos = this.pos + 1;
      let i = 0;
      for (; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c > 0x7f) break;
        buf[pos++] = c;
      }
      if (i === text.length) {
        buf[this.pos] = text.length * 2; // zig-zag varint of a length below 64
        this.pos = pos;
        return text.length;
      }
    }
    const length = Buffer.byteLength(text);
    this.pos = writeVarlong(buf, this.pos, length);
    this.pos += buf.write(text, this.pos, length);
    return length;
  }

  raw(bytes: Buffer): void {
    this.room(bytes.length);
    this.copy(bytes, 0, bytes.length);
  }
}

/** Most a record's prefix can take: length (5), attributes (1), timestamp delta (10), offset delta (5). */
const PREFIX_ROOM = 21;
const HEX = Buffer.from('0123456789abcdef');

export class RecordBatchWriter {
  private readonly out: Area;
  /** End of the last committed record: a record not committed is dropped from here. */
  private committed = 0;
  /** The record being built: where it starts, where its key starts, its header count byte. */
  private recordStart = 0;
  private bodyStart = 0;
  private countAt = 0;
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

  /**
   * Starts a record (dropping one begun and not committed); the value comes next. The
   * record is written in place after room for its prefix (length, attributes, deltas),
   * which `commit` fills in once the size is known, moving the rest up to meet it.
   */
  begin(timestamp: number, key: Buffer | null): void {
    const out = this.out;
    this.time = timestamp;
    this.headerCount = 0;
    this.payload = 0;
    this.recordStart = this.committed;
    this.bodyStart = this.committed + PREFIX_ROOM;
    out.pos = this.bodyStart;
    out.room(PREFIX_ROOM);
    if (key === null) out.varint(-1);
    else out.sized(key, 0, key.length);
  }

  valueBytes(src: Uint8Array, start: number, end: number): void {
    this.out.sized(src, start, end);
    this.payload += end - start;
    this.reserveCount();
  }

  valueText(text: string): void {
    this.payload += this.out.sizedText(text);
    this.reserveCount();
  }

  /** One byte for the header count (up to 63; `commit` makes more room if needed). */
  private reserveCount(): void {
    this.out.room(1);
    this.countAt = this.out.pos++;
  }

  value(v: Text): void {
    if (v.text === null) this.valueBytes(v.src, v.start, v.end);
    else this.valueText(v.text);
  }

  header(h: EncodedHeader): void {
    this.out.raw(h.bytes);
    this.headerCount++;
    this.payload += h.payload;
  }

  headerBytes(key: HeaderKey, src: Uint8Array, start: number, end: number): void {
    this.out.raw(key.bytes);
    this.out.sized(src, start, end);
    this.headerCount++;
    this.payload += key.length + end - start;
  }

  headerText(key: HeaderKey, text: string): void {
    this.out.raw(key.bytes);
    this.payload += key.length + this.out.sizedText(text);
    this.headerCount++;
  }

  /** A header whose value is `prefix` followed by the digits of `n`. */
  headerDigits(key: HeaderKey, prefix: Buffer, n: number): void {
    this.out.raw(key.bytes);
    this.payload += key.length + this.out.sizedDigits(prefix, n);
    this.headerCount++;
  }

  headerField(key: HeaderKey, value: Text): void {
    if (value.text === null) this.headerBytes(key, value.src, value.start, value.end);
    else this.headerText(key, value.text);
  }

  /** A header whose key is `prefix` followed by `key` (`attr.<key>`). */
  headerPrefixed(prefix: Buffer, key: Text, value: Text): void {
    const h = this.out;
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
    const h = this.out;
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
    const out = this.out;
    if (this.headerCount > 63) {
      // The count takes more than the byte kept for it: move the headers up.
      const extra = varlongSize(this.headerCount) - 1;
      out.room(extra);
      out.buf.copyWithin(this.countAt + 1 + extra, this.countAt + 1, out.pos);
      out.pos += extra;
    }
    writeVarlong(out.buf, this.countAt, this.headerCount);
    let size = this.recordSize();
    if (this.batchStart >= 0 && this.recordStart + varlongSize(size) + size > this.batchEnd())
      this.closeBatch();
    if (this.batchStart < 0) {
      // Room for the batch header before the record.
      out.room(RECORD_BATCH_OVERHEAD);
      out.buf.copyWithin(this.bodyStart + RECORD_BATCH_OVERHEAD, this.bodyStart, out.pos);
      out.pos += RECORD_BATCH_OVERHEAD;
      this.batchStart = this.recordStart;
      this.recordStart += RECORD_BATCH_OVERHEAD;
      this.bodyStart += RECORD_BATCH_OVERHEAD;
      this.base = this.maxTime = this.time;
      this.inBatch = 0;
      size = this.recordSize();
    }
    let pos = writeVarlong(out.buf, this.recordStart, size);
    out.buf[pos++] = 0; // attributes
    pos = writeVarlong(out.buf, pos, this.time - this.base);
    pos = writeVarlong(out.buf, pos, this.inBatch);
    out.buf.copyWithin(pos, this.bodyStart, out.pos);
    out.pos = this.committed = pos + out.pos - this.bodyStart;
    if (this.time > this.maxTime) this.maxTime = this.time;
    this.inBatch++;
    this.records++;
  }

  /** Every batch written, the open one closed (the writer is done with). */
  take(): Buffer {
    this.out.pos = this.committed;
    this.closeBatch();
    return this.out.buf.subarray(0, this.committed);
  }

  private batchEnd(): number {
    return this.batchStart + this.maxBatchBytes;
  }

  /** The record's size after its length: attributes, deltas, key, value, headers. */
  private recordSize(): number {
    return (
      1 +
      varlongSize(this.time - this.base) +
      varlongSize(this.inBatch) +
      this.out.pos -
      this.bodyStart
    );
  }

  private closeBatch(): void {
    if (this.batchStart < 0) return;
    writePlainBatchHeader(this.out.buf, this.batchStart, {
      bytes: this.committed - this.batchStart,
      count: this.inBatch,
      baseTimestamp: this.base,
      maxTimestamp: this.maxTime,
    });
    writeBatchCrc(this.out.buf, this.batchStart);
    this.batchStart = -1;
  }
}
