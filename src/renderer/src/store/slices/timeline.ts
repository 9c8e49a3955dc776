import type { StateCreator } from 'zustand';
import type { ResultOf } from '../../../../common/api/contract';
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
};

/**
 * The histogram above the message browser: the open topic's messages over time, stacked by
 * level, over its whole span (oldest to newest message) or a range the person selected.
 */
export interface TimelineSlice {
  timeline: Timeline | null;
  timelineError: string | null;
  /** Loads the histogram of the open topic over `range`, or its whole span. */
  loadTimeline(range?: { from: number; to: number }): Promise<void>;
}

export const createTimelineSlice: StateCreator<AppState, [], [], TimelineSlice> = (set, get) => ({
  timeline: null,
  timelineError: null,
  loadTimeline: async (range) => {
    const { topic, partitions, total } = get().browser;
    if (topic === null || total === 0) return;
    try {
      let span = range;
      if (!span) {
        // Rows are in time order across partitions in a merged view; the first and the last
        // bound the span (one partition's timestamps are near enough in order for a chart).
        const at = (start: number) =>
          get().api.call('messages.window', {
            topic,
            partitions,
            start,
            count: 1,
            previewBytes: 16,
          });
        const [first, last] = await Promise.all([at(0), at(total - 1)]);
        const from = first.rows[0]?.timestamp;
        const to = last.rows[0]?.timestamp;
        if (from === undefined || to === undefined) return;
        span = { from: Math.max(0, Math.floor(from)), to: Math.floor(to) + 1 };
      }
      const to = Math.max(span.to, span.from + 1);
      const result = await get().api.call('dashboard.histogram', {
        topic,
        from: span.from,
        to,
        buckets: BUCKETS,
      });
      if (get().browser.topic !== topic) return; // another topic opened meanwhile
      set({
        timeline: { ...result, topic, from: span.from, to, whole: range === undefined },
        timelineError: null,
      });
    } catch (err) {
      if (get().browser.topic === topic) set({ timelineError: asPayload(err).message });
    }
  },
});
