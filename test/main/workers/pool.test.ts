import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { LogdockError } from '../../../src/common/errors';
import type { ScanChunkParams, ScanChunkResult } from '../../../src/main/search/scan-chunk';
import { encodeRecordBatch } from '../../../src/main/storage/record-batch';
import {
  closeSharedWorkerPool,
  ingestWorkerPool,
  sharedWorkerPool,
  WorkerPool,
} from '../../../src/main/workers/pool';

let pool: WorkerPool;
afterEach(async () => {
  await pool.close();
});

/** Batches of `count` lines, one in ten holding "Needle", as a scan task's read buffer. */
function batches(count: number, compression: 'none' | 'zstd' = 'none'): Uint8Array {
  const parts: Buffer[] = [];
  for (let base = 0; base < count; base += 100) {
    const records = Array.from({ length: 100 }, (_, i) => ({
      value: Buffer.from(`line ${base + i} ${(base + i) % 10 === 0 ? 'Needle' : 'hay'}`),
      timestamp: 1000 + base + i,
    }));
    parts.push(encodeRecordBatch(records, { compression, baseOffset: base }));
  }
  return new Uint8Array(Buffer.concat(parts));
}

function task(raw: Uint8Array, query: ScanChunkParams['query']): ScanChunkParams {
  return {
    raw,
    partition: 0,
    offset: 0,
    to: 1e9,
    timeFrom: -Infinity,
    timeTo: Infinity,
    query,
    limit: Infinity,
  };
}

async function failure(p: Promise<unknown>): Promise<LogdockError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LogdockError);
  return err as LogdockError;
}

/** The nice value of each of this process's threads (Linux: /proc/self/task/<tid>/stat). */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
      // Fields after the command's closing parenthesis: state is field 3, nice field 19.
      return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}

const niceThreads = (nice: number) => threadNices().filter((n) => n === nice).length;

/** Runs one task on each of the pool's threads at once, so that every thread has started. */
async function everyThreadStarted(p: WorkerPool): Promise<void> {
  await Promise.all(
    Array.from({ length: p.size }, () =>
      p.run('scan', task(batches(100), { text: 'x', caseSensitive: true })),
    ),
  );
}

