// @vitest-environment jsdom
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { useAppStore } from '../../../src/renderer/src/store';
import type { ApiClient } from '../../../src/common/api/contract';
import { localLocate, MAX_PAGES, PAGE_SIZE } from '../../../src/renderer/src/store/slices/browser';
import type { ViewTarget } from '../../../src/renderer/src/store/slices/view-source';
import { fill, openInspectHarness, type InspectHarness } from '../../main/api/inspect-harness';
import { waitUntil } from '../wait';

let h: InspectHarness;
const T0 = Date.parse('2026-05-01T10:00:00Z');

beforeAll(async () => {
  h = await openInspectHarness();
  await h.broker.createTopic('logs', { partitions: 2 });
  for (const p of [0, 1]) {
    await fill(
      h.broker,
      'logs',
      p,
      Array.from({ length: 6000 }, (_, i) => ({
        timestamp: T0 + i * 2 + p,
        value: `{"i":${i},"p":${p}}`,
      })),
    );
  }
  useAppStore.getState().setApi(h.client, 'in-process');
  useAppStore.getState().setConnection('open');
});
afterAll(async () => {
  await h.close();
});

const state = () => useAppStore.getState();

describe('the browser slice', () => {
  it('opens a one-partition view with its total and seeks to an offset', async () => {
    await state().openBrowser('logs', [1]);
    expect(state().browser.total).toBe(6000);
    const index = await state().seek({ kind: 'offset', offset: 4321 });
    expect(index).toBe(4321);
    expect(state().browser.selected).toBe(4321);
    expect(state().browser.scroll).toMatchObject({ index: 4321, align: 'context' });
    await waitUntil(() => state().rowAt(4321));
    expect(state().rowAt(4321)).toMatchObject({ partition: 1, offset: 4321 });
  });

  it('knows every partition of the topic for the picker, whatever the view shows', async () => {
    await state().openBrowser('logs', [1]);
    expect(state().browser.ends.map((e) => e.partition)).toEqual([1]);
    expect(state().browser.topicPartitions).toEqual([0, 1]);
    await state().openBrowser('missing-topic', null);
    expect(state().browser.topicPartitions).toEqual([]);
    expect(state().browser.loadError?.code).toBe('UNKNOWN_TOPIC');
  });

  it('computes one-partition seeks locally only when certainly inside the known ends', async () => {
    await state().openBrowser('logs', [1]);
    const b = state().browser;
    expect(localLocate(b, { kind: 'offset', offset: 17 })).toEqual({
      index: 17,
      total: 6000,
      note: null,
    });
    expect(localLocate(b, { kind: 'offset', partition: 1, offset: 5999 })).toMatchObject({
      index: 5999,
    });
    expect(localLocate(b, { kind: 'lastN', n: 10 })).toMatchObject({ index: 5990 });
    expect(localLocate(b, { kind: 'latest' })).toMatchObject({ index: 5999 });
    // outside the log, another partition, or a time: the main process answers
    expect(localLocate(b, { kind: 'offset', offset: 6000 })).toBeNull();
    expect(localLocate(b, { kind: 'offset', partition: 0, offset: 1 })).toBeNull();
    expect(localLocate(b, { kind: 'timestamp', timestamp: T0 })).toBeNull();
    await state().openBrowser('logs', null);
    expect(localLocate(state().browser, { kind: 'offset', partition: 0, offset: 1 })).toBeNull();
  });

  it('puts a seek error inline instead of throwing, naming the valid offsets', async () => {
    await state().openBrowser('logs', [0]);
    expect(await state().seek({ kind: 'offset', offset: 99_999 })).toBeNull();
    expect(state().browser.seekError).toBe(
      'offset 99999 is outside partition 0 of topic logs: valid offsets are 0 to 5999',
    );
    await state().seek({ kind: 'earliest' });
    expect(state().browser.seekError).toBeNull();
  });

  it('merges all partitions by time when seeking to a time', async () => {
    await state().openBrowser('logs', null);
    expect(state().browser.total).toBe(12_000);
    const index = await state().seek({ kind: 'timestamp', timestamp: T0 + 2001 });
    expect(index).toBe(2001);
    await waitUntil(() => state().rowAt(2001));
    expect(state().rowAt(2001)).toMatchObject({ partition: 1, offset: 1000, timestamp: T0 + 2001 });
    expect(state().rowAt(2002)).toMatchObject({ partition: 0, offset: 1001 });
  });

  it('gives the opening seek to the newest way to a seek asked while the view opened, and applies only the last seek asked', async () => {
    // Both partitions: every seek asks the main process. Seeks to a time answer when let go.
    let letGo = () => {};
    const held = new Promise<void>((resolve) => (letGo = resolve));
    const client = h.client;
    const slow: ApiClient = {
      async call(name, params) {
        if (
          name === 'messages.locate' &&
          (params as { target: ViewTarget }).target.kind === 'timestamp'
        )
          await held;
        return client.call(name, params);
      },
      subscribe: (name, params, onEvent, onError) =>
        client.subscribe(name, params, onEvent, onError),
    };
    state().setApi(slow, 'in-process');
    try {
      const opening = state().openBrowser('logs', null);
      const early = state().seek({ kind: 'earliest' }); // a click on Earliest as the view loads
      await opening;
      // What useOpenView asks once the view is open.
      expect(await state().seek({ kind: 'latest' }, { ifUnmoved: true })).toBeNull();
      expect(await early).toBe(0);
      expect(state().browser).toMatchObject({ selected: 0, following: false });
      // A seek to a time answered after a later seek to the end: the end stays.
      const late = state().seek({ kind: 'timestamp', timestamp: T0 + 2001 });
      expect(await state().seek({ kind: 'latest' })).toBe(11_999);
      letGo();
      expect(await late).toBeNull();
      expect(state().browser).toMatchObject({ selected: 11_999, following: true });
      // The next view opened seeks where its address says again.
      await state().openBrowser('logs', [1]);
      expect(await state().seek({ kind: 'offset', offset: 7 }, { ifUnmoved: true })).toBe(7);
    } finally {
      state().setApi(client, 'in-process');
    }
  });

  it('keeps at most MAX_PAGES windows in memory however far one scrolls', async () => {
    await state().openBrowser('logs', [0]);
    for (let start = 0; start < 6000; start += PAGE_SIZE) {
      state().ensureRows(start, start + PAGE_SIZE);
      await waitUntil(() => state().rowAt(start));
    }
    let cached = 0;
    for (let i = 0; i < 6000; i += PAGE_SIZE) if (state().rowAt(i)) cached++;
    expect(cached).toBe(MAX_PAGES);
    expect(state().rowAt(5999)).toBeDefined();
    expect(state().rowAt(0)).toBeUndefined();
  });

  it('counts waiting messages while paused and jumps to the end when following resumes', async () => {
    await state().openBrowser('logs', [0]);
    await state().seek({ kind: 'earliest' });
    expect(state().browser.following).toBe(false);
    const ends = (n: number) => [{ partition: 0, logStartOffset: 0, logEndOffset: n }];
    state().applyTail(6003, ends(6003));
    expect(state().browser.pending).toBe(3);
    state().setFollowing(true);
    expect(state().browser).toMatchObject({ following: true, pending: 0, selected: 6002 });
    expect(state().browser.scroll).toMatchObject({ index: 6002, align: 'end' });
    state().applyTail(6010, ends(6010));
    expect(state().browser).toMatchObject({ pending: 0, selected: 6009 });
  });

  it('opens a message detail and loads a large value in chunks', async () => {
    await h.broker.createTopic('big', {
      partitions: 1,
      configs: { 'max.message.bytes': 8 * 1024 * 1024 },
    });
    const value = 'v'.repeat(2_500_000);
    await fill(h.broker, 'big', 0, [{ timestamp: T0, value }]);
    await state().openBrowser('big', [0]);
    await state().openDetail(0, 0);
    const d = state().messageDetail!;
    expect(d.data!.value).toMatchObject({ size: 2_500_000, truncated: true });
    await state().loadFullValue();
    expect(state().messageDetail!.full).toMatchObject({ loaded: 2_500_000, total: 2_500_000 });
    expect(state().messageDetail!.full!.text).toBe(value);
  });
});

