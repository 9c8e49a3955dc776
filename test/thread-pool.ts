/**
 * Occupies every thread of this process's libuv pool (UV_THREADPOOL_SIZE, 4 by default): each
 * is parked in open(2) of a FIFO nobody writes to. File operations queued meanwhile (the
 * fs.promises API, fs callbacks) wait behind them; what runs on the event loop's own thread
 * does not. `release()` lets them go (and must be called: the threads stay parked otherwise).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, promises as fs } from 'node:fs';
import { join } from 'node:path';

export interface OccupiedPool {
  /**
   * Whether a file operation queued after the parked ones has completed: false while the
   * pool is still fully occupied (the premise of a test that uses this).
   */
  probeDone(): boolean;
  /** Unparks the threads and waits until they are free. Idempotent. */
  release(): Promise<void>;
}

export async function occupyThreadPool(dir: string): Promise<OccupiedPool> {
  const threads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  const fifos = Array.from({ length: threads }, (_, i) => join(dir, `park-${i}.fifo`));
  execFileSync('mkfifo', fifos); // a child process: no thread of the pool
  // Opening a FIFO for reading blocks until a writer opens it: one pool thread each.
  const parked = fifos.map((f) => fs.open(f, 'r'));
  let done = false;
  void fs.stat(dir).finally(() => (done = true));
  let released: Promise<void> | null = null;
  return {
    probeDone: () => done,
    release() {
      released ??= (async () => {
        // O_RDWR on a FIFO never blocks on Linux and counts as a writer: every parked open
        // returns, whether it started already or is still queued.
        const writers = fifos.map((f) => openSync(f, 'r+'));
        try {
          for (const fh of await Promise.all(parked)) await fh.close();
        } finally {
          for (const fd of writers) closeSync(fd);
        }
      })();
      return released;
    },
  };
}