describe('WorkerPool', () => {
  it.skipIf(process.platform !== 'linux')(
    'runs its threads at the nice value it was given and leaves the calling thread as it was',
    async () => {
      const mainBefore = readFileSync('/proc/thread-self/stat', 'latin1');
      const before = niceThreads(7);
      pool = new WorkerPool({ size: 2, nice: 7 });
      await everyThreadStarted(pool);
      expect(niceThreads(7)).toBe(before + 2);
      expect(readFileSync('/proc/thread-self/stat', 'latin1').split(') ')[1].split(' ')[16]).toBe(
        mainBefore.split(') ')[1].split(' ')[16],
      );
      await pool.close();
      pool = new WorkerPool({ size: 1 }); // no nice: the thread keeps the process's
      const atTen = niceThreads(10);
      await everyThreadStarted(pool);
      expect(niceThreads(10)).toBe(atTen);
    },
  );

  it.skipIf(process.platform !== 'linux')(
    "runs the process's search and ingest threads below the main thread (nice 10)",
    async () => {
      pool = new WorkerPool({ size: 1 }); // for afterEach
      const before = niceThreads(10);
      try {
        await everyThreadStarted(sharedWorkerPool());
        await everyThreadStarted(ingestWorkerPool());
        expect(niceThreads(10)).toBe(before + sharedWorkerPool().size + ingestWorkerPool().size);
      } finally {
        await closeSharedWorkerPool();
      }
    },
  );

  it('scans batches in a worker thread, read in place from shared memory or moved there', async () => {
    pool = new WorkerPool({ size: 2 });
    for (const codec of ['none', 'zstd'] as const) {
      const moved = batches(1000, codec);
      const length = moved.byteLength;
      const shared = new Uint8Array(new SharedArrayBuffer(moved.byteLength + 7), 7);
      shared.set(moved);
      for (const [raw, transfer] of [
        [moved, [moved.buffer as ArrayBuffer]],
        [shared, []],
      ] as const) {
        const result = await pool.run<ScanChunkResult>(
          'scan',
          task(raw, { text: 'needle', caseSensitive: false }),
          [...transfer],
        );
        expect(result.scanned).toBe(1000);
        expect(result.matches.map((m) => m.offset)).toEqual(
          Array.from({ length: 100 }, (_, i) => i * 10),
        );
        const [start, size] = result.matches[1].value!;
        expect(Buffer.from(result.data).toString('utf8', start, start + size)).toBe(
          'line 10 Needle',
        );
      }
      expect(moved.byteLength).toBe(0); // moved, not copied
      expect(shared.byteLength).toBe(length); // shared, still readable here
    }
  });

  it('stops a read at the limit of matches and says so', async () => {
    pool = new WorkerPool({ size: 1 });
    const params = { ...task(batches(1000), { text: 'needle', caseSensitive: false }), limit: 3 };
    const result = await pool.run<ScanChunkResult>('scan', params);
    expect(result.matches.map((m) => m.offset)).toEqual([0, 10, 20]);
    expect(result.truncated).toBe(true);
    expect(result.scanned).toBe(21);
  });

  it('runs more tasks than threads, each answered with its own result', async () => {
    pool = new WorkerPool({ size: 2 });
    const raw = batches(300);
    const queries = ['line 1 ', 'line 2 ', 'line 3 ', 'Needle', 'nothing'];
    const results = await Promise.all(
      queries.map((text) =>
        pool.run<ScanChunkResult>('scan', task(raw.slice(), { text, caseSensitive: true })),
      ),
    );
    expect(results.map((r) => r.matches.length)).toEqual([1, 1, 1, 30, 0]);
  });

  it('returns a worker error as a LogdockError with its code', async () => {
    pool = new WorkerPool({ size: 1 });
    const badRegex = await failure(
      pool.run('scan', task(batches(100), { regex: '(unclosed', caseSensitive: true })),
    );
    expect(badRegex.code).toBe('INVALID_ARGUMENT');
    const garbage = new Uint8Array(Buffer.from('this is not a record batch, not at all'));
    const corrupt = await failure(pool.run('scan', task(garbage, null)));
    expect(corrupt.code).toBe('CORRUPT_RECORD');
    const unknown = await failure(pool.run('no-such-task', {}));
    expect(unknown.code).toBe('INTERNAL');
    // The thread is still there and works.
    const ok = await pool.run<ScanChunkResult>('scan', task(batches(100), null));
    expect(ok.matches).toHaveLength(100);
  });

  it('survives a worker dying during a task: the task fails as INTERNAL, the next one runs', async () => {
    pool = new WorkerPool({ size: 1 });
    const pending = pool.run(
      'scan',
      task(batches(5000, 'zstd'), { text: 'x', caseSensitive: true }),
    );
    const [worker] = pool.liveWorkers();
    const threadId = worker.threadId;
    await worker.terminate(); // as a crash would: the thread is gone mid-task
    const died = await failure(pending);
    expect(died.code).toBe('INTERNAL');
    expect(died.message).toContain(`worker thread ${threadId} exited`);
    expect(died.message).toContain('task scan');
    const after = await pool.run<ScanChunkResult>('scan', task(batches(100), null));
    expect(after.matches).toHaveLength(100);
    expect(pool.liveWorkers()[0].threadId).not.toBe(threadId);
  });

  it('fails queued and new tasks with CLOSED once closed', async () => {
    pool = new WorkerPool({ size: 1 });
    const tasks = [1, 2, 3].map(() => failure(pool.run('scan', task(batches(100), null))));
    await pool.close();
    for (const t of await Promise.all(tasks)) expect(t.code).toBe('CLOSED');
    expect((await failure(pool.run('scan', {}))).code).toBe('CLOSED');
  });
});
