/**
 * Sends records through a running Logdock's API in batches, several in flight: a batch
 * closes at `maxRecords` records or `maxBytes` of text, and `push` waits while
 * `maxInFlight` batches are unanswered, so memory stays bounded whatever the input size
 * (about maxInFlight x maxBytes) while the socket and the server's appends overlap.
 * Batches are sent in order on one connection, which the server appends in arrival order.
 */
export interface BatchSender<R> {
  (records: R[]): Promise<unknown>;
}

export interface PipelineOptions {
  maxRecords: number;
  maxBytes: number;
  maxInFlight: number;
}

export class BatchPipeline<R> {
  private batch: R[] = [];
  private batchBytes = 0;
  private readonly inFlight = new Set<Promise<unknown>>();
  private failure: unknown = null;
  /** Records acknowledged by the server. */
  acked = 0;

  constructor(
    private readonly send: BatchSender<R>,
    private readonly options: PipelineOptions,
  ) {}

  /** Adds a record of `bytes` text bytes; resolves once there is room for more. */
  async push(record: R, bytes: number): Promise<void> {
    this.batch.push(record);
    this.batchBytes += bytes;
    if (this.batch.length >= this.options.maxRecords || this.batchBytes >= this.options.maxBytes) {
      await this.sendBatch();
    }
  }

  /** Sends what is left and waits for every batch; throws the first failure. */
  async finish(): Promise<void> {
    if (this.batch.length > 0) await this.sendBatch();
    await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  private async sendBatch(): Promise<void> {
    this.throwIfFailed();
    const records = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    const sent = this.send(records).then(
      () => {
        this.acked += records.length;
      },
      (err: unknown) => {
        this.failure ??= err;
      },
    );
    const tracked = sent.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    while (this.inFlight.size >= this.options.maxInFlight) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}
