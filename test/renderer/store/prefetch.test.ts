import { describe, expect, it } from 'vitest';
import {
  MAX_AHEAD_PAGES,
  MAX_PAGES,
  PAGE_SIZE,
  motionAt,
  newMotion,
  planPages,
  recordMove,
  runsOf,
  type Motion,
} from '../../../src/renderer/src/store/slices/prefetch';

const TOTAL = 10_000_000;
const COUNT = 27; // rows on screen in the benchmark's window

/** The motion after the view started at each of `firsts`, one frame (16 ms) apart. */
function moved(firsts: number[], framesLater = 0): Motion {
  const m = newMotion();
  firsts.forEach((f, i) => recordMove(m, f, 1000 + i * 16));
  return motionAt(m, 1000 + (firsts.length - 1 + framesLater) * 16, COUNT);
}

describe('the prefetch policy', () => {
  it('reads steady small moves as a scroll with their speed and direction', () => {
    expect(moved([1000, 1020, 1040, 1060])).toEqual({ kind: 'scroll', velocity: 20 / 16 });
    expect(moved([1060, 1040, 1020])).toEqual({ kind: 'scroll', velocity: -20 / 16 });
  });

  it('reads the same large jump twice as a stride, and an unrelated one as a jump', () => {
    expect(moved([0, 6000, 12_000])).toEqual({ kind: 'stride', stride: 6000 });
    expect(moved([0, 6000, 12_010])).toEqual({ kind: 'stride', stride: 6010 });
    expect(moved([0, 6000, 700_000])).toEqual({ kind: 'jump' });
    expect(moved([0, 6000])).toEqual({ kind: 'jump' });
  });

  it('reads a view that stopped moving, or never moved, as still', () => {
    expect(moved([1000, 1020, 1040], 20)).toEqual({ kind: 'still' });
    expect(moved([1000])).toEqual({ kind: 'still' });
    const m = newMotion();
    recordMove(m, 500, 0);
    recordMove(m, 500, 16); // the same place again is not a move
    expect(m.samples).toHaveLength(1);
  });

  it('asks for the visible windows first, then ahead in the direction of the scroll, then one behind', () => {
    const plan = planPages(1050, COUNT, TOTAL, { kind: 'scroll', velocity: 1.25 });
    expect(plan.visible).toBe(1);
    expect(plan.pages[0]).toBe(10);
    // 1.25 rows/ms for 400 ms = 500 rows past the last visible row (1076): pages 11..15.
    expect(plan.pages).toEqual([10, 11, 12, 13, 14, 15, 9]);
    const up = planPages(1050, COUNT, TOTAL, { kind: 'scroll', velocity: -1.25 });
    expect(up.pages).toEqual([10, 9, 8, 7, 6, 5, 11]);
  });

  it('looks further ahead the faster the scroll, but never more than MAX_AHEAD_PAGES', () => {
    const slow = planPages(0, COUNT, TOTAL, { kind: 'scroll', velocity: 0.1 });
    const fast = planPages(0, COUNT, TOTAL, { kind: 'scroll', velocity: 5 });
    const wild = planPages(0, COUNT, TOTAL, { kind: 'scroll', velocity: 1000 });
    expect(slow.pages.length).toBeLessThan(fast.pages.length);
    expect(Math.max(...wild.pages)).toBeLessThanOrEqual(MAX_AHEAD_PAGES + 1);
    expect(wild.pages.length).toBeLessThanOrEqual(MAX_PAGES - 2);
  });

  it('fetches where the next frames of a stride will land, not the rows in between', () => {
    const plan = planPages(12_000, COUNT, TOTAL, { kind: 'stride', stride: 6000 });
    expect(plan.pages).toEqual([120, 180, 240, 300, 360]);
    // A landing that straddles two windows needs both.
    const straddling = planPages(12_090, COUNT, TOTAL, { kind: 'stride', stride: 6000 });
    expect(straddling.pages.slice(0, 4)).toEqual([120, 121, 180, 181]);
    expect(straddling.visible).toBe(2);
  });

  it('spends nothing beyond the view on an unpredictable jump, and half a window either side when still', () => {
    expect(planPages(700_010, COUNT, TOTAL, { kind: 'jump' }).pages).toEqual([7000]);
    expect(planPages(700_010, COUNT, TOTAL, { kind: 'still' }).pages).toEqual([7000, 6999]);
    expect(planPages(700_060, COUNT, TOTAL, { kind: 'still' }).pages).toEqual([7000, 7001]);
  });

  it('stays inside the view at both ends', () => {
    const total = 1000;
    expect(planPages(0, COUNT, total, { kind: 'scroll', velocity: -5 }).pages).toEqual([0, 1]);
    const end = planPages(980, 20, total, { kind: 'scroll', velocity: 5 });
    expect(end.pages).toEqual([9, 8]);
    expect(planPages(0, COUNT, 0, { kind: 'still' }).pages).toEqual([]);
  });

  it('groups adjacent windows into one request, in the order of the plan', () => {
    expect(runsOf([10, 11, 12, 13, 9], 10)).toEqual([{ from: 9, count: 5 }]);
    expect(runsOf([10, 9, 8, 11], 10)).toEqual([{ from: 8, count: 4 }]);
    expect(runsOf([120, 180, 181, 240], 10)).toEqual([
      { from: 120, count: 1 },
      { from: 180, count: 2 },
      { from: 240, count: 1 },
    ]);
    const long = Array.from({ length: 25 }, (_, i) => i);
    expect(runsOf(long, 10).map((r) => r.count)).toEqual([10, 10, 5]);
    expect(PAGE_SIZE * 10).toBeLessThanOrEqual(1000); // messages.window's count limit
  });
});
