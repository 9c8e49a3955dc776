/**
 * The background scrub: reads every sealed segment of every partition back from disk and
 * checks each batch (CRC-32C, offsets) so that corruption is reported — in the log and the
 * UI, through the logs' onCorruption — before a reader meets it. Kafka has no such thing
 * (it trusts the disk and lets clients check CRCs); ZFS's scrub is the model.
 *
 * Bounded I/O: at most `bytesPerSecond` (default 8 MiB/s: a 10 GB data dir in ~20 minutes,
 * a few percent of a laptop SSD), in chunks of 1 MiB with a pause after each. Idle time
 * only: when a pause overshoots by more than `busyLagMs` the event loop is busy serving
 * others, and the scrub waits longer (doubling up to 5 s) before its next chunk. Passes
 * repeat every `intervalMs` (default 24 h), the first after `startDelayMs` (default 2 min,
 * out of the way of start-up).
 */
import type { CorruptionFinding } from './api';
import type { PartitionLog } from './partition-log';

export interface ScrubReport {
  startedAt: number;
  finishedAt: number;
  /** Partitions scrubbed and bytes read. */
  partitions: number;
  bytes: number;
  corrupt: (CorruptionFinding & { log: string })[];
}

export interface ScrubberOptions {
  logs: () => Iterable<PartitionLog>;
  bytesPerSecond?: number;
  intervalMs?: number;
  startDelayMs?: number;
  busyLagMs?: number;
  onPass?: (report: ScrubReport) => void;
  onError?: (log: PartitionLog, err: unknown) => void;
  clock?: () => number;
}

export const DEFAULT_SCRUB_BYTES_PER_SECOND = 8 * 1024 * 1024;
export const DEFAULT_SCRUB_INTERVAL_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_SCRUB_START_DELAY_MS = 2 * 60 * 1000;
const MAX_BACKOFF_MS = 5000;

class Stopped extends Error {}

export class Scrubber {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<ScrubReport> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  private readonly rate: number;
  private readonly busyLagMs: number;
  private readonly clock: () => number;

  constructor(private readonly opts: ScrubberOptions) {
    this.rate = opts.bytesPerSecond ?? DEFAULT_SCRUB_BYTES_PER_SECOND;
    this.busyLagMs = opts.busyLagMs ?? 50;
    this.clock = opts.clock ?? Date.now;
  }

  /** Schedules the passes (timers do not keep the process alive). */
  start(): void {
    if (this.timer || this.stopped) return;
    const schedule = (delay: number) => {
      this.timer = setTimeout(() => {
        void this.runOnce().finally(() => {
          if (!this.stopped) schedule(this.opts.intervalMs ?? DEFAULT_SCRUB_INTERVAL_MS);
        });
      }, delay);
      this.timer.unref();
    };
    schedule(this.opts.startDelayMs ?? DEFAULT_SCRUB_START_DELAY_MS);
  }

  /** Runs one pass now (or joins the running one). Never rejects. */
  runOnce(): Promise<ScrubReport> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<ScrubReport> {
    const report: ScrubReport = {
      startedAt: this.clock(),
      finishedAt: 0,
      partitions: 0,
      bytes: 0,
      corrupt: [],
    };
    let backoff = 0;
    const pace = async (bytes: number): Promise<void> => {
      report.bytes += bytes;
      const wanted = (bytes / this.rate) * 1000 + backoff;
      const t0 = performance.now();
      await this.sleep(wanted);
      const lag = performance.now() - t0 - wanted;
      backoff = lag > this.busyLagMs ? Math.min(MAX_BACKOFF_MS, Math.max(100, backoff * 2)) : 0;
    };
    try {
      for (const log of this.opts.logs()) {
        if (this.stopped) break;
        try {
          const found = await log.scrub(pace);
          report.partitions++;
          for (const f of found) report.corrupt.push({ ...f, log: log.name });
        } catch (err) {
          if (err instanceof Stopped) break;
          this.opts.onError?.(log, err);
        }
      }
    } finally {
      report.finishedAt = this.clock();
    }
    if (!this.stopped) this.opts.onPass?.(report);
    return report;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.reject(new Stopped());
    if (ms < 1) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        reject(new Stopped());
      };
    });
  }

  /** Stops the schedule and ends a running pass at its next pause. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wake?.();
    await this.running;
  }
}
