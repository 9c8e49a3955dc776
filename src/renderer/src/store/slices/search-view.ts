import type { StateCreator } from 'zustand';
import type { MessageRow } from '../../../../common/api/messages';
import type { AppState } from '../index';
import { asPayload } from './errors';

/** Messages shown before and after a hit in its context. */
export const CONTEXT_ROWS = 20;

export interface HitContext {
  hit: MessageRow;
  /** The messages around the hit in its partition, oldest first (empty while loading). */
  rows: MessageRow[];
  error: string | null;
}

/**
 * What the message table shows while a search is active: its hits (the table as a filter of
 * the view), the messages around one hit in its partition, or every message (as before the
 * search, e.g. at a hit opened there). The hits' scroll position is kept so that "Back to hits" returns where the person
 * was.
 */
export interface SearchViewSlice {
  searchView: {
    /** Hits, one hit's context, or every message (the search kept, one click away). */
    show: 'hits' | 'context' | 'all';
    context: HitContext | null;
    /** The hits table's scroll position and selected hit, kept while context is shown. */
    hitsScrollTop: number;
    selectedHit: number | null;
    /**
     * Bumped when the selected hit moved by keys or the histogram (not by a click): the
     * hits table then scrolls it into view. A clicked hit is in view already, and scrolling
     * under the pointer would turn a double click into a click on two rows.
     */
    revealSeq: number;
  };
  selectHit(index: number | null): void;
  /** Selects hit `index`, kept within the hits (the keys' j/k, g/G on the hits). */
  moveHit(index: number): void;
  /**
   * Selects the first hit at or after `time` (the last hit when none is): a click on the
   * histogram while the hits are shown.
   */
  selectHitAt(time: number): void;
  keepHitsScroll(top: number): void;
  /** Shows the CONTEXT_ROWS messages before and after `hit` in its partition. */
  showContext(hit: MessageRow): Promise<void>;
  backToHits(): void;
  /** Shows every message of the view, the search kept for "Back to hits". */
  showAllMessages(): void;
}

export const createSearchViewSlice: StateCreator<AppState, [], [], SearchViewSlice> = (
  set,
  get,
) => {
  const patch = (p: Partial<SearchViewSlice['searchView']>) =>
    set((s) => ({ searchView: { ...s.searchView, ...p } }));
  return {
    searchView: { show: 'hits', context: null, hitsScrollTop: 0, selectedHit: null, revealSeq: 0 },
    selectHit: (index) => patch({ selectedHit: index }),
    moveHit: (index) => {
      const n = get().search.hits.length;
      if (n === 0) return;
      const selectedHit = Math.min(n - 1, Math.max(0, index));
      patch({ selectedHit, revealSeq: get().searchView.revealSeq + 1 });
    },
    selectHitAt: (time) => {
      const hits = get().search.hits;
      if (hits.length === 0) return;
      patch({ selectedHit: hitAt(hits, time), revealSeq: get().searchView.revealSeq + 1 });
    },
    keepHitsScroll: (top) => patch({ hitsScrollTop: top }),
    backToHits: () => patch({ show: 'hits', context: null }),
    showAllMessages: () => patch({ show: 'all', context: null }),

    showContext: async (hit) => {
      // A timeline's hit names its topic; the context is its partition's, as in a topic's view.
      const topic = hit.topic ?? get().browser.topic;
      if (!topic) return;
      patch({ show: 'context', context: { hit, rows: [], error: null } });
      const stillShown = () => get().searchView.context?.hit === hit;
      try {
        const partitions = [hit.partition];
        const { index } = await get().api.call('messages.locate', {
          topic,
          partitions,
          target: { kind: 'offset', partition: hit.partition, offset: hit.offset },
        });
        const start = Math.max(0, index - CONTEXT_ROWS);
        const { rows } = await get().api.call('messages.window', {
          topic,
          partitions,
          start,
          count: index - start + CONTEXT_ROWS + 1,
          previewBytes: 400,
        });
        // In a timeline the rows name their topic, as the timeline's own rows do.
        const named = hit.topic ? rows.map((r) => ({ ...r, topic: hit.topic })) : rows;
        if (stillShown()) patch({ context: { hit, rows: named, error: null } });
      } catch (err) {
        if (stillShown()) patch({ context: { hit, rows: [], error: asPayload(err).message } });
      }
    },
  };
};

/**
 * The index of the earliest hit at or after `time`, else of the latest hit. Hits come
 * partition by partition, so they are not in time order across partitions: all are looked at.
 */
export function hitAt(hits: readonly MessageRow[], time: number): number {
  let after = -1;
  let latest = 0;
  for (let i = 0; i < hits.length; i++) {
    const t = hits[i].timestamp;
    if (t >= time && (after < 0 || t < hits[after].timestamp)) after = i;
    if (t > hits[latest].timestamp) latest = i;
  }
  return after >= 0 ? after : latest;
}
