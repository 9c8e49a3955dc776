import { describe, expect, it } from 'vitest';
import {
  firstRowAt,
  MAX_SCROLL_PX,
  ROW_HEIGHT,
  scrollTopFor,
  scrollTopToReveal,
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

  it('moves the view only as far as needed to reveal a row', () => {
    const top = scrollTopFor(100, 'start', small);
    expect(scrollTopToReveal(105, top, small)).toBe(top);
    expect(scrollTopToReveal(110, top, small)).toBe(scrollTopFor(110, 'end', small));
    expect(scrollTopToReveal(99, top, small)).toBe(scrollTopFor(99, 'start', small));
  });
});
