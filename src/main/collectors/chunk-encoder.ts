/**
 * The ingest thread's fast path for a chunk of plain lines (encode-lines.ts): the bytes
 * LineSplitter + LineBatchEncoder write for it, byte for byte, written from the lines'
 * offsets in the chunk instead of through a Line object and a Buffer view per line. Their
 * allocation, the garbage collection after them and the small copies out of views were
 * most of a 1 M-line tail's cost. Every piece of a record that is not a number is copied
 * with copyWithin inside one buffer (`mem`) that holds the chunk, the bytes every record
 * repeats and the batches: a copy with no view to make.
 *
 * Only the common case: UTF-8 that is valid throughout, no byte-order mark, no line longer
 * than maxLineBytes. Anything else gets null and takes the general path, so the two never
 * differ in what they store.
 *
 *   mem := chunk (file bytes, ending with a newline) | repeated (constant record pieces) | batches
 */
import { isUtf8 } from 'node:buffer';
import type { RecordHeader } from '../storage/api';
import {
  RECORD_BATCH_OVERHEAD,
  writeBatchCrc,
  writePlainBatchHeader,
} from '../storage/record-batch';
import {
  END_KEY,
  INGEST_KEY,
  OFFSET_KEY,
  encodeHeaders,
  numberHeaderBytes,
  numberHeaderSize,
  varintBytes,
  varintSize,
  writeDigits,
  writeVarint,
} from './batch-encoder';
import { timeInLine } from './parsers/line-time';

const LF = 0x0a;
const CR = 0x0d;

/** A chunk of a file's lines and how to encode them: what both encoding paths take. */
export interface LineChunk {
  /** The file's bytes from `start`, ending just after a newline. */
  chunk: Uint8Array;
  /** File offset of chunk[0]: the first byte of a line. */
  start: number;
  maxLineBytes: number;
  fixedHeaders: RecordHeader[];
  key: Uint8Array | null;
  now: number;
  timeFromLine: boolean;
  timezone: string;
  maxBatchBytes: number;
}

export interface PlainChunk extends LineChunk {
  /** The batches' expected size, to size `mem` in one go. */
  expect: number;
}

/** Where the batches are: `mem[at, at + bytes)`; `mem` came from `alloc`. */
export interface EncodedChunk {
  mem: Buffer;
  at: number;
  bytes: number;
  lines: number;
}

/** Per-line scratch of the thread, grown as needed (one task at a time per thread). */
let ends = new Int32Array(16_384);
let textEnds = new Int32Array(16_384);
/** Event time, NaN for none. */
let times = new Float64Array(16_384);
let sizes = new Int32Array(16_384);

/** A record header's key as written before its value: length (zigzag varint) and bytes. */
function headerKey(key: Buffer): Buffer {
  return Buffer.concat([varintBytes(key.length), key]);
}
const OFFSET_PREFIX = headerKey(OFFSET_KEY);
const END_PREFIX = headerKey(END_KEY);

/**
 * What every record of a chunk shares, and where its repeated pieces are in `mem`: one
 * object of one class, so that the code reading it sees one shape (objects built per task
 * from the task's message made it deoptimize again and again).
 */
class Layout {
  /** Sizes without the offset header's key: record header count and fixed headers. */
  headSize = 0;
  headTimedSize = 0;
  /** Offsets in `mem` and lengths of the pieces. */
  headAt = 0;
  headLen = 0;
  headTimedAt = 0;
  headTimedLen = 0;
  endAt = 0;
  ingestAt = 0;
  ingestLen = 0;
  keyAt = 0;
  keyLen = 0;

  constructor(
    readonly start: number,
    readonly now: number,
    readonly maxLineBytes: number,
    readonly maxBatchBytes: number,
    readonly timeFromLine: boolean,
    readonly timezone: string,
    readonly noKey: boolean,
  ) {}
}

/**
 * Encodes the chunk's lines as batches (see the module comment), or null when it is not the
 * common case. `alloc` gives `mem` (a buffer of at least the size asked, reused).
 */
