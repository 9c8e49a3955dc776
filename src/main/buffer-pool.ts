/**
 * Large buffers reused from one use to the next: the Kafka listener's produce frames that
 * arrive over several socket reads and the file reads a Fetch answers with; the file
 * collectors' read chunks and the record batches they encode.
 *
 * Why: a fresh buffer of a megabyte is a new memory mapping whose every page the kernel
 * faults in and zeroes, and external memory that drives V8's garbage collector. On the
 * shared 2-core machine a fresh 1 MiB Buffer.concat cost ~3 ms where copying into a reused
 * buffer cost 0.08 ms; a CPU profile of `logdock serve` under kcat showed that allocation
 * as the listener's largest cost. A reused buffer costs only the copy.
 *
 * Whoever takes a buffer gives it back only once nothing refers to its bytes any more
 * (the frame's request was served; the response holding it was written to the socket).
 * A buffer never given back is simply collected. Idle buffers are bounded by `maxIdleBytes`.
 */

/** Sizes are rounded up to this, so that close sizes share buffers. */
const GRANULE = 64 * 1024;

export class BufferPool {
  private readonly free: Buffer[] = [];
  private idleBytes = 0;

  /**
   * `maxBufferBytes`: larger requests get a buffer of their own, never kept;
   * `maxIdleBytes`: what the pool keeps at most while nobody uses it; `alloc`: where new
   * buffers come from (SharedArrayBuffers, say, for memory a worker thread reads in place).
   */
  constructor(
    private readonly maxBufferBytes = 8 * 1024 * 1024,
    private readonly maxIdleBytes = 32 * 1024 * 1024,
    private readonly alloc: (size: number) => Buffer = (size) => Buffer.allocUnsafeSlow(size),
  ) {}

  /** A buffer of at least `size` bytes, with stale contents: the smallest idle one that fits, or a new one. */
  acquire(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const len = this.free[i].length;
      if (len >= size && (best < 0 || len < this.free[best].length)) best = i;
    }
    if (best >= 0) {
      const buf = this.free[best];
      this.free[best] = this.free[this.free.length - 1];
      this.free.pop();
      this.idleBytes -= buf.length;
      return buf;
    }
    if (size > this.maxBufferBytes) return this.alloc(size);
    return this.alloc(Math.ceil(Math.max(size, 1) / GRANULE) * GRANULE);
  }

  /** Gives `buf` (as acquired, not a view of it) back for reuse; kept while within the bounds. */
  release(buf: Buffer): void {
    if (buf.length > this.maxBufferBytes || buf.length % GRANULE !== 0) return;
    if (this.free.includes(buf)) return;
    if (this.idleBytes + buf.length > this.maxIdleBytes) return;
    this.free.push(buf);
    this.idleBytes += buf.length;
  }

  /** Bytes held by idle buffers (for tests and metrics). */
  get idle(): number {
    return this.idleBytes;
  }
}

/** A buffer over a new SharedArrayBuffer: memory a worker thread can read in place. */
export function sharedBuffer(size: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(size));
}
