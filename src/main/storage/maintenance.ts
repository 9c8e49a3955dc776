/**
 * The one scheduler of retention and compaction (Kafka's log.retention.check.interval.ms):
 * every `intervalMs`, runs each listed log's maintain() — retention, then compaction when
 * it is due. Partition logs run no timer of their own, so the owner's interval is the only
 * one. One pass at a time; a failing partition is reported through `onError` and does not
 * stop the others.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { PartitionLog } from './partition-log';

export class LogMaintenance {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly logs: () => Iterable<PartitionLog>,
    private readonly intervalMs: number,
    private readonly onError: (log: PartitionLog, err: unknown) => void = () => undefined,
  ) {}

  /** Starts the periodic passes (the timer does not keep the process alive). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /**
   * Runs one pass now (or joins the running one). With `force`, compaction runs on every
   * compacting log whether due or not (an explicit request). Never rejects.
   */
  runOnce(opts: { force?: boolean } = {}): Promise<void> {
    this.running ??= this.pass(opts.force ?? false).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(force: boolean): Promise<void> {
    for (const log of this.logs()) {
      try {
        await log.maintain({ force });
      } catch (err) {
        this.onError(log, err);
      }
      // A partition with nothing to do finishes without touching the disk, in microtasks:
      // thousands in a row would hold the event loop (the UI, the Kafka listener) for the
      // whole pass. Other callbacks run between partitions.
      await yieldToLoop();
    }
  }

  /** Stops the timer and waits for a running pass. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