export function encodePlainChunk(
  p: PlainChunk,
  alloc: (size: number) => Buffer,
  release: (buf: Buffer) => void,
): EncodedChunk | null {
  const n = p.chunk.byteLength;
  const c = new Layout(
    p.start,
    p.now,
    p.maxLineBytes,
    p.maxBatchBytes,
    p.timeFromLine,
    p.timezone,
    p.key === null,
  );
  const fixed = encodeHeaders(p.fixedHeaders);
  const keyBytes = p.key ? Buffer.concat([varintBytes(p.key.length), p.key]) : varintBytes(-1);
  const ingest = p.timeFromLine ? numberHeaderBytes(INGEST_KEY, p.now) : Buffer.alloc(0);
  // The pieces every record repeats: header count, fixed headers and the offset header's
  // key, once without and once with an event time (one header more); then the end
  // header's key, the ingest-time header and the key.
  const hc = p.fixedHeaders.length + 2;
  const pieces = Buffer.concat([
    varintBytes(hc),
    fixed,
    OFFSET_PREFIX,
    varintBytes(hc + 1),
    fixed,
    OFFSET_PREFIX,
    END_PREFIX,
    ingest,
    keyBytes,
  ]);
  // Padded so that the batches start at a multiple of 8 (`mem` starts at one): V8 copies
  // them into the shared buffer a word at a time only when both sides are aligned alike,
  // and byte by byte otherwise, 7x slower (~0.11 s per 1 M lines).
  const repeated = Buffer.alloc(alignUp(n + pieces.length) - n);
  pieces.copy(repeated);
  c.headSize = varintSize(hc) + fixed.length;
  c.headTimedSize = varintSize(hc + 1) + fixed.length;
  c.headLen = c.headSize + OFFSET_PREFIX.length;
  c.headTimedLen = c.headTimedSize + OFFSET_PREFIX.length;
  c.ingestLen = ingest.length;
  c.keyLen = keyBytes.length;
  let mem = alloc(n + repeated.length + p.expect);
  mem.set(p.chunk);
  const lines = splitLines(mem, n, c);
  if (lines < 0) {
    release(mem);
    return null;
  }
  const batches = planBatches(lines, c);
  const total = batches.reduce((sum, b) => sum + b.bytes, 0);
  if (mem.length < n + repeated.length + total) {
    const bigger = alloc(n + repeated.length + total);
    bigger.set(mem.subarray(0, n));
    release(mem);
    mem = bigger;
  }
  mem.set(repeated, n);
  c.headAt = n;
  c.headTimedAt = n + c.headLen;
  c.endAt = c.headTimedAt + c.headTimedLen;
  c.ingestAt = c.endAt + END_PREFIX.length;
  c.keyAt = c.ingestAt + c.ingestLen;
  const at = n + repeated.length;
  let pos = at;
  for (const b of batches) pos = writeBatch(mem, pos, b, c);
  return { mem, at, bytes: total, lines };
}

/** `n` rounded up to a multiple of 8. */
function alignUp(n: number): number {
  return (n + 7) & ~7;
}

interface Batch {
  from: number;
  to: number;
  bytes: number;
}

/**
 * Finds the lines of `mem[0, n)` into the scratch arrays, with their event times; their
 * count, or -1 when the chunk is not the common case.
 */
function splitLines(mem: Buffer, n: number, c: Layout): number {
  if (c.start === 0 && n >= 3 && mem[0] === 0xef && mem[1] === 0xbb && mem[2] === 0xbf) return -1;
  const chunk = mem.subarray(0, n);
  if (!isUtf8(chunk)) return -1;
  let count = 0;
  let from = 0;
  while (from < n) {
    const nl = chunk.indexOf(LF, from);
    if (nl < 0 || nl - from > c.maxLineBytes) return -1;
    if (count === ends.length) grow();
    const textEnd = nl > from && mem[nl - 1] === CR ? nl - 1 : nl;
    ends[count] = nl + 1;
    textEnds[count] = textEnd;
    times[count] = c.timeFromLine
      ? (timeInLine(mem, from, textEnd, c.timezone, c.now) ?? NaN)
      : NaN;
    count++;
    from = nl + 1;
  }
  return count;
}

