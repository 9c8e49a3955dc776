/**
 * A small pool of worker threads for CPU-heavy work (search scanning, decoding), so that the
 * main event loop stays free for the UI's API, the Kafka listener and the collectors.
 *
 * Tasks are plain messages `{ kind, payload }` answered by the worker script's handlers
 * (cpu-worker.ts); byte buffers go in the transfer list, moved rather than copied. A task
 * goes to the idle worker, or waits in a queue. A worker that dies (a crash, out of memory,
 * terminate) fails its task with LogdockError INTERNAL naming the task, and is replaced
 * on the next task: the pool and the process go on. Errors thrown by a handler come back as
 * LogdockError with their code. Workers are unref'd while idle so that they never keep a
 * CLI process alive. Safe to call from any number of concurrent callers.
 */
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { LogdockError, fromErrorPayload, type ErrorPayload } from '../../common/errors';
import { workerEntry } from './worker-entry';

export interface WorkerPoolOptions {
  /** Threads; defaults to the machine's cores (at most 4: the work is memory-bound). */
  size?: number;
  resourceLimits?: ResourceLimits;
  /**
   * How much less CPU the threads claim than the main thread when cores are scarce: their
   * nice value on Linux, where it is a per-thread setting (each thread sets its own as it
   * starts; elsewhere it would lower the whole process, so it is ignored). The main thread
   * answers the UI, the Kafka listener and the collectors; on a busy machine a thread of
   * equal weight scanning beside it made it wait for a core for most of a slow answer.
   */
  nice?: number;
}

/** What a worker answers for a task. */
export type WorkerReply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ErrorPayload };

interface Task {
  id: number;
  kind: string;
  payload: unknown;
  transfer: ArrayBuffer[];
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  /** The thread has loaded its script (it says so with its first message). */
  loaded: boolean;
}

export class WorkerPool {
  readonly size: number;
  private readonly slots: (Slot | null)[];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly opts: WorkerPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? Math.min(4, availableParallelism()));
    this.slots = new Array<Slot | null>(this.size).fill(null);
  }

  /**
   * Runs a task on a worker. `transfer` lists ArrayBuffers moved to the worker (unusable
   * here afterwards).
   * @throws LogdockError from the handler (its code), INTERNAL when the worker died during
   *   the task, CLOSED after close().
   */
  run<T>(kind: string, payload: unknown, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.closed) {
      return Promise.reject(new LogdockError('CLOSED', `worker pool is closed (task ${kind})`));
    }
    return new Promise<T>((resolve, reject) => {
      const task: Task = {
        id: this.nextId++,
        kind,
        payload,
        transfer,
        resolve: resolve as (v: unknown) => void,
        reject,
      };
      this.queue.push(task);
      this.pump();
    });
  }

  /** Starts every thread now, so that the first tasks do not wait for threads to load. */
  warm(): void {
    for (let i = 0; i < this.size; i++) if (!this.closed && !this.slots[i]) this.spawn(i);
  }

  /** Whether a thread has loaded its script and can take a task at once. */
  ready(): boolean {
    return this.slots.some((s) => s !== null && s.loaded);
  }

  /** Whether every thread has loaded its script (after warm(): the pool at full strength). */
  allReady(): boolean {
    return this.slots.every((s) => s !== null && s.loaded);
  }

  /** The live threads, for diagnostics (and for tests that kill one mid-task). */
  liveWorkers(): Worker[] {
    return this.slots.flatMap((s) => (s ? [s.worker] : []));
  }

  /** Stops every thread; queued and running tasks fail with CLOSED. */
  async close(): Promise<void> {
    this.closed = true;
    const err = new LogdockError('CLOSED', 'worker pool closed');
    for (const t of this.queue.splice(0)) t.reject(err);
    await Promise.all(
      this.slots.map(async (slot, i) => {
        if (!slot) return;
        this.slots[i] = null;
        slot.task?.reject(err);
        await slot.worker.terminate();
      }),
    );
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const i = this.slots.findIndex((s) => s === null || s.task === null);
      if (i === -1) return;
      const slot = this.slots[i] ?? this.spawn(i);
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.ref(); // a pending task keeps the process alive until it is answered
      slot.worker.postMessage(
        { id: task.id, kind: task.kind, payload: task.payload },
        task.transfer,
      );
    }
  }

  private spawn(i: number): Slot {
    const entry = workerEntry();
    const worker = new Worker(entry.code, {
      eval: true,
      resourceLimits: this.opts.resourceLimits,
      workerData: { ...entry.workerData, nice: this.opts.nice ?? 0 },
    });
    const threadId = worker.threadId; // -1 once it has exited
    const slot: Slot = { worker, task: null, loaded: false };
    this.slots[i] = slot;
    worker.on('message', (reply: WorkerReply | { loaded: true }) => {
      slot.loaded = true;
      if (!('id' in reply)) return;
      const task = slot.task;
      if (!task || task.id !== reply.id) return;
      slot.task = null;
      worker.unref();
      if (reply.ok) task.resolve(reply.result);
      else task.reject(fromErrorPayload(reply.error));
      this.pump();
    });
    let failure: Error | null = null;
    worker.on('error', (err) => (failure = err));
    worker.on('exit', (code) => {
      if (this.slots[i] === slot) this.slots[i] = null;
      const task = slot.task;
      slot.task = null;
      if (task) {
        const why = failure ? `: ${failure.message}` : '';
        task.reject(
          new LogdockError(
            this.closed ? 'CLOSED' : 'INTERNAL',
            `worker thread ${threadId} exited with code ${code} during task ${task.kind}${why}`,
            { cause: failure ?? undefined },
          ),
        );
      }
      if (!this.closed) this.pump();
    });
    // After the listeners: adding a 'message' listener refs the worker's port again, so a
    // thread unref'd before that kept its process alive while idle until close(): a pool
    // warmed and never closed (or warmed again during shutdown, after
    // closeSharedWorkerPool) left the process running after its work was done.
    worker.unref();
    return slot;
  }
}

