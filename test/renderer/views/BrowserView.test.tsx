// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { parseHash } from '../../../src/renderer/src/router';
import { useAppStore } from '../../../src/renderer/src/store';
import { BrowserView } from '../../../src/renderer/src/views/Browser/BrowserView';
import { fill, openInspectHarness, type InspectHarness } from '../../main/api/inspect-harness';
import { useViewHarness, giveTableHeight } from '../view-harness';
import { waitUntil } from '../wait';

let h: InspectHarness;
const T0 = new Date(2026, 4, 1, 10, 0, 0).getTime(); // local time, as typed in the UI

useViewHarness(async () => {
  giveTableHeight();
  h = await openInspectHarness();
  await h.broker.createTopic('app', { partitions: 1 });
  await fill(
    h.broker,
    'app',
    0,
    Array.from({ length: 3000 }, (_, i) => ({
      timestamp: T0 + i * 1000,
      value: JSON.stringify({ i, level: i % 50 === 0 ? 'ERROR' : 'INFO', latency_ms: i % 400 }),
      key: `k${i}`,
    })),
  );
  return h;
});

function renderAt(hash: string) {
  window.location.hash = hash;
  const route = parseHash(hash);
  if (route.view !== 'topic') throw new Error('not a topic route');
  return render(<BrowserView route={route} />);
}

const row = (offset: number) =>
  document.querySelector(`[data-testid="msg-row"][data-offset="${offset}"]`);

