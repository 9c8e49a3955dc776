import { describe, expect, it } from 'vitest';
import type { MessageRow } from '../../../src/common/api/messages';
import { PageCache } from '../../../src/renderer/src/store/slices/page-cache';
import { MAX_PAGES, PAGE_SIZE } from '../../../src/renderer/src/store/slices/prefetch';

const row = (index: number): MessageRow => ({
  index,
  partition: 0,
  offset: index,
  timestamp: 0,
  key: null,
  value: null,
  headers: [],
  level: null,
});
const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => row(from + i));

describe('the page cache', () => {
  it('splits one answer into pages and finds rows by index, also in a page with gaps', () => {
    const c = new PageCache();
    c.storeRun(0, 2, 2 * PAGE_SIZE, [...rows(0, PAGE_SIZE), row(PAGE_SIZE + 5)]);
    expect(c.rowAt(42)?.offset).toBe(42);
    expect(c.rowAt(PAGE_SIZE + 5)?.offset).toBe(PAGE_SIZE + 5);
    expect(c.rowAt(PAGE_SIZE)).toBeUndefined();
    expect(c.missing([0, 1, 2])).toEqual([2]);
  });

  it('evicts the least recently needed pages beyond MAX_PAGES but never the kept ones', () => {
    const c = new PageCache();
    c.keep = new Set([0]);
    for (let p = 0; p <= MAX_PAGES + 5; p++) c.store(p, rows(p * PAGE_SIZE, 1));
    expect(c.pages.size).toBe(MAX_PAGES);
    expect(c.pages.has(0)).toBe(true);
    expect(c.pages.has(1)).toBe(false);
    expect(c.pages.has(MAX_PAGES + 5)).toBe(true);
  });

  it('treats pages near the old end as stale after growth, and asks for them again', () => {
    const c = new PageCache();
    c.storeRun(0, 3, 3 * PAGE_SIZE, rows(0, 3 * PAGE_SIZE));
    c.markTailStale(3 * PAGE_SIZE);
    expect(c.missing([0, 1, 2])).toEqual([2]);
    expect(c.rowAt(2 * PAGE_SIZE)).toBeDefined(); // still shown meanwhile
  });

  it("holds a tail event's newest rows as whole, fresh pages up to the end", () => {
    const c = new PageCache();
    c.storeRun(0, 3, 3 * PAGE_SIZE, rows(0, 3 * PAGE_SIZE));
    c.markTailStale(3 * PAGE_SIZE); // the view grew to 3.3 pages
    const total = 3 * PAGE_SIZE + 30;
    c.storeNewest(2 * PAGE_SIZE, total, rows(2 * PAGE_SIZE, PAGE_SIZE + 30));
    expect(c.missing([0, 1, 2, 3])).toEqual([]);
    expect(c.rowAt(total - 1)?.offset).toBe(total - 1);
  });

  it('does not let a window read before the latest growth replace the newest rows', () => {
    const c = new PageCache();
    const total = 2 * PAGE_SIZE + 50;
    c.storeNewest(PAGE_SIZE, total, rows(PAGE_SIZE, PAGE_SIZE + 50));
    // An answer read when the view had 2 pages and 10 rows comes after it.
    c.storeRun(1, 2, 2 * PAGE_SIZE + 10, rows(PAGE_SIZE, PAGE_SIZE + 10), total);
    expect(c.rowAt(total - 1)?.offset).toBe(total - 1);
    expect(c.missing([1, 2])).toEqual([]);
  });

  it('marks the pages an answer read before the latest growth brings as stale, near its end only', () => {
    const c = new PageCache();
    c.storeRun(0, 3, 3 * PAGE_SIZE, rows(0, 3 * PAGE_SIZE), 4 * PAGE_SIZE);
    expect(c.missing([0, 1, 2])).toEqual([2]);
  });

  it('calls an answer stale once the view or its topic changed', () => {
    const c = new PageCache();
    c.reset('a');
    const stamp = c.stamp();
    expect(c.isCurrent(stamp)).toBe(true);
    c.reset('a');
    expect(c.isCurrent(stamp)).toBe(false);
    const other = c.stamp();
    c.topic = 'b';
    expect(c.isCurrent(other)).toBe(false);
  });

  it('does not ask again for pages already on their way', () => {
    const c = new PageCache();
    c.begin(4, 2);
    expect(c.missing([3, 4, 5, 6])).toEqual([3, 6]);
    c.settle(4, 2);
    expect(c.calls).toBe(0);
    expect(c.missing([4])).toEqual([4]);
  });
});
