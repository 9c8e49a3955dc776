/**
 * The queue of partition logs loading in the background at startup (Kafka's log loading
 * threads): at most `limit` loads at once, first queued first started. A log someone needs
 * now (a read, an append, a Fetch) jumps the queue (`hurry`): it starts at once, beside the
 * others, instead of waiting for thousands queued before it. A log closed before its load
 * started is dropped from the queue (`cancel`).
 */
import { LogdockError } from '../../common/errors';

export interface QueuedLoad {
  /** Resolves when the task did; rejects with its error, or CLOSED once cancelled. */
  readonly done: Promise<void>;
  /** Starts the task now if it still waits (it then takes no slot). */
  hurry(): void;
  /** Drops the task if it has not started: `done` rejects with CLOSED. False when started. */
  cancel(): boolean;
}

interface Entry {
  started: boolean;
  /** Runs the task; `inSlot`: it holds one of the queue's slots until it settles. */
  start(inSlot: boolean): void;
}

export class LoadQueue {
  /** In queue order (a Set: dropping one is O(1) when thousands wait). */
  private readonly waiting = new Set<Entry>();
  private running = 0;

  constructor(private readonly limit: number) {}

  /** Queues `task` (`name` goes in the CLOSED error of a cancelled one). */
  schedule(name: string, task: () => Promise<void>): QueuedLoad {
    let settle!: (outcome: Promise<void>) => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const entry: Entry = {
      started: false,
      start: (inSlot) => {
        entry.started = true;
        const run = Promise.resolve().then(task); // a synchronous throw rejects too
        settle(run);
        if (inSlot) void run.catch(() => undefined).then(() => this.release());
      },
    };
    if (this.running < this.limit) {
      this.running++;
      entry.start(true);
    } else {
      this.waiting.add(entry);
    }
    return {
      done,
      hurry: () => {
        if (entry.started) return;
        this.waiting.delete(entry);
        entry.start(false);
      },
      cancel: () => {
        if (entry.started) return false;
        this.waiting.delete(entry);
        entry.started = true;
        settle(Promise.reject(new LogdockError('CLOSED', `partition log ${name} is closed`)));
        return true;
      },
    };
  }

  /** A slot's task settled: the next waiting one takes the slot. */
  private release(): void {
    const next = this.waiting.values().next();
    if (!next.done) {
      this.waiting.delete(next.value);
      next.value.start(true);
    } else this.running--;
  }
}
