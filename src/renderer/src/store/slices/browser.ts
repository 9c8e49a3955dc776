import type { StateCreator } from 'zustand';
import type { MessageRow, TailNewest, TailRows } from '../../../../common/api/messages';
import type { ErrorPayload } from '../../../../common/errors';
import type { AppState } from '../index';
import { asPayload } from './errors';
import type { Align } from '../../views/Browser/scroll-math';
import { commonFields, fieldsOf } from '../../views/Browser/fields';
import { PageCache } from './page-cache';
import {
  MAX_PAGES,
  PAGE_SIZE,
  motionAt,
  planPages,
  recordMove,
  runsOf,
  type Motion,
} from './prefetch';
import {
  columnsKeyOf,
  locateIn,
  sameLane,
  windowOf,
  type PartitionEnds,
  type ViewTarget,
} from './view-source';

export { MAX_PAGES, PAGE_SIZE } from './prefetch';

/** Requests for windows ahead of the view at once; each may cover several windows. */
const MAX_PREFETCH_CALLS = 3;
/** Requests at once in all: what the view shows is asked for at once up to this. */
const MAX_CALLS = 8;
/** Windows per request at most: one main-process read serves them all (contract: ≤ 1000 rows). */
const MAX_RUN_PAGES = 10;
const PREVIEW_BYTES = 400;
/**
 * What a following view asks each tail event to bring (messages.tail's `newest`): the rows
 * of the last half page and of the whole page they start in, so that a table of up to 50
 * rows (1 200 px) shows them without a request of its own, whatever the topic's rate.
 */
export const FOLLOW_NEWEST: TailNewest = {
  count: PAGE_SIZE / 2,
  pageSize: PAGE_SIZE,
  previewBytes: PREVIEW_BYTES,
};
/** Field columns a topic shows until the person chooses. */
const DEFAULT_FIELD_COLUMNS = 4;

export type { PartitionEnds } from './view-source';

export interface BrowserState {
  /** The topic shown; null in a timeline. */
  topic: string | null;
  /** null = all partitions merged by timestamp. */
  partitions: number[] | null;
  /** A timeline: these topics merged by timestamp (rows name their topic); else null. */
  topics: string[] | null;
  /** Every partition of the topic (what the partition picker offers), sorted. */
  topicPartitions: number[];
  total: number;
  ends: PartitionEnds[];
  /** Bumped whenever `pages` changes, so that the table re-renders. */
  version: number;
  selected: number | null;
  /** A request to the table to scroll row `index` into view (`seq` makes repeats distinct). */
  scroll: { index: number; seq: number; align: Align };
  seekError: string | null;
  seekNote: string | null;
  loadError: ErrorPayload | null;
  following: boolean;
  /** Messages that arrived since following was paused. */
  pending: number;
}

export interface BrowserSlice {
  browser: BrowserState;
  /** Opens a topic view (resets rows); partitions null = all merged. */
  openBrowser(topic: string, partitions: number[] | null): Promise<void>;
  /** Opens a timeline: several topics merged by timestamp (resets rows). */
  openTimeline(topics: string[]): Promise<void>;
  /**
   * Seeks to a target; sets seekError (inline) instead of throwing. Resolves to the row index,
   * or null (an error, or the seek gave way). Seeks answer out of order: only the last one
   * asked applies. With `ifUnmoved` it gives way when another was asked since the view was
   * opened: the opening's own seek (to the linked place or the newest message) must not undo
   * a seek asked while the view was loading.
   */
  seek(target: ViewTarget, opts?: { ifUnmoved?: boolean }): Promise<number | null>;
  /** Makes sure rows [start, end) are loaded or being loaded. */
  ensureRows(start: number, end: number): void;
  /**
   * The table shows `count` rows from row `first`: fetches them, and those it will show next
   * judging by how it has been moving (see prefetch.ts). Cheap to call on every frame.
   */
  showRows(first: number, count: number): void;
  /** The loaded row at `index`, if any (no re-render by itself: select `browser.version`). */
  rowAt(index: number): MessageRow | undefined;
  /** Every row held in memory now (at most MAX_PAGES windows), for facets over the view. */
  loadedRows(): MessageRow[];
  select(index: number | null): void;
  /**
   * Applies a `messages.tail` event: the new ends, and while following the newest rows it
   * brought (`newest`, asked with FOLLOW_NEWEST), in one store update.
   */
  applyTail(total: number, ends: PartitionEnds[], newest?: TailRows): void;
  setFollowing(following: boolean): void;
  produce(params: {
    partition?: number;
    key: string | null;
    value: string | null;
    headers: { key: string; value: string | null }[];
    valueFormat: 'text' | 'json';
  }): Promise<{ partition: number; offset: number } | ErrorPayload>;
}