/**
 * `task`'s result, or `inline()`'s when the thread running it died meanwhile (INTERNAL: a
 * crash, out of memory, a terminate), for checks whose inline form gives the same answer:
 * a read or an append must not fail because the thread that would have checked it went
 * away. Other errors (a corrupt batch, CLOSED) are the task's answer and pass through.
 */
export async function orInlineIfThreadDied<T>(task: Promise<T>, inline: () => T): Promise<T> {
  try {
    return await task;
  } catch (err) {
    if (!(err instanceof LogdockError) || err.code !== 'INTERNAL') throw err;
    return inline();
  }
}

/**
 * The nice value of the process's pools' threads (both: the ingest thread, running beside
 * the main thread for a whole ingest, competed with it as much as the search threads): on a
 * loaded machine a thread at nice 10 gets about a tenth of the time of one at 0 on the same
 * core, so the main thread runs first and the pools take what it leaves. Measured with
 * `npm run bench loop` (ingest + kcat + searches, docs/ARCHITECTURE.md).
 */
export const BACKGROUND_NICE = 10;

let shared: WorkerPool | null = null;
let ingest: WorkerPool | null = null;

/** The process's pool, started on first use (again after closeSharedWorkerPool) and sized to the machine. */
export function sharedWorkerPool(): WorkerPool {
  shared ??= new WorkerPool({ nice: BACKGROUND_NICE });
  return shared;
}

/**
 * The process's one-thread pool for the ingest path (checking produced batches, encoding a
 * collector's lines): apart from the shared pool so that an append never waits behind a
 * search's scans, which keep every shared thread busy while they run. Started on first use.
 * One thread: two (a 1 M-line tail's chunks encoded two at a time) took 0.25-0.4 s more CPU
 * per 1 M lines (each thread compiles and collects for itself) and were slower on the shared
 * 2-core machine (docs/collectors.md, Benchmark).
 */
export function ingestWorkerPool(): WorkerPool {
  ingest ??= new WorkerPool({ size: 1, nice: BACKGROUND_NICE });
  return ingest;
}

/**
 * Stops the process's pools, as the app shuts down: their threads' message ports would
 * otherwise keep a `logdock serve` that has stopped everything else from exiting.
 */
export async function closeSharedWorkerPool(): Promise<void> {
  const pools = [shared, ingest];
  shared = null;
  ingest = null;
  await Promise.all(pools.map((p) => p?.close()));
}
