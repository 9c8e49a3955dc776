import type { MessageRow } from '../../../../common/api/messages';
import { MAX_PAGES, PAGE_SIZE, newMotion, type MotionRecord } from './prefetch';

/**
 * The browser's row windows: a Map of page number to rows with an LRU order, outside the
 * immutable store state (the slice bumps `browser.version` to announce changes). A plain
 * class so that what is cached, evicted and asked for is testable without a store.
 *
 * `gen` changes whenever the view changes (another topic, other partitions, rows shifted by
 * retention): an answer to a request made under an older `gen` is dropped (see `isCurrent`).
 */
export class PageCache {
  gen = 0;
  /** The topic the rows belong to; part of the staleness check. */
  topic: string | null = null;
  pages = new Map<number, MessageRow[]>();
  /** Pages asked for and not answered yet. */
  inFlight = new Set<number>();
  /**
   * Pages that reached the old end of the view before it grew: still shown (their rows are
   * right, only the new ones are missing) until their replacement arrives, not blanked.
   */
  stale = new Set<number>();
  /** Requests not answered yet (each may cover several pages). */
  calls = 0;
  /** Pages the current view needs or will need soon: never evicted, always stored. */
  keep = new Set<number>();
  /** What to ask again when a request finishes (it may have waited for a free slot). */
  again: (() => void) | null = null;
  motion: MotionRecord = newMotion();

  /** Forgets every row: the view changed. Answers to earlier requests will be dropped. */
  reset(topic: string | null = this.topic): void {
    this.gen++;
    this.topic = topic;
    this.pages = new Map();
    this.inFlight = new Set();
    this.stale = new Set();
    this.calls = 0;
    this.keep = new Set();
    this.again = null;
    this.motion = newMotion();
  }

  /** A check that a request started now still belongs to the view when its answer comes. */
  stamp(): { gen: number; topic: string | null } {
    return { gen: this.gen, topic: this.topic };
  }

  isCurrent(stamp: { gen: number; topic: string | null }): boolean {
    return stamp.gen === this.gen && stamp.topic === this.topic;
  }

  /** Stores (or touches) a page as the most recently needed; evicts beyond MAX_PAGES. */
  store(page: number, rows: MessageRow[]): void {
    this.pages.delete(page);
    this.pages.set(page, rows); // re-inserted last: most recently used
    if (this.pages.size <= MAX_PAGES) return;
    for (const old of this.pages.keys()) {
      if (this.pages.size <= MAX_PAGES) break;
      if (this.keep.has(old)) continue;
      this.pages.delete(old);
      this.stale.delete(old);
    }
  }

  /**
   * Stores the rows of one answer for pages [from, from + count) of a view of `total` rows.
   * A page the view has moved away from is kept only while there is room: it must not push
   * out pages the view still needs. An answer read before the view's latest growth
   * (`total` < `viewTotal`) does not replace a page held fresh (the newest rows a tail event
   * brought are newer), and the pages it stores that reach its end are marked stale: they
   * may miss the newest rows, and are asked again.
   */
  storeRun(
    from: number,
    count: number,
    total: number,
    rows: MessageRow[],
    viewTotal: number = total,
  ): void {
    const older = total < viewTotal;
    for (const [page, pageRows] of this.byPage(from, from + count, total, rows)) {
      if (!this.keep.has(page) && !this.pages.has(page) && this.pages.size >= MAX_PAGES) continue;
      if (older && this.pages.has(page) && !this.stale.has(page)) continue;
      this.store(page, pageRows);
      if (older && (page + 1) * PAGE_SIZE > total - PAGE_SIZE) this.stale.add(page);
      else this.stale.delete(page);
    }
  }

  /**
   * Stores the newest rows a tail event brought: rows [start, total) of a view of `total`
   * rows, `start` at a page's start. Every page they cover is whole, so it is held fresh.
   */
  storeNewest(start: number, total: number, rows: MessageRow[]): void {
    if (start % PAGE_SIZE !== 0) return; // not a page's start: not whole pages
    for (const [page, pageRows] of this.byPage(start / PAGE_SIZE, Infinity, total, rows)) {
      this.store(page, pageRows);
      this.stale.delete(page);
    }
  }

  /** `rows` by page, for pages [from, to) of a view of `total` rows (empty ones included). */
  private byPage(
    from: number,
    to: number,
    total: number,
    rows: MessageRow[],
  ): Map<number, MessageRow[]> {
    const byPage = new Map<number, MessageRow[]>();
    for (let p = from; p < to && p * PAGE_SIZE < total; p++) byPage.set(p, []);
    for (const row of rows) byPage.get(Math.floor(row.index / PAGE_SIZE))?.push(row);
    return byPage;
  }

  /** Marks pages [from, from + count) as asked for; `settle` undoes it when answered. */
  begin(from: number, count: number): void {
    for (let p = from; p < from + count; p++) this.inFlight.add(p);
    this.calls++;
  }

  settle(from: number, count: number): void {
    for (let p = from; p < from + count; p++) this.inFlight.delete(p);
    this.calls--;
  }

  /** Of `pages`, those neither held fresh nor asked for already; touches the held ones. */
  missing(pages: number[]): number[] {
    for (const p of pages) {
      const rows = this.pages.get(p);
      if (rows) this.store(p, rows); // touch
    }
    return pages.filter((p) => (!this.pages.has(p) || this.stale.has(p)) && !this.inFlight.has(p));
  }

  /** Pages reaching within a page of the old end `total`: they may miss rows that came since. */
  markTailStale(total: number): void {
    for (const page of this.pages.keys())
      if ((page + 1) * PAGE_SIZE > total - PAGE_SIZE) this.stale.add(page);
  }

  /** The loaded row at `index`, if any. */
  rowAt(index: number): MessageRow | undefined {
    const rows = this.pages.get(Math.floor(index / PAGE_SIZE));
    if (!rows) return undefined;
    const guess = rows[index % PAGE_SIZE];
    // Rows are usually dense; after compaction a page has gaps, so look the index up.
    return guess?.index === index ? guess : rows.find((r) => r.index === index);
  }
}
