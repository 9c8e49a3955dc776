/**
 * The fast path of a file source: lines of one file encoded straight into RecordBatch v2
 * bytes (docs/format: Kafka's record batch) for `broker.appendBatches`, skipping the
 * per-record objects of `broker.send`. The headers shared by every line of the file
 * (`logdock.source`, `logdock.file`, `logdock.identity`) are encoded once; the per-line
 * offsets are written as ASCII digits in place. Used only for records without parsing
 * (plain parser), no per-record key logic. Each record has the chunk's ingestion time,
 * or its event time (found at the start of its line) and then a `logdock.ingest-time`
 * header, whose bytes are encoded once per chunk.
 *
 *   record := length:varint attributes:int8=0 timestampDelta:varlong offsetDelta:varint
 *             keyLength:varint key valueLength:varint value headerCount:varint header*
 *   header := keyLength:varint key valueLength:varint value
 */
import type { RecordHeader } from '../storage/api';
import {
  RECORD_BATCH_OVERHEAD,
  writeBatchCrc,
  writePlainBatchHeader,
} from '../storage/record-batch';
import type { EventLines } from './multiline';
import { H } from './record';

export const OFFSET_KEY = Buffer.from(H.offset);
export const END_KEY = Buffer.from(H.end);
const CUT_KEY = Buffer.from(H.cut);
const INVALID_KEY = Buffer.from(H.invalid);
export const INGEST_KEY = Buffer.from(H.ingestTime);

export class LineBatchEncoder {
  private readonly fixed: Buffer;
  private readonly fixedCount: number;
  private readonly key: Buffer | null;

  constructor(fixedHeaders: RecordHeader[], key: Buffer | null) {
    this.fixed = encodeHeaders(fixedHeaders);
    this.fixedCount = fixedHeaders.length;
    this.key = key;
  }

  /**
   * Encodes events as concatenated batches of at most `maxBatchBytes` each (a single event
   * larger than that gets a batch of its own). `now` is the ingestion time; `eventTimes[i]`,
   * when given and defined, is event i's own time. `alloc` gives the memory for the
   * batches (at least the size asked; a reused buffer, say), a new buffer by default.
   */
  encode(
    events: EventLines[],
    now: number,
    maxBatchBytes: number,
    eventTimes?: (number | undefined)[],
    alloc: (size: number) => Buffer = (size) => Buffer.allocUnsafe(size),
  ): Buffer {
    const chunk: Chunk = {
      now,
      times: eventTimes,
      ingest: eventTimes ? numberHeaderBytes(INGEST_KEY, now) : EMPTY,
    };
    const sizes = new Array<number>(events.length);
    const batches: { from: number; to: number; bytes: number }[] = [];
    let from = 0;
    let bytes = RECORD_BATCH_OVERHEAD;
    for (let i = 0; i < events.length; i++) {
      const size = this.recordSize(events, i, from, chunk);
      const total = varintSize(size) + size;
      if (i > from && bytes + total > maxBatchBytes) {
        batches.push({ from, to: i, bytes });
        from = i;
        bytes = RECORD_BATCH_OVERHEAD;
        // offsetDelta and timestampDelta restart, which may change the record's size.
        const again = this.recordSize(events, i, i, chunk);
        sizes[i] = again;
        bytes += varintSize(again) + again;
        continue;
      }
      sizes[i] = size;
      bytes += total;
    }
    if (events.length > from) batches.push({ from, to: events.length, bytes });
    const total = batches.reduce((n, b) => n + b.bytes, 0);
    const out = alloc(total).subarray(0, total);
    let pos = 0;
    for (const b of batches) {
      this.writeBatch(out, pos, events, sizes, b, chunk);
      pos += b.bytes;
    }
    return out;
  }

  private recordSize(events: EventLines[], i: number, from: number, chunk: Chunk): number {
    const ev = events[i];
    const delta = timeOf(chunk, i) - timeOf(chunk, from);
    let size = 1 + varintSize(delta) + varintSize(i - from);
    size += this.key === null ? 1 : varintSize(this.key.length) + this.key.length;
    size += varintSize(ev.text.length) + ev.text.length;
    size += varintSize(this.headerCount(ev, chunk, i)) + this.fixed.length;
    size += numberHeaderSize(OFFSET_KEY, ev.start) + numberHeaderSize(END_KEY, ev.end);
    if (ev.cutFrom !== undefined) size += numberHeaderSize(CUT_KEY, ev.cutFrom);
    if (ev.invalid > 0) size += numberHeaderSize(INVALID_KEY, ev.invalid);
    if (hasEventTime(chunk, i)) size += chunk.ingest.length;
    return size;
  }

  private headerCount(ev: EventLines, chunk: Chunk, i: number): number {
    return (
      this.fixedCount +
      2 +
      (ev.cutFrom !== undefined ? 1 : 0) +
      (ev.invalid > 0 ? 1 : 0) +
      (hasEventTime(chunk, i) ? 1 : 0)
    );
  }

