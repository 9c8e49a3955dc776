/**
 * Byte ranges of one segment file whose batches passed their CRC check in this process, so
 * that reading them again does not check again (ZFS keeps blocks it verified in its cache
 * the same way). What enters: batches written by this process (each checked before it was
 * written), the prefix recovery validated, and ranges a reader or the scrub checked. What
 * leaves: everything past a truncation, and a range the scrub later finds corrupt (bytes
 * changed under a running process). A range is only ever dropped early (the set is bounded),
 * which costs a second check and never skips one.
 */
export class VerifiedRanges {
  /** Disjoint, sorted, non-adjacent [start, end) pairs. */
  private ranges: [number, number][] = [];

  /** At most `maxRanges` separate ranges are kept (random reads make many small ones). */
  constructor(private readonly maxRanges = 64) {}

  /** True when [start, end) lies inside one verified range. */
  covers(start: number, end: number): boolean {
    const r = this.ranges;
    let lo = 0;
    let hi = r.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (r[mid][0] <= start) {
        if (end <= r[mid][1]) return true;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return false;
  }

  /** Marks [start, end) verified, merging with ranges it overlaps or touches. */
  add(start: number, end: number): void {
    if (end <= start) return;
    const kept: [number, number][] = [];
    let s = start;
    let e = end;
    for (const [a, b] of this.ranges) {
      if (b < s || a > e) kept.push([a, b]);
      else {
        s = Math.min(s, a);
        e = Math.max(e, b);
      }
    }
    kept.push([s, e]);
    kept.sort((x, y) => x[0] - y[0]);
    // Too many: forget the smallest (it will simply be checked again when read).
    while (kept.length > this.maxRanges) {
      let smallest = 0;
      for (let i = 1; i < kept.length; i++)
        if (kept[i][1] - kept[i][0] < kept[smallest][1] - kept[smallest][0]) smallest = i;
      kept.splice(smallest, 1);
    }
    this.ranges = kept;
  }

  /** Forgets whatever overlaps [start, end). */
  remove(start: number, end: number): void {
    const kept: [number, number][] = [];
    for (const [a, b] of this.ranges) {
      if (b <= start || a >= end) kept.push([a, b]);
      else {
        if (a < start) kept.push([a, start]);
        if (b > end) kept.push([end, b]);
      }
    }
    this.ranges = kept;
  }

  clear(): void {
    this.ranges = [];
  }
}
