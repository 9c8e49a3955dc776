import type { StateCreator } from 'zustand';
import type { ResultOf, Unsubscribe } from '../../../../common/api/contract';
import type { AppState } from '../index';
import { asPayload } from './errors';

/** Buckets of the histogram above the browser. */
const BUCKETS = 80;

export type Timeline = ResultOf<'dashboard.histogram'> & {
  topic: string;
  from: number;
  to: number;
  /** The whole span of the topic (false: a range the person selected). */
  whole: boolean;
  /** Counts the hits of the search shown (false: every message of the view). */
  search: boolean;
  /** Still counting (a search's hits stream in). */
  running: boolean;
};

/**
 * The histogram above the message browser: the open view's messages over time (its
 * partitions only), stacked by level, over its whole span (oldest to newest message) or a
 * range the person selected; while a search is shown, its hits instead (counted by the main
 * process with `messages.aggregate`, filling in as the scan goes).
 */
export interface TimelineSlice {
  timeline: Timeline | null;
  timelineError: string | null;
  /** Loads the histogram of the open view (or search) over `range`, or its whole span. */
  loadTimeline(range?: { from: number; to: number }): Promise<void>;
}

export const createTimelineSlice: StateCreator<AppState, [], [], TimelineSlice> = (set, get) => {
  let stopCount: Unsubscribe | null = null;
  let seq = 0;

  /** The time span of the view: the timestamps of its first and last rows. */
  const viewSpan = async () => {
    const { topic, partitions, total } = get().browser;
    if (topic === null || total === 0) return null;
    // Rows are in time order across partitions in a merged view; the first and the last
    // bound the span (one partition's timestamps are near enough in order for a chart).
    const at = (start: number) =>
      get().api.call('messages.window', { topic, partitions, start, count: 1, previewBytes: 16 });
    const [first, last] = await Promise.all([at(0), at(total - 1)]);
    const from = first.rows[0]?.timestamp;
    const to = last.rows[0]?.timestamp;
    if (from === undefined || to === undefined) return null;
    return { from: Math.max(0, Math.floor(from)), to: Math.floor(to) + 1 };
  };

  return {
    timeline: null,
    timelineError: null,
    loadTimeline: async (range) => {
      const { topic, partitions } = get().browser;
      if (topic === null || get().browser.total === 0) return;
      const mine = ++seq;
      stopCount?.();
      stopCount = null;
      const stale = () => mine !== seq || get().browser.topic !== topic;
      try {
        const span = range ?? (await viewSpan());
        if (!span || stale()) return;
        const to = Math.max(span.to, span.from + 1);
        const base = { topic, from: span.from, to, whole: range === undefined };
        const active = get().search.active;
        if (!active) {
          const result = await get().api.call('dashboard.histogram', {
            topic,
            ...(partitions ? { partitions } : {}),
            from: span.from,
            to,
            buckets: BUCKETS,
          });
          if (stale()) return;
          set({
            timeline: { ...result, ...base, search: false, running: false },
            timelineError: null,
          });
          return;
        }
        stopCount = get().api.subscribe(
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
              set({
                timeline: {
                  ...e.histogram,
                  ...base,
                  scanned: e.matched,
                  truncated: e.truncated,
                  search: true,
                  running: !e.final,
                },
                timelineError: null,
              });
            } else if (e.type === 'error') set({ timelineError: e.message });
          },
          (err) => {
            if (!stale()) set({ timelineError: err.message });
          },
        );
      } catch (err) {
        if (!stale()) set({ timelineError: asPayload(err).message });
      }
    },
  };
};