describe('the browser slice while the table scrolls', () => {
  /** Row ranges asked with messages.window, in order. */
  let asked: { start: number; end: number }[] = [];
  let clock = 0;

  beforeEach(() => {
    asked = [];
    clock = 0;
    // The motion is read from performance.now(): one 16 ms frame per move, whatever the machine.
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    const client: ApiClient = {
      call: (name, params) => {
        if (name === 'messages.window') {
          const p = params as { start: number; count: number };
          asked.push({ start: p.start, end: p.start + p.count });
        }
        return h.client.call(name, params);
      },
      subscribe: (name, params, onEvent, onError) =>
        h.client.subscribe(name, params, onEvent, onError),
    };
    state().setApi(client, 'in-process');
  });
  afterEach(() => {
    vi.restoreAllMocks();
    state().setApi(h.client, 'in-process');
  });

  const wasAsked = (row: number) => asked.some((r) => row >= r.start && row < r.end);
  const frame = (first: number, count = 20) => {
    clock += 16;
    state().showRows(first, count);
  };

  it('asks for the next windows in the scroll direction before they come into view', async () => {
    await state().openBrowser('logs', [0]);
    for (let first = 1000; first <= 1100; first += 20) frame(first);
    // 20 rows a frame is 1.25 rows/ms: 400 ms ahead is 500 rows past the view (ends at 1120).
    // Requests beyond the first few wait for a free slot, so wait for the rows themselves.
    await waitUntil(() => state().rowAt(1600), 'row 1600, ahead of the view');
    await waitUntil(() => state().rowAt(1000 - PAGE_SIZE), 'one window behind');
    expect(wasAsked(1800)).toBe(false);
    // Scrolling up instead turns the look-ahead around.
    asked = [];
    for (let first = 4000; first >= 3900; first -= 20) frame(first);
    await waitUntil(() => state().rowAt(3400), 'row 3400, above the view');
    expect(wasAsked(4300)).toBe(false);
  });

  it('fetches where a repeated jump will land next, and only the screen after a jump nothing predicts', async () => {
    await state().openBrowser('logs', [0]);
    frame(0);
    frame(1000);
    frame(2000);
    for (const row of [3000, 4000, 5000])
      await waitUntil(() => state().rowAt(row), `row ${row}, where a coming frame lands`);
    expect(wasAsked(2500)).toBe(false);
    asked = [];
    frame(430); // anywhere: the scrollbar was dragged
    expect(asked).toEqual([{ start: 400, end: 500 }]);
  });

  it('never asks again for a window it has, and asks adjacent windows in one request', async () => {
    await state().openBrowser('logs', [0]);
    for (let first = 0; first <= 100; first += 20) frame(first);
    const once = asked.length;
    expect(asked.some((r) => r.end - r.start > PAGE_SIZE)).toBe(true);
    await waitUntil(() => state().rowAt(500), 'row 500');
    clock += 1000; // stopped: only what is around the view
    state().showRows(100, 20);
    expect(asked.length).toBe(once);
  });

  it('keeps the windows around the view and at most MAX_PAGES in all, however far it scrolls', async () => {
    await state().openBrowser('logs', [0]);
    for (let first = 0; first <= 5980; first += 40) {
      frame(first);
      await waitUntil(() => state().rowAt(first), `row ${first}`);
      let cached = 0;
      for (let i = 0; i < 6000; i += PAGE_SIZE) if (state().rowAt(i)) cached++;
      expect(cached).toBeLessThanOrEqual(MAX_PAGES);
    }
    expect(state().rowAt(5999)).toBeDefined();
    expect(state().rowAt(5800)).toBeDefined();
    expect(state().rowAt(0)).toBeUndefined();
  });

  it('asks again for a last window answered from before the latest growth', async () => {
    await h.broker.createTopic('grows', { partitions: 1 });
    const produce = (n: number) =>
      fill(
        h.broker,
        'grows',
        0,
        Array.from({ length: n }, (_, i) => ({ timestamp: T0 + i, value: `v${i}` })),
      );
    const grown = (end: number) =>
      state().applyTail(end, [{ partition: 0, logStartOffset: 0, logEndOffset: end }]);
    await produce(10);
    await state().openBrowser('grows', [0]);
    state().ensureRows(0, 10);
    await waitUntil(() => state().rowAt(9), 'row 9');
    // The answer for the window is read with 12 messages and held while a 13th arrives.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const real = state().api;
    state().setApi(
      {
        ...real,
        call: async (name, params) => {
          const answer = await real.call(name, params);
          if (name === 'messages.window') await held;
          return answer;
        },
      } as ApiClient,
      'in-process',
    );
    await produce(2);
    grown(12);
    state().ensureRows(0, 12);
    await produce(1);
    grown(13);
    release();
    await waitUntil(() => state().rowAt(11), 'row 11, of the held answer');
    // What the table does on each answer: show the rows in view, the newest included.
    state().ensureRows(0, 13);
    await waitUntil(() => state().rowAt(12), 'row 12, come while the window was on its way');
  });

  it('keeps showing the rows of the old last window while it is fetched again after growth', async () => {
    await state().openBrowser('logs', [0]);
    state().ensureRows(5900, 6000);
    await waitUntil(() => state().rowAt(5999), 'the last row');
    asked = [];
    // The broker has 6000 messages: pretend three more arrived after the last window.
    state().applyTail(6003, [{ partition: 0, logStartOffset: 0, logEndOffset: 6003 }]);
    expect(state().rowAt(5950)).toMatchObject({ offset: 5950 });
    state().ensureRows(5900, 6003);
    expect(wasAsked(5950)).toBe(true);
    expect(state().rowAt(5950)).toMatchObject({ offset: 5950 });
  });
});
