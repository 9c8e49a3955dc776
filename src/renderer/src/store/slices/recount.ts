/**
 * When the histogram above the browser may count a growing view again. Why: a count of the
 * whole view scans every message of it in the main process, and a view followed while it
 * grows fast (a collector's 1 M lines, a kcat producer) would otherwise be counted again and
 * again: measured (`npm run bench loop`), those counts took the main process's time from the
 * ingest (1 M lines in ~40 s instead of ~7-11 s), from `topics.list` and from the tail the
 * browser shows. Counting also stalls the tail, which looked like a settled topic and
 * started the next count.
 */

/** How long the view must stay the same size before it is counted again. */
export const SETTLE_MS = 2000;
/** A count takes at most 1/RECOUNT_FACTOR of the time, however fast the view grows. */
export const RECOUNT_FACTOR = 20;

/** How long the last count took, and when it ended (performance.now(), ms). */
export interface CountCost {
  ms: number;
  endedAt: number;
}

/**
 * ms to wait, from `now`, before counting the view again (0: now). A count still running
 * is never joined by another; after one, RECOUNT_FACTOR times its time must pass.
 */
export function recountDelay(last: CountCost | null, running: boolean, now: number): number {
  if (running) return SETTLE_MS;
  if (!last) return 0;
  return Math.max(0, last.endedAt + last.ms * RECOUNT_FACTOR - now);
}