  private writeBatch(
    buf: Buffer,
    start: number,
    events: EventLines[],
    sizes: number[],
    { from, to, bytes }: { from: number; to: number; bytes: number },
    chunk: Chunk,
  ): void {
    const base = timeOf(chunk, from);
    let max = base;
    for (let i = from + 1; i < to; i++) max = Math.max(max, timeOf(chunk, i));
    // The largest of the batch, not the last: event times need not be in order.
    writePlainBatchHeader(buf, start, {
      bytes,
      count: to - from,
      baseTimestamp: base,
      maxTimestamp: max,
    });
    let pos = start + RECORD_BATCH_OVERHEAD;
    for (let i = from; i < to; i++) {
      const ev = events[i];
      pos = writeVarint(buf, pos, sizes[i]);
      buf[pos++] = 0; // attributes
      pos = writeVarint(buf, pos, timeOf(chunk, i) - base);
      pos = writeVarint(buf, pos, i - from);
      if (this.key === null) {
        buf[pos++] = 1; // zigzag(-1)
      } else {
        pos = writeVarint(buf, pos, this.key.length);
        buf.set(this.key, pos);
        pos += this.key.length;
      }
      pos = writeVarint(buf, pos, ev.text.length);
      // TypedArray#set: a native copy without Buffer#copy's argument handling.
      buf.set(ev.text, pos);
      pos += ev.text.length;
      pos = writeVarint(buf, pos, this.headerCount(ev, chunk, i));
      buf.set(this.fixed, pos);
      pos += this.fixed.length;
      pos = writeNumberHeader(buf, pos, OFFSET_KEY, ev.start);
      pos = writeNumberHeader(buf, pos, END_KEY, ev.end);
      if (ev.cutFrom !== undefined) pos = writeNumberHeader(buf, pos, CUT_KEY, ev.cutFrom);
      if (ev.invalid > 0) pos = writeNumberHeader(buf, pos, INVALID_KEY, ev.invalid);
      if (hasEventTime(chunk, i)) {
        buf.set(chunk.ingest, pos);
        pos += chunk.ingest.length;
      }
    }
    writeBatchCrc(buf, start);
  }
}

interface Chunk {
  now: number;
  times: (number | undefined)[] | undefined;
  /** The encoded `logdock.ingest-time` header of the chunk. */
  ingest: Buffer;
}

const EMPTY = Buffer.alloc(0);

function hasEventTime(chunk: Chunk, i: number): boolean {
  return chunk.times !== undefined && chunk.times[i] !== undefined;
}

function timeOf(chunk: Chunk, i: number): number {
  return chunk.times?.[i] ?? chunk.now;
}

/** Headers as they are written inside a record, one after the other. */
export function encodeHeaders(headers: RecordHeader[]): Buffer {
  const parts: Buffer[] = [];
  for (const h of headers) {
    const k = Buffer.from(h.key);
    parts.push(varintBytes(k.length), k);
    if (h.value === null) parts.push(varintBytes(-1));
    else parts.push(varintBytes(h.value.length), h.value);
  }
  return Buffer.concat(parts);
}

export function numberHeaderBytes(key: Buffer, n: number): Buffer {
  const b = Buffer.alloc(numberHeaderSize(key, n));
  writeNumberHeader(b, 0, key, n);
  return b;
}

function digits(n: number): number {
  if (n < 10) return 1;
  if (n < 100) return 2;
  if (n < 1000) return 3;
  if (n < 10000) return 4;
  if (n < 100000) return 5;
  if (n < 1000000) return 6;
  if (n < 10000000) return 7;
  if (n < 100000000) return 8;
  if (n < 1000000000) return 9;
  return String(n).length;
}

export function numberHeaderSize(key: Buffer, n: number): number {
  const d = digits(n);
  return varintSize(key.length) + key.length + varintSize(d) + d;
}

function writeNumberHeader(buf: Buffer, pos: number, key: Buffer, n: number): number {
  buf[pos++] = key.length * 2; // zigzag varint; header keys here are shorter than 64 bytes
  for (let i = 0; i < key.length; i++) buf[pos++] = key[i];
  return writeDigits(buf, pos, n);
}

/** "00" to "99": a number's digits are written two at a time. */
const PAIRS = new Uint8Array(200);
for (let k = 0; k < 100; k++) {
  PAIRS[2 * k] = 48 + Math.floor(k / 10);
  PAIRS[2 * k + 1] = 48 + (k % 10);
}

/**
 * A number header's value: its length (a varint) and its decimal digits. Two per integer
 * division: a floating-point division per digit was a fifth of a record's encoding.
 */
export function writeDigits(buf: Uint8Array, pos: number, n: number): number {
  const d = digits(n);
  buf[pos++] = d * 2;
  let at = pos + d;
  if (n > 0x7fffffff) {
    for (let i = d - 1; i >= 0; i--) {
      const q = Math.floor(n / 10);
      buf[pos + i] = 48 + n - q * 10;
      n = q;
    }
    return at;
  }
  let m = n | 0;
  while (m >= 100) {
    const q = (m / 100) | 0;
    const r = (m - q * 100) * 2;
    buf[--at] = PAIRS[r + 1];
    buf[--at] = PAIRS[r];
    m = q;
  }
  if (m >= 10) {
    buf[--at] = PAIRS[m * 2 + 1];
    buf[--at] = PAIRS[m * 2];
  } else {
    buf[--at] = 48 + m;
  }
  return pos + d;
}

/** Size of a zigzag varint (values here are within ±2^51: timestamp deltas, lengths). */
export function varintSize(n: number): number {
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  let size = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    size++;
  }
  return size;
}

export function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

export function varintBytes(n: number): Buffer {
  const b = Buffer.alloc(5);
  return b.subarray(0, writeVarint(b, 0, n));
}
