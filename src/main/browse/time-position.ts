import { laneKey, type Lane } from './lanes';
import type { MessageSource } from './partitions';

/**
 * How many messages of each lane (a partition of a topic) come before a timestamp, i.e. the
 * merged view's positions at time T. Uses only "first offset at or after T" lookups (Kafka's
 * ListOffsets), memoised for the life of one request.
 *
 * Assumes timestamps do not go backwards inside a partition (LogAppendTime, or CreateTime
 * from one clock); where they do, the merged order is approximate, never lossy for a
 * single-partition view, which uses offsets only.
 */
export class TimePositions {
  private readonly memo = new Map<string, number>();

  constructor(
    private readonly source: MessageSource,
    readonly parts: Lane[],
  ) {}

  /** Messages of `part` with timestamp < t (0 .. logEnd - logStart). */
  async before(part: Lane, t: number): Promise<number> {
    const k = `${laneKey(part)}:${t}`;
    const cached = this.memo.get(k);
    if (cached !== undefined) return cached;
    const found = await this.source.offsetForTimestamp(part.topic, part.partition, t);
    const offset =
      found === null
        ? part.logEndOffset
        : Math.min(Math.max(found, part.logStartOffset), part.logEndOffset);
    const n = offset - part.logStartOffset;
    this.memo.set(k, n);
    return n;
  }

  /** Messages of all lanes with timestamp < t (the lanes are asked at once). */
  async total(t: number): Promise<number> {
    const counts = await Promise.all(this.parts.map((p) => this.before(p, t)));
    return counts.reduce((a, b) => a + b, 0);
  }

  /**
   * The latest time T with total(T) <= index: the row `index` has timestamp T, and is
   * the (index - total(T))-th of the messages stamped T.
   */
  async timeOfIndex(index: number): Promise<number> {
    let lo = 0; // total(0) is 0 for timestamps >= 0
    let hi = 2 ** 53; // nothing is stamped later, so total(hi) is every message
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if ((await this.total(mid)) <= index) lo = mid;
      else hi = mid;
    }
    return lo;
  }
}