describe('the message browser', () => {
  it('opens at the linked offset, with the row painted and selected', async () => {
    renderAt('#/topics/app?partition=0&offset=1234');
    const el = await waitUntil(() => row(1234), 'row 1234');
    expect(el.getAttribute('aria-selected')).toBe('true');
    expect(el.textContent).toContain('k1234');
    expect(screen.getByTestId('browser-total').textContent).toBe('3,000 messages');
  });

  it('seeks to an offset and to a time typed in the seek bar', async () => {
    renderAt('#/topics/app?partition=0');
    await waitUntil(() => row(2999), 'the newest row');
    fireEvent.change(screen.getByTestId('seek-offset'), { target: { value: '42' } });
    fireEvent.click(screen.getByTestId('seek-offset-go'));
    await waitUntil(() => row(42), 'row 42');
    fireEvent.change(screen.getByTestId('seek-time'), { target: { value: '2026-05-01 10:25:00' } });
    fireEvent.click(screen.getByTestId('seek-time-go'));
    const el = await waitUntil(() => row(1500), 'row 1500 (25 minutes in)');
    expect(el.getAttribute('aria-selected')).toBe('true');
    await waitUntil(
      () => window.location.hash === '#/topics/app?partition=0&offset=1500',
      'the address to follow',
    );
  });

  it('answers an offset outside the log and an impossible date inline', async () => {
    renderAt('#/topics/app?partition=0');
    fireEvent.change(screen.getByTestId('seek-offset'), { target: { value: '5000' } });
    fireEvent.click(screen.getByTestId('seek-offset-go'));
    const err = await screen.findByTestId('seek-error');
    expect(err.textContent).toBe(
      'offset 5000 is outside partition 0 of topic app: valid offsets are 0 to 2999',
    );
    fireEvent.change(screen.getByTestId('seek-time'), { target: { value: '2026-02-30 10:00' } });
    fireEvent.click(screen.getByTestId('seek-time-go'));
    expect(screen.getByTestId('seek-error').textContent).toMatch(
      /“2026-02-30 10:00” is not a date and time; use 2026-05-01 10:00:00/,
    );
    fireEvent.change(screen.getByTestId('seek-offset'), { target: { value: 'abc' } });
    fireEvent.click(screen.getByTestId('seek-offset-go'));
    expect(screen.getByTestId('seek-error').textContent).toMatch(
      /is not an offset; type a whole number/,
    );
  });

  it('moves with j/k, goes to the ends with g/G, opens the detail with Enter and closes it with Esc', async () => {
    renderAt('#/topics/app?partition=0&offset=100');
    await waitUntil(() => row(100), 'row 100');
    fireEvent.keyDown(window, { key: 'j' });
    fireEvent.keyDown(window, { key: 'j' });
    fireEvent.keyDown(window, { key: 'k' });
    expect(useAppStore.getState().browser.selected).toBe(101);
    await waitUntil(() => window.location.hash.endsWith('offset=101'), 'the address to follow j/k');
    fireEvent.keyDown(window, { key: 'Enter' });
    const detail = await screen.findByTestId('msg-detail');
    await waitUntil(() => within(detail).queryByTestId('json-tree'), 'the JSON tree');
    expect(within(detail).getByTestId('json-tree').textContent).toContain('"latency_ms": 101');
    expect(within(detail).getByTestId('detail-timestamp').textContent).toContain('CreateTime');
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByTestId('msg-detail')).toBeNull();
    fireEvent.keyDown(window, { key: 'G' });
    await waitUntil(() => useAppStore.getState().browser.selected === 2999, 'the last row');
    fireEvent.keyDown(window, { key: 'g' });
    await waitUntil(() => row(0), 'the first row');
  });

  it('focuses search with /, streams results of a filter, and opens a result at its offset', async () => {
    renderAt('#/topics/app?partition=0&offset=0');
    await waitUntil(() => row(0), 'row 0');
    fireEvent.keyDown(window, { key: '/' });
    const input = screen.getByTestId('search-input');
    expect(document.activeElement).toBe(input);
    fireEvent.change(screen.getByTestId('search-mode'), { target: { value: 'filter' } });
    fireEvent.change(input, { target: { value: 'level == "ERROR" && latency_ms > 300' } });
    await waitUntil(
      () =>
        !useAppStore.getState().search.problem &&
        !(screen.getByTestId('search-go') as HTMLButtonElement).disabled,
    );
    fireEvent.click(screen.getByTestId('search-go'));
    await screen.findByTestId('search-done', {}, { timeout: 20_000 });
    // The table lists the hits instead of every message.
    const hits = within(screen.getByTestId('hits-table')).getAllByTestId('msg-row');
    // i % 50 == 0 and i % 400 > 300: 350, 750, 1150, ..., 2750
    expect(hits.map((x) => x.getAttribute('data-offset'))).toEqual([
      '350',
      '750',
      '1150',
      '1550',
      '1950',
      '2350',
      '2750',
    ]);
    expect(screen.getByTestId('search-progress').textContent).toMatch(/3,000 of 3,000 scanned/);
    fireEvent.click(hits[2]);
    fireEvent.click(screen.getByTestId('open-in-view'));
    await waitUntil(() => row(1150)?.getAttribute('aria-selected') === 'true', 'the result row');
  });

  it("moves among the hits with j/k and g/G, shows a hit's context with Enter, and selects the hit at a time picked on the histogram, leaving the hidden table alone", async () => {
    renderAt('#/topics/app?partition=0&offset=100');
    await waitUntil(() => row(100), 'row 100');
    fireEvent.change(screen.getByTestId('search-mode'), { target: { value: 'filter' } });
    fireEvent.change(screen.getByTestId('search-input'), {
      target: { value: 'level == "ERROR" && latency_ms > 300' },
    });
    await waitUntil(
      () =>
        !useAppStore.getState().search.problem &&
        !(screen.getByTestId('search-go') as HTMLButtonElement).disabled,
    );
    fireEvent.click(screen.getByTestId('search-go'));
    await screen.findByTestId('search-done', {}, { timeout: 20_000 });
    const hitsTable = screen.getByTestId('hits-table');
    const selectedHit = () =>
      hitsTable
        .querySelector('[data-testid="msg-row"][aria-selected="true"]')
        ?.getAttribute('data-offset');
    fireEvent.keyDown(window, { key: 'j' });
    fireEvent.keyDown(window, { key: 'j' });
    fireEvent.keyDown(window, { key: 'j' });
    fireEvent.keyDown(window, { key: 'k' });
    await waitUntil(() => selectedHit() === '750', 'the second hit selected');
    fireEvent.keyDown(window, { key: 'G' });
    await waitUntil(() => selectedHit() === '2750', 'the last hit');
    fireEvent.keyDown(window, { key: 'g' });
    await waitUntil(() => selectedHit() === '350', 'the first hit');
    // The table of every message, hidden behind the hits, has not moved.
    expect(useAppStore.getState().browser.selected).toBe(100);
    // The histogram: a time between hits 1150 and 1550 picks 1550, the first at or after it.
    act(() => useAppStore.getState().selectHitAt(T0 + 1200 * 1000));
    await waitUntil(() => selectedHit() === '1550', 'the hit after the time picked');
    act(() => useAppStore.getState().selectHitAt(T0 + 2900 * 1000));
    await waitUntil(() => selectedHit() === '2750', 'the last hit when none is later');
    fireEvent.keyDown(window, { key: 'Enter' });
    const context = await screen.findByTestId('hit-context');
    await waitUntil(
      () => context.querySelector('[data-offset="2750"][aria-selected="true"]'),
      'the context of hit 2750',
    );
    // j/k mean nothing in a hit's context, and still leave the hidden table alone.
    fireEvent.keyDown(window, { key: 'j' });
    expect(useAppStore.getState().browser.selected).toBe(100);
    expect(screen.queryByTestId('msg-detail')).toBeNull();
    act(() => useAppStore.getState().clearSearch());
  });

  it('shows an invalid regex or filter inline with what is wrong', async () => {
    renderAt('#/topics/app?partition=0&offset=0');
    fireEvent.change(screen.getByTestId('search-mode'), { target: { value: 'regex' } });
    fireEvent.change(screen.getByTestId('search-input'), { target: { value: 'time(out' } });
    const problem = await screen.findByTestId('search-problem', {}, { timeout: 10_000 });
    expect(problem.textContent).toMatch(/invalid regular expression.*missing closing \)/);
    expect((screen.getByTestId('search-go') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId('search-mode'), { target: { value: 'filter' } });
    fireEvent.change(screen.getByTestId('search-input'), { target: { value: 'level = "x"' } });
    await waitUntil(
      () =>
        screen.queryByTestId('search-problem')?.textContent?.includes('unexpected character "="'),
      'the filter problem',
    );
  });

  it('loads the rows below the view while scrolling down, before they are shown', async () => {
    renderAt('#/topics/app?partition=0&offset=0');
    await waitUntil(() => row(0), 'row 0');
    const table = screen.getByTestId('msg-table');
    let top = 0; // jsdom does not scroll: the test plays the scrollbar
    Object.defineProperty(table, 'scrollTop', {
      configurable: true,
      get: () => top,
      set: (v: number) => (top = v),
    });
    // The motion is read from performance.now(): one 16 ms frame per scroll event, starting
    // a second after the view opened so that the opening does not count as part of the move.
    let clock = performance.now() + 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    try {
      for (let i = 0; i < 6; i++) {
        clock += 16;
        top += 240; // 10 rows a frame
        fireEvent.scroll(table);
      }
      await waitUntil(() => table.dataset.first === '60', 'the view at row 60');
      // 10 rows a frame for 400 ms is 250 rows past the 20 on screen.
      await waitUntil(() => useAppStore.getState().rowAt(320), 'row 320, not yet shown');
      expect(row(320)).toBeNull();
      expect(table.dataset.first).toBe('60');
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('shows new messages as waiting while paused and follows again on resume', async () => {
    renderAt('#/topics/app?partition=0&offset=10');
    await waitUntil(() => row(10), 'row 10');
    await act(async () => {
      await h.client.call('messages.produce', { topic: 'app', partition: 0, value: 'new one' });
      await h.client.call('messages.produce', { topic: 'app', partition: 0, value: 'new two' });
    });
    const pending = await waitUntil(
      () => screen.queryByTestId('tail-pending'),
      'the waiting count',
    );
    await waitUntil(() => pending.textContent === '2 new — resume', 'two waiting');
    fireEvent.click(pending);
    await waitUntil(() => row(3001)?.getAttribute('aria-selected') === 'true', 'the newest row');
    expect(screen.getByTestId('tail-toggle').textContent).toBe('Following');
  });

  it('says so inline when the topic does not exist', async () => {
    renderAt('#/topics/missing');
    const err = await screen.findByTestId('browser-error', {}, { timeout: 10_000 });
    expect(err.textContent).toMatch(/Topic missing does not exist/);
  });

  it('counts every header of a row, also those the row leaves out', async () => {
    await h.broker.createTopic('hdrs', { partitions: 1 });
    const headers = Array.from({ length: 40 }, (_, i): [string, string] => [`h${i}`, 'v']);
    await fill(h.broker, 'hdrs', 0, [{ timestamp: T0, value: 'one', headers }]);
    renderAt('#/topics/hdrs?partition=0');
    const el = await waitUntil(() => row(0), 'row 0');
    const cell = el.querySelector('.col-headers')!;
    expect(cell.textContent).toMatch(/^40: h0, h1, .*, h31, …$/);
  });
});
