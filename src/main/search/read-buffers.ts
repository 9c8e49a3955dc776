/**
 * The SharedArrayBuffers scans read segment bytes into, kept for the next scan.
 *
 * A scan reads into shared memory its worker threads read in place. Fresh shared memory is
 * external to V8's heap: it is given back only when a garbage collection finds the buffer
 * dead, which a scan's small heap rarely asks for. Buffers allocated per scan therefore
 * piled up: a merged search over a topic of ten partitions, which scans each partition's
 * slice of time in turn (thousands of small scans), held 1.4-3.7 GB of them (RSS), where
 * one free list across scans holds a few.
 */
const spare = new Map<number, Buffer[]>();
/** Buffers kept per size: two reads queued for each of up to four threads, and read-ahead. */
const KEPT = 10;
/** Kept buffers are let go this long after the last scan gave one back (idle memory). */
const IDLE_MS = 30_000;
let idle: NodeJS.Timeout | null = null;

/** A buffer of `bytes` backed by a SharedArrayBuffer: a kept one, else a new one. */
export function takeReadBuffer(bytes: number): Buffer {
  return spare.get(bytes)?.pop() ?? Buffer.from(new SharedArrayBuffer(bytes));
}

/**
 * Gives back a buffer from `takeReadBuffer` once nothing reads it any more (its worker
 * answered). A buffer still read by a thread must never come back here.
 */
export function giveReadBuffer(buffer: ArrayBufferLike): void {
  if (!(buffer instanceof SharedArrayBuffer)) return;
  const list = spare.get(buffer.byteLength) ?? [];
  if (list.length >= KEPT) return;
  list.push(Buffer.from(buffer, 0, buffer.byteLength));
  spare.set(buffer.byteLength, list);
  idle?.refresh();
  idle ??= setTimeout(() => {
    spare.clear();
    idle = null;
  }, IDLE_MS).unref();
}

/** How many buffers are kept (tests). */
export function keptReadBuffers(): number {
  let n = 0;
  for (const list of spare.values()) n += list.length;
  return n;
}
