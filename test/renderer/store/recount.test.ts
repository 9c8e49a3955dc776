import { describe, expect, it } from 'vitest';
import {
  RECOUNT_FACTOR,
  SETTLE_MS,
  recountDelay,
} from '../../../src/renderer/src/store/slices/recount';

describe('recountDelay', () => {
  it('lets a view never counted be counted at once', () => {
    expect(recountDelay(null, false, 1000)).toBe(0);
  });

  it('never starts a count while one of the view is running, and looks again after the settle time', () => {
    expect(recountDelay(null, true, 1000)).toBe(SETTLE_MS);
    expect(recountDelay({ ms: 10, endedAt: 0 }, true, 1_000_000)).toBe(SETTLE_MS);
  });

  it('waits RECOUNT_FACTOR times the last count after it ended, so counting takes a bounded share of the time', () => {
    const last = { ms: 500, endedAt: 10_000 };
    expect(recountDelay(last, false, 10_000)).toBe(500 * RECOUNT_FACTOR);
    expect(recountDelay(last, false, 12_000)).toBe(500 * RECOUNT_FACTOR - 2000);
    expect(recountDelay(last, false, 10_000 + 500 * RECOUNT_FACTOR)).toBe(0);
    expect(recountDelay(last, false, 60_000)).toBe(0);
  });

  it('adds no wait after a cheap count beyond the time already passed', () => {
    expect(recountDelay({ ms: 2, endedAt: 100 }, false, 140)).toBe(0);
  });
});
