/**
 * The appends one pump of a file has in flight. Each is made to wait for the one before it
 * (`last`, its gate), so they land in the order the chunks were read, positions advance in
 * order, and a failed one makes every later one fail without appending. Chunks are read
 * and sent ahead of their appends, at most `depth` at once, so that the ingest threads
 * encode some while the main thread appends another.
 */
export class SendChain {
  private readonly sends: Promise<void>[] = [];
  /** The latest append: the gate of the next. */
  last: Promise<void> = Promise.resolve();

  constructor(private readonly depth: number) {}

  /**
   * Adds an append gated on `last`; once `depth` are in flight, waits for the oldest.
   * @throws the oldest one's error.
   */
  async add(sending: Promise<void>): Promise<void> {
    sending.catch(() => {}); // awaited later, through `last` or the queue
    this.last = sending;
    this.sends.push(sending);
    if (this.sends.length >= this.depth) await this.sends.shift();
  }

  /** Waits for every append. @throws the first failure (every later one failed too). */
  async drain(): Promise<void> {
    await this.last;
    this.sends.length = 0;
  }

  /** Waits for every append to land or fail; never throws. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.sends.splice(0));
  }
}
