/**
 * The read check of stored batches (docs/format/segment.md, "Every read checks"): each
 * batch's header, that its offsets lie inside its segment above the previous batch's (the
 * base offset is outside the CRC), and its CRC. Plain functions over bytes, so that the
 * same check runs in the segment (reads, scrub) and in a search worker thread, which reads
 * the bytes anyway and so takes the CRC pass off the main thread (see scan-chunk.ts).
 */
import {
  CRC_OFFSET,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  batchCrc,
  lastOffsetOf,
  readBatchHeader,
  type RecordBatchHeader,
} from './record-batch';
import type { BatchFault, SegmentBounds } from './api';

// Declared with the read API that hands them out (api.ts imports nothing back).
export type { BatchFault, SegmentBounds };

/** A batch that passed, or the fault, or null when the batch runs past the end of `buf`. */
export type BatchCheck =
  { header: RecordBatchHeader; size: number; fault: null } | { fault: BatchFault } | null;

/**
 * Checks the batch at byte `pos` of `buf`; `prevLast` is the previous batch's last offset
 * (-1: none). `crc` false leaves out the CRC, the only part whose cost grows with the size.
 */
export function checkBatch(
  buf: Buffer,
  pos: number,
  bounds: SegmentBounds,
  prevLast: number,
  crc = true,
): BatchCheck {
  if (pos + RECORD_BATCH_OVERHEAD > buf.length) return null;
  let header: RecordBatchHeader;
  try {
    header = readBatchHeader(buf, pos);
  } catch (err) {
    return {
      fault: { at: pos, baseOffset: null, lastOffset: null, reason: (err as Error).message },
    };
  }
  const size = LOG_OVERHEAD + header.batchLength;
  if (pos + size > buf.length) return null;
  const lastOffset = lastOffsetOf(header);
  let reason = offsetsFault(header, bounds, prevLast);
  if (reason === null && crc) {
    const computed = batchCrc(buf, pos, header.batchLength);
    const stored = buf.readUInt32BE(pos + CRC_OFFSET);
    if (computed !== stored) reason = `CRC mismatch: stored ${stored}, computed ${computed}`;
  }
  if (reason === null) return { header, size, fault: null };
  return { fault: { at: pos, baseOffset: header.baseOffset, lastOffset, reason } };
}

/**
 * Why the offsets `header` claims cannot be right (null when they can): outside the
 * segment's bounds, or not above `prevLast`, the previous batch's last offset (-1: none).
 * The base offset is outside the CRC, so this is its only check; the header walk that finds
 * where a read starts applies it too (segment.ts, walkHeaders).
 */
export function offsetsFault(
  header: RecordBatchHeader,
  bounds: SegmentBounds,
  prevLast: number,
): string | null {
  const lastOffset = lastOffsetOf(header);
  const { baseOffset, endOffset } = bounds;
  if (header.baseOffset < baseOffset || lastOffset >= endOffset) {
    return `base offset ${header.baseOffset}: offsets ${header.baseOffset}..${lastOffset} lie outside the segment's [${baseOffset}, ${endOffset})`;
  }
  if (header.baseOffset <= prevLast) {
    return `base offset ${header.baseOffset} is not above the previous batch's last offset ${prevLast}`;
  }
  return null;
}

/**
 * Checks the whole batches of `buf` in order, stopping at the first bad one. `good` is the
 * length of the good prefix (a batch running past the end ends it too: the caller reads it
 * whole), `lastOffset` the last offset in it (`prevLast` when none).
 */
export function checkBatches(
  buf: Buffer,
  bounds: SegmentBounds,
  prevLast = -1,
): { good: number; fault: BatchFault | null; lastOffset: number } {
  const walk = { checked: 0, fault: null as BatchFault | null, lastOffset: prevLast };
  const batches = checkedBatches(buf, bounds, walk);
  while (!batches.next().done); // the walk records the outcome
  return { good: walk.checked, fault: walk.fault, lastOffset: walk.lastOffset };
}

/**
 * Yields the batches of `buf` that pass, in order, like iterateBatches; stops at the first
 * bad one (or at a batch running past the end). `walk` tells how far it got: `checked`,
 * the bytes of the batches yielded so far, and the `fault` that stopped it.
 */
export function* checkedBatches(
  buf: Buffer,
  bounds: SegmentBounds,
  walk: { checked: number; fault: BatchFault | null; lastOffset: number },
): Generator<{ header: RecordBatchHeader; position: number; size: number }> {
  let pos = 0;
  for (;;) {
    const c = checkBatch(buf, pos, bounds, walk.lastOffset);
    if (c === null) return;
    if (c.fault !== null) {
      walk.fault = c.fault;
      return;
    }
    walk.checked = pos + c.size;
    walk.lastOffset = lastOffsetOf(c.header);
    yield { header: c.header, position: pos, size: c.size };
    pos += c.size;
  }
}
