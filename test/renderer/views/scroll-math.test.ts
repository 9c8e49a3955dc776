import { describe, expect, it } from 'vitest';
import {
  CONTEXT_ROWS,
  firstAfterScroll,
  firstFor,
  firstRowAt,
  MAX_SCROLL_PX,
  ROW_HEIGHT,
  scrollTopFor,
  revealFirst,
  spacerHeight,
} from '../../../src/renderer/src/views/Browser/scroll-math';

describe('message table scroll arithmetic', () => {
  const small = { total: 1000, viewHeight: 240 };
  const huge = { total: 10_000_000, viewHeight: 240 };

  it('scrolls one to one below the height cap', () => {
    expect(spacerHeight(small)).toBe(1000 * ROW_HEIGHT);
    expect(firstRowAt(5 * ROW_HEIGHT, small)).toBe(5);
    expect(scrollTopFor(5, 'start', small)).toBe(5 * ROW_HEIGHT);
    expect(scrollTopFor(999, 'end', small)).toBe((1000 - 10) * ROW_HEIGHT);
  });

  it('scales ten million rows into a capped scrollbar that still reaches every row', () => {
    expect(spacerHeight(huge)).toBe(MAX_SCROLL_PX);
    const maxTop = MAX_SCROLL_PX - huge.viewHeight;
    expect(firstRowAt(0, huge)).toBe(0);
    expect(firstRowAt(maxTop, huge)).toBe(10_000_000 - 10);
    for (const index of [1, 12_345, 5_000_000, 9_999_990]) {
      const top = scrollTopFor(index, 'start', huge);
      expect(top).toBeLessThanOrEqual(maxTop);
      expect(Math.round(firstRowAt(top, huge))).toBe(index);
    }
    const last = scrollTopFor(9_999_999, 'end', huge);
    expect(Math.round(firstRowAt(last, huge)) + 9).toBe(9_999_999);
  });

  it('puts a sought row near the top after a few rows of context, within the ends', () => {
    expect(firstFor(500, 'context', small)).toBe(500 - CONTEXT_ROWS);
    expect(firstFor(1, 'context', small)).toBe(0);
    expect(firstFor(999, 'context', small)).toBe(1000 - 10);
    // a view of 3 rows keeps the sought row in its middle, not above it
    expect(firstFor(500, 'context', { total: 1000, viewHeight: 3 * ROW_HEIGHT })).toBe(499);
    const top = scrollTopFor(5_000_000, 'context', huge);
    expect(Math.round(firstRowAt(top, huge))).toBe(5_000_000 - CONTEXT_ROWS);
  });

  it('moves the view only as far as needed to reveal a row', () => {
    expect(revealFirst(105, 100, small)).toBe(100);
    expect(revealFirst(110, 100, small)).toBe(101);
    expect(revealFirst(99, 100, small)).toBe(99);
    expect(revealFirst(9_999_999, 0, huge)).toBe(9_999_990);
  });

  it('moves ten million rows by wheel-sized steps row by row, and jumps when the scrollbar is dragged', () => {
    const top = scrollTopFor(5_000_000, 'start', huge);
    // a 72 px wheel step is 3 rows, although 72 px of this scrollbar are about 180 rows
    expect(firstAfterScroll(5_000_000, top, top + 72, huge)).toBe(5_000_003);
    expect(firstAfterScroll(5_000_000, top, top - 48, huge)).toBe(4_999_998);
    // a drag far away lands where the scrollbar points
    expect(Math.round(firstAfterScroll(5_000_000, top, MAX_SCROLL_PX / 4, huge))).toBe(
      Math.round(firstRowAt(MAX_SCROLL_PX / 4, huge)),
    );
    // the ends of the scrollbar are the ends of the data
    expect(firstAfterScroll(123, 500, 0, huge)).toBe(0);
    expect(firstAfterScroll(123, 500, MAX_SCROLL_PX - huge.viewHeight, huge)).toBe(9_999_990);
    // below the cap, scrolling is one to one
    expect(firstAfterScroll(0, 0, 48, small)).toBe(2);
  });
});