/**
 * The row index of a seek target computed without asking the main process, when the view
 * is one partition whose ends are known and the target is certainly inside them; else null.
 */
export function localLocate(
  b: BrowserState,
  target: ViewTarget,
): { index: number; total: number; note: null } | null {
  if (b.topics !== null || b.ends.length !== 1 || b.total === 0) return null;
  const [part] = b.ends;
  const total = part.logEndOffset - part.logStartOffset;
  if (total !== b.total) return null;
  switch (target.kind) {
    case 'earliest':
      return { index: 0, total, note: null };
    case 'latest':
      return { index: total - 1, total, note: null };
    case 'lastN':
      return { index: Math.max(0, total - target.n), total, note: null };
    case 'offset':
      if (target.partition !== undefined && target.partition !== part.partition) return null;
      if (target.offset < part.logStartOffset || target.offset >= part.logEndOffset) return null;
      return { index: target.offset - part.logStartOffset, total, note: null };
    default:
      return null;
  }
}

/** What a freshly opened view starts with (rows, selection, messages, following). */
const CLOSED_VIEW = {
  total: 0,
  ends: [],
  selected: null,
  seekError: null,
  seekNote: null,
  loadError: null,
  following: false,
  pending: 0,
} satisfies Partial<BrowserState>;

export const createBrowserSlice: StateCreator<AppState, [], [], BrowserSlice> = (set, get) => {
  const cache = new PageCache();
  let scrollSeq = 0;
  /** Seeks asked so far, and how many had been when the view was last opened. */
  let seeks = 0;
  let seeksAtOpen = 0;
  const patch = (p: Partial<BrowserState>) => set((s) => ({ browser: { ...s.browser, ...p } }));
  const scrollTo = (index: number, align: Align = 'start') => ({
    index,
    seq: ++scrollSeq,
    align,
  });

  /** One request for pages [from, from + count): one main-process read fills them all. */
  const fetchRun = async (from: number, count: number) => {
    const view = get().browser;
    const key = columnsKeyOf(view);
    if (key === null) return;
    const stamp = cache.stamp();
    cache.begin(from, count);
    try {
      const res = await windowOf(
        get().api,
        view,
        from * PAGE_SIZE,
        count * PAGE_SIZE,
        PREVIEW_BYTES,
      );
      if (!cache.isCurrent(stamp)) return;
      // Read before the latest growth (a tail event came while it was on its way): its last
      // pages may miss the newest rows, so they stay stale and are asked again (stored as
      // fresh, the newest rows stayed loading until the topic grew once more), and it does
      // not replace the fresher rows a tail event brought.
      cache.storeRun(from, count, res.total, res.rows, get().browser.total);
      // The first rows fetched for a view choose its default field columns: rows and view
      // come from the same request, so another view's rows can never choose them.
      if (get().defaultColumns[key] === undefined && res.rows.length > 0)
        get().setDefaultColumns(key, commonFields(res.rows.map(fieldsOf), DEFAULT_FIELD_COLUMNS));
      const b = get().browser;
      set({
        browser: {
          ...b,
          version: b.version + 1,
          loadError: null,
          total: Math.max(b.total, res.total),
          ends: b.total >= res.total ? b.ends : res.ends,
        },
      });
    } catch (err) {
      if (cache.isCurrent(stamp)) patch({ loadError: asPayload(err) });
    } finally {
      if (cache.isCurrent(stamp)) {
        cache.settle(from, count);
        cache.again?.();
      }
    }
  };

  /**
   * Asks for the missing pages of `pages` (most urgent first): the first `urgent` of them
   * (what is on screen) up to MAX_CALLS requests at once, the rest up to MAX_PREFETCH_CALLS.
   * Pages never asked are simply dropped from the plan when the view moves on, so nothing
   * queues behind windows that have scrolled away. Returns false if some had to wait.
   */
  const request = (pages: number[], urgent: number): boolean => {
    const groups: [number[], number][] = [
      [cache.missing(pages.slice(0, urgent)), MAX_CALLS],
      [cache.missing(pages.slice(urgent)), MAX_PREFETCH_CALLS],
    ];
    for (const [ps, limit] of groups) {
      for (const run of runsOf(ps, MAX_RUN_PAGES)) {
        if (cache.calls >= limit) return false;
        void fetchRun(run.from, run.count);
      }
    }
    return true;
  };

  const plan = (first: number, count: number) => {
    const now = performance.now();
    // Following, the view is held at the end, where tail events bring the rows: nothing
    // ahead or behind it is needed (scrolling away stops following first).
    const motion: Motion = get().browser.following
      ? { kind: 'jump' }
      : motionAt(cache.motion, now, count);
    const { pages, visible } = planPages(first, count, get().browser.total, motion);
    cache.keep = new Set(pages);
    cache.again = request(pages, visible) ? null : () => plan(first, count);
  };

  return {
    browser: {
      topic: null,
      partitions: null,
      topics: null,
      topicPartitions: [],
      total: 0,
      ends: [],
      version: 0,
      selected: null,
      scroll: { index: 0, seq: 0, align: 'start' },
      seekError: null,
      seekNote: null,
      loadError: null,
      following: false,
      pending: 0,
    },
    openBrowser: async (topic, partitions) => {
      cache.reset(topic);
      seeksAtOpen = seeks;
      const stamp = cache.stamp();
      const sameTopic = get().browser.topic === topic;
      patch({
        topic,
        partitions,
        topics: null,
        // Kept for the same topic, so the picker does not flicker while the view reopens.
        ...(sameTopic ? {} : { topicPartitions: [] }),
        ...CLOSED_VIEW,
      });
      set({ messageDetail: null });
      // The view's own ends come with its first window; the picker needs every partition.
      const [view, described] = await Promise.allSettled([
        get().api.call('messages.window', {
          topic,
          partitions,
          start: 0,
          count: 1,
          previewBytes: 16,
        }),
        get().api.call('topics.describe', { topic }),
      ]);
      if (!cache.isCurrent(stamp)) return;
      if (described.status === 'fulfilled')
        patch({
          topicPartitions: described.value.partitions.map((p) => p.partition).sort((a, b) => a - b),
        });
      if (view.status === 'fulfilled')
        patch({ total: view.value.total, ends: view.value.partitions });
      else patch({ loadError: asPayload(view.reason) });
    },

    openTimeline: async (topics) => {
      const key = `timeline:${topics.join(',')}`;
      cache.reset(key);
      seeksAtOpen = seeks;
      const stamp = cache.stamp();
      patch({ ...CLOSED_VIEW, topic: null, partitions: null, topics, topicPartitions: [] });
      set({ messageDetail: null });
      try {
        const res = await windowOf(get().api, get().browser, 0, 1, 16);
        if (cache.isCurrent(stamp)) patch({ total: res.total, ends: res.ends });
      } catch (err) {
        if (cache.isCurrent(stamp)) patch({ loadError: asPayload(err) });
      }
    },

    seek: async (target, opts) => {
      const view = get().browser;
      if (columnsKeyOf(view) === null) return null;
      if (opts?.ifUnmoved && seeks !== seeksAtOpen) return null;
      const seq = ++seeks;
      const stamp = cache.stamp();
      const current = () => cache.isCurrent(stamp) && seq === seeks;
      try {
        // One partition: offsets and ends are arithmetic, so skip a round trip (seek
        // latency is what a person waits for). Anything doubtful asks the main process,
        // which also words the errors.
        const res = localLocate(view, target) ?? (await locateIn(get().api, view, target));
        if (!current()) return null;
        const last = target.kind === 'latest';
        patch({
          total: res.total,
          seekError: null,
          seekNote: res.note,
          selected: res.total > 0 ? res.index : null,
          following: last,
          pending: 0,
          scroll: scrollTo(res.index, last ? 'end' : 'context'),
        });
        // The rows to paint first go ahead of any windows still loading for an old position.
        const pages = [
          ...new Set([Math.floor(res.index / PAGE_SIZE), Math.floor((res.index + 40) / PAGE_SIZE)]),
        ].filter((p) => p * PAGE_SIZE < res.total);
        cache.keep = new Set(pages);
        cache.again = null; // the old position's plan is moot
        request(pages, pages.length);
        return res.index;
      } catch (err) {
        if (current()) patch({ seekError: asPayload(err).message, seekNote: null });
        return null;
      }
    },

    ensureRows: (start, end) => {
      const total = get().browser.total;
      const from = Math.max(0, Math.floor(start / PAGE_SIZE));
      const to = Math.min(Math.ceil(Math.min(end, total) / PAGE_SIZE), from + MAX_PAGES - 2);
      const pages: number[] = [];
      for (let page = from; page < to; page++) pages.push(page);
      cache.keep = new Set(pages);
      cache.again = request(pages, pages.length) ? null : () => get().ensureRows(start, end);
    },

    showRows: (first, count) => {
      recordMove(cache.motion, first, performance.now());
      plan(first, count);
    },

    rowAt: (index) => cache.rowAt(index),
    loadedRows: () => [...cache.pages.values()].flat(),

    select: (index) => patch({ selected: index }),

    applyTail: (total, ends, newest) => {
      const b = get().browser;
      const startMoved = ends.some(
        (e) => b.ends.find((o) => sameLane(o, e))?.logStartOffset !== e.logStartOffset,
      );
      if (startMoved && b.ends.length > 0) {
        // Retention removed the head: row numbers shifted, so every cached row is stale.
        cache.reset();
      } else if (total !== b.total) {
        // Pages that reached the old end may be partial (or, merged, reordered at the tail):
        // fetched again, and shown as they are meanwhile so that the tail does not blink.
        cache.markTailStale(b.total);
      }
      // The rows the table will show at the end come with the count: no request of its own.
      if (newest && b.following) cache.storeNewest(newest.start, total, newest.rows);
      const grown = Math.max(0, total - b.total);
      patch({
        total,
        ends,
        version: b.version + 1,
        pending: b.following ? 0 : b.pending + grown,
        ...(b.following && total > 0
          ? { scroll: scrollTo(total - 1, 'end'), selected: total - 1 }
          : {}),
      });
    },

    setFollowing: (following) => {
      const b = get().browser;
      if (following === b.following) return;
      if (following && b.total > 0)
        patch({
          following,
          pending: 0,
          scroll: scrollTo(b.total - 1, 'end'),
          selected: b.total - 1,
        });
      else patch({ following, pending: 0 });
    },

    produce: async (params) => {
      const topic = get().browser.topic;
      if (topic === null) return { code: 'INVALID_ARGUMENT', message: 'no topic is open' };
      try {
        return await get().api.call('messages.produce', { topic, ...params });
      } catch (err) {
        return asPayload(err);
      }
    },
  };
};
