/**
 * The SharedArrayBuffers scans read segment bytes into, kept for the next scan: one
 * BufferPool (buffer-pool.ts) whose buffers are shared memory the worker threads read in
 * place.
 *
 * Fresh shared memory is external to V8's heap: it is given back only when a garbage
 * collection finds the buffer dead, which a scan's small heap rarely asks for. Buffers
 * allocated per scan therefore piled up: a merged search over a topic of ten partitions,
 * which scans each partition's slice of time in turn (thousands of small scans), held
 * 1.4-3.7 GB of them (RSS), where one pool across scans holds a few.
 */
import { BufferPool } from '../buffer-pool';

const READ_MAX_BYTES = 16 * 1024 * 1024;
/** Kept: two reads queued for each of up to four threads, and read-ahead (8 MiB reads). */
const KEPT_BYTES = 10 * 8 * 1024 * 1024;
/** Kept buffers are let go this long after the last scan gave one back (idle memory). */
const IDLE_MS = 30_000;

const pool = new BufferPool(READ_MAX_BYTES, KEPT_BYTES, (size) =>
  Buffer.from(new SharedArrayBuffer(size)),
);
let idle: NodeJS.Timeout | null = null;

/** A buffer of at least `bytes` backed by a SharedArrayBuffer: a kept one, else a new one. */
export function takeReadBuffer(bytes: number): Buffer {
  return pool.acquire(bytes);
}

/**
 * Gives back the memory of a buffer from `takeReadBuffer` once nothing reads it any more
 * (its worker answered). Memory still read by a thread must never come back here; other
 * memory (a copy of a remote cluster's fetch) is ignored.
 */
export function giveReadBuffer(memory: ArrayBufferLike): void {
  if (!(memory instanceof SharedArrayBuffer)) return;
  pool.release(Buffer.from(memory));
  idle?.refresh();
  idle ??= setTimeout(() => {
    pool.clear();
    idle = null;
  }, IDLE_MS).unref();
}

/** How many buffers are kept (tests). */
export function keptReadBuffers(): number {
  return pool.count;
}
