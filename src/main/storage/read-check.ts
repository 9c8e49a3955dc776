/**
 * The check of a read's batches (docs/format/segment.md, "Every read checks"), on another
 * thread when the read is large. The CRC pass over the megabyte a consumer's first read of
 * stored data asks for costs the main thread 0.24 ms at best and ~0.8 ms under load here:
 * in a CPU profile of `logdock serve` while kcat read 3 M stored records it was 18 % of the
 * main thread's busy time, time the UI, the Kafka listener and the collectors wait for.
 * Small reads are checked inline, where the hop to a thread costs the main thread more than
 * the check (see OFF_THREAD_READ_CHECK_BYTES). Replay, the browser's windows and the
 * rebuild of producer state read through PartitionLog.read too, so their large reads are
 * checked off the main thread the same way. Either way a read returns the same bytes and
 * fails the same way (LogSegment.verifyRead).
 */
import type { BatchFault, SegmentBounds } from './api';
import type { LogSegment } from './segment';

/**
 * Checks the whole batches of `buf` against `bounds` (check-batches.ts, checkBatches) away
 * from the calling thread: `good` is the length of the good prefix, `fault` the first bad
 * batch. `buf` is unchanged and not used by anyone else until it resolves.
 */
export type ReadCheck = (
  buf: Buffer,
  bounds: SegmentBounds,
) => Promise<{ good: number; fault: BatchFault | null }>;

/**
 * Reads of fewer bytes are checked on the calling thread: below it the hop to the thread
 * and back (posting the task, its answer's message event, the promise) costs the main
 * thread more than the check. Measured with `npm run bench read-check` on this 2-core
 * machine, main-thread µs per read, inline check | on the thread: 32 KiB 7 | 11, 64 KiB
 * 15 | 11, 128 KiB 28 | 12, 1 MiB 239 | 25 (the Kafka listener's Fetch reads, in shared
 * memory the thread reads in place).
 */
export const OFF_THREAD_READ_CHECK_BYTES = 64 * 1024;

/**
 * The same for bytes not in shared memory, which are copied for the thread: 64 KiB 15 |
 * 20, 128 KiB 28 | 17, 1 MiB 239 | 68 (same bench and run).
 */
export const OFF_THREAD_COPIED_READ_CHECK_BYTES = 128 * 1024;

function worthTheHop(buf: Buffer): boolean {
  const shared = buf.buffer instanceof SharedArrayBuffer;
  return buf.length >= (shared ? OFF_THREAD_READ_CHECK_BYTES : OFF_THREAD_COPIED_READ_CHECK_BYTES);
}

/**
 * `buf` (whole batches read from file position `position` of `seg`) checked as
 * `seg.verifyRead` does it — same bytes returned, same report and CORRUPT_RECORD error —
 * by `offThread` when it is given and the read is large enough.
 */
export async function checkRead(
  seg: LogSegment,
  buf: Buffer,
  position: number,
  offThread: ReadCheck | undefined,
): Promise<Buffer> {
  if (!offThread || !worthTheHop(buf)) return seg.verifyRead(buf, position);
  const unchecked = seg.uncheckedRead(buf, position);
  if (unchecked === null) return buf; // checked before
  const { good, fault } = await offThread(buf, unchecked.bounds);
  if (fault === null) {
    unchecked.passed(good);
    return good === buf.length ? buf : buf.subarray(0, good);
  }
  // As verifyRead: the batches before a bad one are returned (the next read starts at it
  // and fails there); a read starting at it fails, reported.
  if (fault.at > 0) {
    unchecked.passed(fault.at);
    return buf.subarray(0, fault.at);
  }
  throw unchecked.failed(fault);
}
