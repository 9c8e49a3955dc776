import type { Lane } from './lanes';
import type { MessageSource } from './partitions';
import { laneMemo, viewMemo, type ViewMemo } from './time-memo';

/**
 * How many messages of each lane (a partition of a topic) come before a timestamp, i.e. the
 * merged view's positions at time T. Uses only "first offset at or after T" lookups (Kafka's
 * ListOffsets), remembered across requests while the lanes' ends are unchanged
 * (time-memo.ts): a seek's locate and the windows after it ask about the same times.
 *
 * Assumes timestamps do not go backwards inside a partition (LogAppendTime, or CreateTime
 * from one clock); where they do, the merged order is approximate, never lossy for a
 * single-partition view, which uses offsets only.
 */
/** Rows timeOfIndex reads back from a time asked before rather than searching. */
const BACK_ROWS = 500;

export class TimePositions {
  private readonly totals: ViewMemo;

  constructor(
    private readonly source: MessageSource,
    readonly parts: Lane[],
  ) {
    this.totals = viewMemo(source, parts);
  }

  /** Messages of `part` with timestamp < t (0 .. logEnd - logStart). */
  async before(part: Lane, t: number): Promise<number> {
    const memo = laneMemo(this.source, part).before;
    const cached = memo.get(t);
    if (cached !== undefined) return cached;
    const found = await this.source.offsetForTimestamp(part.topic, part.partition, t);
    const offset =
      found === null
        ? part.logEndOffset
        : Math.min(Math.max(found, part.logStartOffset), part.logEndOffset);
    const n = offset - part.logStartOffset;
    memo.set(t, n);
    return n;
  }

  /**
   * [oldest - 1, newest + 1] over the lanes: a lane's first and last messages are its
   * oldest and newest (timestamps do not go backwards in a partition, see above). Two
   * one-record reads per lane, asked at once.
   */
  private async span(): Promise<[number, number]> {
    const ends = (
      await Promise.all(
        this.parts.filter((p) => p.logEndOffset > p.logStartOffset).map((p) => this.laneSpan(p)),
      )
    ).flat();
    const known = ends.filter((t): t is number => t !== null);
    if (known.length === 0) return [0, 2 ** 53];
    return [Math.max(0, Math.min(...known) - 1), Math.max(...known) + 1];
  }

  /**
   * The timestamp of the k-th row before time `t` (k >= 1): the k-th greatest in merged
   * order of every lane's last k messages stamped before `t`. Null when there are fewer.
   */
  private async timeBack(t: number, k: number): Promise<number | null> {
    const tails = await Promise.all(
      this.parts.map(async (lane, l) => {
        const end = lane.logStartOffset + (await this.before(lane, t));
        const from = Math.max(lane.logStartOffset, end - k);
        if (from >= end) return [];
        const records = await this.source.readRecords(lane.topic, lane.partition, from, {
          maxRecords: end - from,
        });
        return records
          .filter((r) => r.offset >= from && r.offset < end)
          .map((r) => ({ t: r.timestamp, l, o: r.offset }));
      }),
    );
    const keys = tails.flat().sort((a, b) => b.t - a.t || b.l - a.l || b.o - a.o);
    return keys[k - 1]?.t ?? null;
  }

  /** A lane's first and last timestamps, read once while its ends are unchanged. */
  private async laneSpan(p: Lane): Promise<[number | null, number | null]> {
    const memo = laneMemo(this.source, p);
    memo.span ??= await Promise.all([
      this.timestampAt(p, p.logStartOffset),
      this.timestampAt(p, p.logEndOffset - 1),
    ]);
    return memo.span;
  }

  /** The timestamp of the first message at or after `offset` of a lane (null: none). */
  private async timestampAt(part: Lane, offset: number): Promise<number | null> {
    const records = await this.source.readRecords(part.topic, part.partition, offset, {
      maxRecords: 1,
    });
    return records.find((r) => r.offset >= offset)?.timestamp ?? null;
  }

  /** Messages of all lanes with timestamp < t (the lanes are asked at once). */
  async total(t: number): Promise<number> {
    const known = this.totals.get(t);
    if (known !== undefined) return known;
    const counts = await Promise.all(this.parts.map((p) => this.before(p, t)));
    const n = counts.reduce((a, b) => a + b, 0);
    this.totals.set(t, n);
    return n;
  }

  /**
   * The latest time T with total(T) <= index: the row `index` has timestamp T, and is
   * the (index - total(T))-th of the messages stamped T.
   */
  async timeOfIndex(index: number): Promise<number> {
    // The search runs between the oldest and the newest message, not over all of time, and
    // guesses where the index falls as if messages were spread evenly over the interval
    // (logs mostly are), halving instead when a guess did not at least halve it: a handful
    // of steps where bisection takes log2 of the span in ms (~27 for a day).
    let [lo, hi] = await this.span();
    let below = await this.total(lo);
    if (below > index) [lo, below] = [0, 0]; // total(0) is 0 for timestamps >= 0
    let above = await this.total(hi);
    if (above <= index) [hi, above] = [2 ** 53, Infinity]; // nothing is stamped later
    // Times asked before (a seek's locate, earlier windows) narrow the interval at once.
    for (const [t, n] of this.totals) {
      if (n <= index && t > lo) [lo, below] = [t, n];
      else if (n > index && t < hi) [hi, above] = [t, n];
    }
    // A row a few rows before a time asked before (a seek's page starts up to a page before
    // the row located) is found by reading those rows rather than searching time.
    if (Number.isFinite(above) && above - index <= BACK_ROWS) {
      const t = await this.timeBack(hi, above - index);
      if (t !== null && t > lo && t < hi) {
        const [n, next] = await Promise.all([this.total(t), this.total(t + 1)]);
        if (n <= index && next > index) return t;
      }
    }
    let guess = true;
    while (hi - lo > 1) {
      const width = hi - lo;
      const mid =
        guess && Number.isFinite(above) && above > below
          ? lo + Math.floor(((index - below + 0.5) / (above - below)) * width)
          : lo + Math.floor(width / 2);
      const at = Math.min(hi - 1, Math.max(lo + 1, mid));
      const n = await this.total(at);
      if (n <= index) [lo, below] = [at, n];
      else [hi, above] = [at, n];
      guess = hi - lo <= width / 2; // a guess that did not halve the interval: bisect once
    }
    return lo;
  }
}
