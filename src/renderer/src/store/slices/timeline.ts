import type { StateCreator } from 'zustand';
import type { ResultOf, Unsubscribe } from '../../../../common/api/contract';
import type { AppState } from '../index';
import { asPayload } from './errors';
import { columnsKeyOf, windowOf } from './view-source';
import { recountDelay, type CountCost } from './recount';

/** Buckets of the histogram above the browser. */
const BUCKETS = 80;

type Histogram = ResultOf<'dashboard.histogram'>;

export type Timeline = Histogram & {
  /** The view counted: a topic, or a timeline's topics (columnsKeyOf). */
  view: string;
  from: number;
  to: number;
  /** The whole span of the view (false: a range the person selected). */
  whole: boolean;
  /** Counts the hits of the search shown (false: every message of the view). */
  search: boolean;
  /** Still counting (a search's hits stream in). */
  running: boolean;
};

/**
 * The histogram above the message browser: the open view's messages over time (its
 * partitions only, or every topic of a timeline), stacked by level, over its whole span
 * (oldest to newest message) or a range the person selected; while a search is shown, its
 * hits instead (counted by the main process with `messages.aggregate`, filling in as the
 * scan goes). A timeline's counts are its topics' counts summed, bucket by bucket (every
 * topic is asked for the same buckets).
 */
export interface TimelineSlice {
  timeline: Timeline | null;
  timelineError: string | null;
  /** Loads the histogram of the open view (or search) over `range`, or its whole span. */
  loadTimeline(range?: { from: number; to: number }): Promise<void>;
  /** ms to wait before the view's histogram is counted again as it grows (see recount.ts). */
  timelineRecountIn(): number;
}

/** Bucket-by-bucket sums of histograms over the same buckets. */
export function sumHistograms(parts: Histogram[]): Histogram {
  const [first, ...rest] = parts;
  const buckets = first.buckets.map((b, i) => {
    const counts = { ...b.counts };
    for (const p of rest)
      for (const [level, n] of Object.entries(p.buckets[i]?.counts ?? {}))
        counts[level as keyof typeof counts] += n;
    return { start: b.start, counts };
  });
  return {
    bucketMs: first.bucketMs,
    buckets,
    scanned: parts.reduce((n, p) => n + p.scanned, 0),
    truncated: parts.some((p) => p.truncated),
  };
}

export const createTimelineSlice: StateCreator<AppState, [], [], TimelineSlice> = (set, get) => {
  let stopCount: Unsubscribe[] = [];
  let seq = 0;
  /** Histogram counts (not a search's) under way by view, and what each view's last cost. */
  const counting = new Map<string, number>();
  const lastCount = new Map<string, CountCost>();

  /** The time span of the view: the timestamps of its first and last rows. */
  const viewSpan = async () => {
    const view = get().browser;
    if (view.total === 0) return null;
    // Rows are in time order across partitions in a merged view; the first and the last
    // bound the span (one partition's timestamps are near enough in order for a chart).
    const at = (start: number) => windowOf(get().api, view, start, 1, 16);
    const [first, last] = await Promise.all([at(0), at(view.total - 1)]);
    const from = first.rows[0]?.timestamp;
    const to = last.rows[0]?.timestamp;
    if (from === undefined || to === undefined) return null;
    return { from: Math.max(0, Math.floor(from)), to: Math.floor(to) + 1 };
  };

  /** Each topic of the view with the partitions it shows (null: all). */
  const partsOfView = () => {
    const { topic, partitions, topics } = get().browser;
    if (topics !== null) return topics.map((t) => ({ topic: t, partitions: null }));
    return topic === null ? [] : [{ topic, partitions }];
  };

  const stopCounting = () => {
    for (const stop of stopCount) stop();
    stopCount = [];
  };

  return {
    timeline: null,
    timelineError: null,
    loadTimeline: async (range) => {
      const view = columnsKeyOf(get().browser);
      const parts = partsOfView();
      if (view === null || parts.length === 0 || get().browser.total === 0) return;
      const mine = ++seq;
      stopCounting();
      const stale = () => mine !== seq || columnsKeyOf(get().browser) !== view;
      try {
        const span = range ?? (await viewSpan());
        if (!span || stale()) return;
        const to = Math.max(span.to, span.from + 1);
        const base = { view, from: span.from, to, whole: range === undefined };
        const active = get().search.active;
        if (!active) {
          const t0 = performance.now();
          counting.set(view, (counting.get(view) ?? 0) + 1);
          const results = await Promise.all(
            parts.map(({ topic, partitions }) =>
              get().api.call('dashboard.histogram', {
                topic,
                ...(partitions ? { partitions } : {}),
                from: span.from,
                to,
                buckets: BUCKETS,
              }),
            ),
          ).finally(() => {
            counting.set(view, counting.get(view)! - 1);
            const endedAt = performance.now();
            lastCount.clear(); // one view's is enough to keep
            lastCount.set(view, { ms: endedAt - t0, endedAt });
          });
          if (stale()) return;
          set({
            timeline: { ...sumHistograms(results), ...base, search: false, running: false },
            timelineError: null,
          });
          return;
        }
        // The hits of each topic counted on their own, summed as they come.
        const latest: (Histogram | null)[] = parts.map(() => null);
        const finals = parts.map(() => false);
        const show = () => {
          const known = latest.filter((h): h is Histogram => h !== null);
          if (known.length === 0) return;
          set({
            timeline: {
              ...sumHistograms(known),
              ...base,
              search: true,
              running: finals.some((f) => !f),
            },
            timelineError: null,
          });
        };
        stopCount = parts.map(({ topic, partitions }, i) =>
          get().api.subscribe(
            'messages.aggregate',
            {
              topic,
              partitions,
              query: active.query,
              range: active.range,
              histogram: { from: span.from, to, buckets: BUCKETS },
            },
            (e) => {
              if (stale()) return;
              if (e.type === 'result' && e.histogram) {
                latest[i] = { ...e.histogram, scanned: e.matched, truncated: e.truncated };
                finals[i] = e.final;
                show();
              } else if (e.type === 'error') set({ timelineError: e.message });
            },
            (err) => {
              if (!stale()) set({ timelineError: err.message });
            },
          ),
        );
      } catch (err) {
        if (!stale()) set({ timelineError: asPayload(err).message });
      }
    },
    timelineRecountIn: () => {
      const view = columnsKeyOf(get().browser) ?? '';
      const running = (counting.get(view) ?? 0) > 0;
      return recountDelay(lastCount.get(view) ?? null, running, performance.now());
    },
  };
};