function grow(): void {
  const ints = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
    const b = new Int32Array(a.length * 2);
    b.set(a);
    return b;
  };
  ends = ints(ends);
  textEnds = ints(textEnds);
  sizes = ints(sizes);
  const more = new Float64Array(times.length * 2);
  more.set(times);
  times = more;
}

const lineStart = (i: number): number => (i === 0 ? 0 : ends[i - 1]);
const timeOf = (i: number, now: number): number => (Number.isNaN(times[i]) ? now : times[i]);

/** The size of record `i` in a batch whose first record is `from`. */
function recordSize(i: number, from: number, c: Layout): number {
  const timed = !Number.isNaN(times[i]);
  const len = textEnds[i] - lineStart(i);
  return (
    1 +
    varintSize(timeOf(i, c.now) - timeOf(from, c.now)) +
    varintSize(i - from) +
    c.keyLen +
    varintSize(len) +
    len +
    (timed ? c.headTimedSize + c.ingestLen : c.headSize) +
    numberHeaderSize(OFFSET_KEY, c.start + lineStart(i)) +
    numberHeaderSize(END_KEY, c.start + ends[i])
  );
}

/** Record sizes into `sizes` and the batches, split as LineBatchEncoder.encode splits them. */
function planBatches(lines: number, c: Layout): Batch[] {
  const batches: Batch[] = [];
  let from = 0;
  let bytes = RECORD_BATCH_OVERHEAD;
  for (let i = 0; i < lines; i++) {
    let s = recordSize(i, from, c);
    if (i > from && bytes + varintSize(s) + s > c.maxBatchBytes) {
      batches.push({ from, to: i, bytes });
      from = i;
      bytes = RECORD_BATCH_OVERHEAD;
      // offsetDelta and timestampDelta restart, which may change the record's size.
      s = recordSize(i, i, c);
    }
    sizes[i] = s;
    bytes += varintSize(s) + s;
  }
  if (lines > from) batches.push({ from, to: lines, bytes });
  return batches;
}

function writeBatch(mem: Buffer, start: number, b: Batch, c: Layout): number {
  const base = timeOf(b.from, c.now);
  let max = base;
  for (let i = b.from + 1; i < b.to; i++) max = Math.max(max, timeOf(i, c.now));
  // The largest of the batch, not the last: event times need not be in order.
  writePlainBatchHeader(mem, start, {
    bytes: b.bytes,
    count: b.to - b.from,
    baseTimestamp: base,
    maxTimestamp: max,
  });
  let pos = start + RECORD_BATCH_OVERHEAD;
  for (let i = b.from; i < b.to; i++) {
    const from = lineStart(i);
    const textEnd = textEnds[i];
    const timed = !Number.isNaN(times[i]);
    pos = writeVarint(mem, pos, sizes[i]);
    mem[pos++] = 0; // attributes
    pos = writeVarint(mem, pos, timeOf(i, c.now) - base);
    pos = writeVarint(mem, pos, i - b.from);
    if (c.noKey) {
      mem[pos++] = 1; // zigzag(-1): no key
    } else {
      mem.copyWithin(pos, c.keyAt, c.keyAt + c.keyLen);
      pos += c.keyLen;
    }
    pos = writeVarint(mem, pos, textEnd - from);
    mem.copyWithin(pos, from, textEnd);
    pos += textEnd - from;
    if (timed) {
      mem.copyWithin(pos, c.headTimedAt, c.headTimedAt + c.headTimedLen);
      pos += c.headTimedLen;
    } else {
      mem.copyWithin(pos, c.headAt, c.headAt + c.headLen);
      pos += c.headLen;
    }
    pos = writeDigits(mem, pos, c.start + from);
    mem.copyWithin(pos, c.endAt, c.endAt + END_PREFIX.length);
    pos = writeDigits(mem, pos + END_PREFIX.length, c.start + ends[i]);
    if (timed) {
      mem.copyWithin(pos, c.ingestAt, c.ingestAt + c.ingestLen);
      pos += c.ingestLen;
    }
  }
  writeBatchCrc(mem, start);
  return pos;
}
