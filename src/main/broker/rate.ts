/**
 * Counts records per second over a sliding minute (one bucket per second), for the
 * "recent message rate" of a topic. Cheap enough to call on every append.
 */
export class RateMeter {
  private readonly buckets = new Float64Array(60);
  private readonly stamps = new Float64Array(60);

  constructor(private readonly clock: () => number) {}

  add(count: number): void {
    const sec = Math.floor(this.clock() / 1000);
    const i = sec % 60;
    if (this.stamps[i] !== sec) {
      this.stamps[i] = sec;
      this.buckets[i] = 0;
    }
    this.buckets[i] += count;
  }

  /** Records per second averaged over the last 60 seconds. */
  perSecond(): number {
    const now = Math.floor(this.clock() / 1000);
    let total = 0;
    for (let i = 0; i < 60; i++) if (now - this.stamps[i] < 60) total += this.buckets[i];
    return total / 60;
  }
}
