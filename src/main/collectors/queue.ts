/**
 * The producing side of stream sources (command output, syslog, pipe), which have no
 * file to act as a buffer: records are queued and sent in order with one `cluster.send`
 * in flight, each send taking everything queued so far (batching grows with load and
 * stays at one record when idle, for latency). `full` tells the reader to pause its
 * stream until `onDrain` fires: that is the backpressure.
 */
import type { Acks, Cluster, ProduceRecord } from '../cluster';

export class RecordQueue {
  private queue: ProduceRecord[] = [];
  private queuedBytes = 0;
  /** Called once the records queued so far are appended (or failed). */
  private queuedWaiters: (() => void)[] = [];
  private sending: Promise<void> | null = null;
  private drainListeners: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  lastError: string | null = null;
  sent = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly opts: {
      maxQueuedBytes?: number;
      acks?: Acks;
      onError?: (err: Error) => void;
    } = {},
  ) {}

  get full(): boolean {
    return this.queuedBytes >= (this.opts.maxQueuedBytes ?? 8 * 1024 * 1024);
  }

  /**
   * Queues records; they are sent as soon as the previous send is acknowledged. Resolves
   * once they are appended or their send failed (see `lastError`): a reader that waits
   * for it reads no further than what is in the log.
   */
  push(records: ProduceRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    for (const r of records) {
      this.queue.push(r);
      this.queuedBytes += (r.value?.length ?? 0) + 64;
    }
    const done = new Promise<void>((resolve) => this.queuedWaiters.push(resolve));
    if (!this.sending) this.sending = this.run();
    return done;
  }

  /** Calls `listener` once the queue is no longer full. */
  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  /** Resolves once everything queued so far has been sent (or failed). */
  async idle(): Promise<void> {
    if (!this.sending && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    // Yield first: `sending` must be assigned before the `finally` below clears it.
    await Promise.resolve();
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        const waiters = this.queuedWaiters;
        this.queue = [];
        this.queuedWaiters = [];
        this.queuedBytes = 0;
        this.wakeDrain();
        try {
          await this.cluster.send(batch, { acks: this.opts.acks ?? 1 });
          this.sent += batch.length;
          this.lastError = null;
        } catch (err) {
          // A stream cannot be re-read: report and drop rather than block the source.
          this.lastError = (err as Error).message;
          this.opts.onError?.(err as Error);
        }
        for (const w of waiters) w();
      }
    } finally {
      this.sending = null;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private wakeDrain(): void {
    const listeners = this.drainListeners;
    this.drainListeners = [];
    for (const l of listeners) l();
  }
}
