/**
 * Which row windows the message table needs next, from where it is and how it moves. Pure
 * functions and a small motion record, so that the policy is testable without a table.
 *
 * Why: a window takes a round trip to the main process (a few ms to tens of ms on a busy
 * machine), and a table that asks only for the rows in view (plus half a window) shows
 * loading rows on every frame of a scroll faster than that margin. So the store asks ahead
 * in the direction of motion, as far as the view will travel in PREFETCH_HORIZON_MS, and
 * one window behind; a repeated large jump (a fling over the scaled scrollbar, where one
 * frame can move thousands of rows) is extrapolated to where the next frames will land.
 */

/** Rows per fetched window (the unit of caching and eviction). */
export const PAGE_SIZE = 100;
/** Windows kept in memory; the least recently needed beyond this are dropped (bounded heap). */
export const MAX_PAGES = 40;
/** How far ahead in time the store fetches during continuous scrolling. */
export const PREFETCH_HORIZON_MS = 400;
/** The most windows fetched ahead of the view; with the view and one behind, under MAX_PAGES. */
export const MAX_AHEAD_PAGES = 20;
/** A move of more rows than this between two updates is a jump, not a scroll. */
export const JUMP_ROWS = 3 * PAGE_SIZE;
/** How many landings of a repeated jump are fetched ahead. */
export const STRIDE_LANDINGS = 4;
/** A view that has not moved for this long is still: no velocity any more. */
const STILL_MS = 150;
/** Only moves this recent count toward the velocity. */
const VELOCITY_WINDOW_MS = 200;
const MAX_SAMPLES = 8;

interface Sample {
  first: number;
  t: number;
  /** Rows moved since the previous sample (0 for the first). */
  step: number;
}

/** Recent positions of the view; reset when the view changes. */
export interface MotionRecord {
  samples: Sample[];
}

export function newMotion(): MotionRecord {
  return { samples: [] };
}

/** Records that the view now starts at row `first` (a no-op when it has not moved). */
export function recordMove(m: MotionRecord, first: number, now: number): void {
  const last = m.samples[m.samples.length - 1];
  if (last && last.first === first) return;
  m.samples.push({ first, t: now, step: last ? first - last.first : 0 });
  if (m.samples.length > MAX_SAMPLES) m.samples.shift();
}

export type Motion =
  | { kind: 'still' }
  /** Rows per ms, signed (positive: toward higher indexes). */
  | { kind: 'scroll'; velocity: number }
  /** The same jump of `stride` rows twice in a row: the next frames will land further on. */
  | { kind: 'stride'; stride: number }
  /** A jump to a place no motion predicts (dragging the scrollbar around, a seek). */
  | { kind: 'jump' };

/** How the view is moving at `now`, from the recorded samples. */
export function motionAt(m: MotionRecord, now: number, count: number): Motion {
  const s = m.samples;
  const last = s[s.length - 1];
  if (!last || s.length < 2 || now - last.t > STILL_MS) return { kind: 'still' };
  if (Math.abs(last.step) > JUMP_ROWS) {
    const prev = s[s.length - 2];
    const same =
      s.length >= 3 &&
      Math.abs(prev.step) > JUMP_ROWS &&
      Math.sign(prev.step) === Math.sign(last.step) &&
      Math.abs(prev.step - last.step) <= Math.max(count, Math.abs(last.step) / 10);
    return same ? { kind: 'stride', stride: last.step } : { kind: 'jump' };
  }
  // Velocity over the recent run of small moves (stops at the latest jump).
  let oldest = last;
  for (let i = s.length - 2; i >= 0; i--) {
    if (Math.abs(s[i + 1].step) > JUMP_ROWS || last.t - s[i].t > VELOCITY_WINDOW_MS) break;
    oldest = s[i];
  }
  if (oldest === last) {
    // One small move after a pause or a jump: its direction is all there is to go on.
    return { kind: 'scroll', velocity: Math.sign(last.step) / STILL_MS };
  }
  return { kind: 'scroll', velocity: (last.first - oldest.first) / (last.t - oldest.t) };
}

export interface Plan {
  /** Pages to have, most urgent first; the first `visible` of them are on screen. */
  pages: number[];
  visible: number;
}

/**
 * The pages the view starting at row `first` showing `count` rows needs now and soon, given
 * its motion, within a view of `total` rows. Visible pages come first, then the ones ahead
 * nearest first, then one behind. Never more than MAX_PAGES - 2 pages.
 */
export function planPages(first: number, count: number, total: number, motion: Motion): Plan {
  const lastPage = Math.ceil(total / PAGE_SIZE) - 1;
  const pages: number[] = [];
  const seen = new Set<number>();
  const add = (page: number) => {
    if (page < 0 || page > lastPage || seen.has(page)) return;
    seen.add(page);
    pages.push(page);
  };
  const addRows = (from: number, to: number) => {
    const lo = Math.max(0, Math.floor(from));
    const hi = Math.min(total, Math.ceil(to));
    for (let p = Math.floor(lo / PAGE_SIZE); p * PAGE_SIZE < hi; p++) add(p);
  };
  if (total <= 0) return { pages, visible: 0 };
  addRows(first, first + count);
  const visible = pages.length;
  switch (motion.kind) {
    case 'stride':
      for (let k = 1; k <= STRIDE_LANDINGS; k++) {
        const at = first + k * motion.stride;
        if (at + count <= 0 || at >= total) break;
        addRows(at, at + count);
      }
      break;
    case 'scroll': {
      const ahead = Math.min(
        MAX_AHEAD_PAGES * PAGE_SIZE,
        Math.max(PAGE_SIZE / 2, Math.abs(motion.velocity) * PREFETCH_HORIZON_MS),
      );
      if (motion.velocity >= 0) {
        addRows(first + count, first + count + ahead);
        addRows(first - PAGE_SIZE, first);
      } else {
        for (
          let p = Math.floor((first - 1) / PAGE_SIZE);
          (p + 1) * PAGE_SIZE > first - ahead;
          p--
        ) {
          if (p < 0) break;
          add(p);
        }
        addRows(first + count, first + count + PAGE_SIZE);
      }
      break;
    }
    case 'still':
      // Half a window either side: small moves by keys or wheel need no round trip.
      addRows(first + count, first + count + PAGE_SIZE / 2);
      addRows(first - PAGE_SIZE / 2, first);
      break;
    case 'jump':
      break; // the next place is anyone's guess: spend nothing beyond the view
  }
  return { pages: pages.slice(0, MAX_PAGES - 2), visible };
}

/**
 * Groups the pages still to fetch into runs of adjacent pages, in the order of the plan, each
 * run at most `maxRun` pages: one request (and one main-process read) fills a whole run.
 */
export function runsOf(pages: number[], maxRun: number): { from: number; count: number }[] {
  const runs: { from: number; count: number }[] = [];
  for (const page of pages) {
    const run = runs.find(
      (r) => r.count < maxRun && (page === r.from + r.count || page === r.from - 1),
    );
    if (!run) runs.push({ from: page, count: 1 });
    else if (page === run.from - 1) {
      run.from--;
      run.count++;
    } else run.count++;
  }
  return runs;
}
