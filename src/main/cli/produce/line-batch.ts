/**
 * Lines of bytes straight into RecordBatch v2 bytes (see docs/format/segment.md), for
 * `logdock produce` into a data directory: one record per line, no object per line, no
 * string decoding. The lines are found with Buffer.indexOf (memchr) and each record's
 * key and value are copied from the input once, into the batch.
 */
import { LogdockError } from '../../../common/errors';
import {
  RECORD_BATCH_OVERHEAD,
  writeBatchCrc,
  writePlainBatchHeader,
} from '../../storage/record-batch';

const NEWLINE = 0x0a;
const CR = 0x0d;
let scratch = new Int32Array(64 * 1024);

/**
 * The lines of `buf` (every one ends with a newline, dropped with a `\r` before it) as
 * [keyStart, keyEnd, valueStart, valueEnd] quadruples, keyStart -1 for no key. With a
 * separator, each line is split at its first occurrence. `firstLine` numbers the lines in
 * errors. The result is valid until the next call (its memory is reused: a chunk has
 * thousands of lines). @throws LogdockError INVALID_ARGUMENT naming the line that lacks
 * the separator.
 */
export function splitLines(buf: Buffer, separator: Buffer | null, firstLine: number): Int32Array {
  let spans = scratch;
  let n = 0;
  let start = 0;
  for (let nl = buf.indexOf(NEWLINE); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
    const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
    if (n + 4 > spans.length) {
      const grown = new Int32Array(spans.length * 2);
      grown.set(spans);
      spans = scratch = grown;
    }
    if (separator === null) {
      spans[n] = -1;
      spans[n + 1] = -1;
      spans[n + 2] = start;
    } else {
      const at = buf.indexOf(separator, start);
      if (at === -1 || at + separator.length > end) {
        throw new LogdockError(
          'INVALID_ARGUMENT',
          `no key separator "${separator.toString()}" on line ${firstLine + n / 4}`,
        );
      }
      spans[n] = start;
      spans[n + 1] = at;
      spans[n + 2] = at + separator.length;
    }
    spans[n + 3] = end;
    n += 4;
    start = nl + 1;
  }
  return spans.subarray(0, n);
}

/** Bytes of a zig-zag varint of a non-negative int32 (`value` >= 0). */
function varintSize(value: number): number {
  const raw = value * 2;
  return raw < 0x80 ? 1 : raw < 0x4000 ? 2 : raw < 0x200000 ? 3 : raw < 0x10000000 ? 4 : 5;
}

function writeVarint(out: Buffer, pos: number, value: number): number {
  let raw = value * 2; // zig-zag of a non-negative value
  while (raw >= 0x80) {
    out[pos++] = (raw & 0x7f) | 0x80;
    raw = Math.floor(raw / 128);
  }
  out[pos++] = raw;
  return pos;
}

/** The bytes after the length prefix of record `delta` with the given key and value sizes. */
function bodySize(delta: number, keyLength: number, valueLength: number): number {
  const key = keyLength < 0 ? 1 : varintSize(keyLength) + keyLength;
  // attributes, timestampDelta 0, offsetDelta, key, value, no headers
  return 2 + varintSize(delta) + key + varintSize(valueLength) + valueLength + 1;
}

/**
 * Writes the lines numbered in `lines` (indexes of quadruples in `spans`) as one batch at
 * `at` in `out` (sized with lineRecordBytes), stamped `timestamp`, base offset 0 (the log
 * assigns it), no producer id, uncompressed; returns the position after it.
 */
export function writeLineBatch(
  out: Buffer,
  at: number,
  buf: Buffer,
  spans: Int32Array,
  lines: Int32Array,
  timestamp: number,
): number {
  const src = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const dst = new DataView(out.buffer, out.byteOffset, out.length);
  let pos = at + RECORD_BATCH_OVERHEAD;
  for (let i = 0; i < lines.length; i++) {
    const q = lines[i] * 4;
    const keyStart = spans[q];
    const valueStart = spans[q + 2];
    const valueEnd = spans[q + 3];
    const keyLength = keyStart < 0 ? -1 : spans[q + 1] - keyStart;
    pos = writeVarint(out, pos, bodySize(i, keyLength, valueEnd - valueStart));
    out[pos++] = 0; // attributes
    out[pos++] = 0; // timestampDelta
    pos = writeVarint(out, pos, i);
    if (keyStart < 0)
      out[pos++] = 1; // zig-zag -1: null key
    else {
      pos = writeVarint(out, pos, keyLength);
      pos = copyBytes(src, keyStart, keyStart + keyLength, dst, pos);
    }
    pos = writeVarint(out, pos, valueEnd - valueStart);
    pos = copyBytes(src, valueStart, valueEnd, dst, pos);
    out[pos++] = 0; // headers
  }
  writePlainBatchHeader(out, at, {
    bytes: pos - at,
    count: lines.length,
    baseTimestamp: timestamp,
    maxTimestamp: timestamp,
  });
  writeBatchCrc(out, at);
  return pos;
}

/**
 * Copies buf[from, to) to out at `pos` through DataViews of both, four bytes at a time;
 * returns the position after it. Lines are short: per line, Buffer.copy spends more on its
 * call (and the view it allocates: GC took 0.6 s a million lines) than on the bytes, and a
 * byte loop is 2-4x slower than this.
 */
function copyBytes(src: DataView, from: number, to: number, dst: DataView, pos: number): number {
  let i = from;
  for (; i + 4 <= to; i += 4, pos += 4) dst.setUint32(pos, src.getUint32(i));
  for (; i < to; i++) dst.setUint8(pos++, src.getUint8(i));
  return pos;
}

/** Bytes line `line` takes as record `delta` of a batch (to size and close batches). */
export function lineRecordBytes(spans: Int32Array, line: number, delta: number): number {
  const q = line * 4;
  const keyLength = spans[q] < 0 ? -1 : spans[q + 1] - spans[q];
  const size = bodySize(delta, keyLength, spans[q + 3] - spans[q + 2]);
  return varintSize(size) + size;
}
