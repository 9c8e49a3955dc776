// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useRoute } from '../../../src/renderer/src/router';
import { useAppStore } from '../../../src/renderer/src/store';
import { BrowserView } from '../../../src/renderer/src/views/Browser/BrowserView';
import {
  PartitionPicker,
  summarizePartitions,
  togglePartition,
} from '../../../src/renderer/src/views/Browser/PartitionPicker';
import { fill, openInspectHarness, type InspectHarness } from '../../main/api/inspect-harness';
import { useViewHarness, giveTableHeight } from '../view-harness';
import { waitUntil } from '../wait';

describe('the partition picker on its own', () => {
  afterEach(cleanup);

  it('summarises the selection as a list, a count, or all', () => {
    const all = Array.from({ length: 12 }, (_, i) => i);
    expect(summarizePartitions(null, all)).toBe('All 12');
    expect(summarizePartitions([0, 2, 5], all)).toBe('0, 2, 5');
    expect(summarizePartitions([0, 1, 2, 3, 4, 5, 6, 7, 8], all)).toBe('9 of 12');
  });

  it('switches one partition at a time, turns a full selection into all, and never into none', () => {
    const all = [0, 1, 2];
    expect(togglePartition(null, all, 1)).toEqual([0, 2]);
    expect(togglePartition([0, 2], all, 1)).toBeNull();
    expect(togglePartition([2], all, 0)).toEqual([0, 2]);
    const last = [2];
    expect(togglePartition(last, all, 2)).toBe(last);
  });

  function Stateful({ initial }: { initial: number[] | null }) {
    const [selected, setSelected] = useState(initial);
    return <PartitionPicker all={[0, 1, 2]} selected={selected} onChange={setSelected} />;
  }

  it('is worked by keyboard: opens on the first box, arrows move, Space switches, Esc returns', () => {
    render(<Stateful initial={null} />);
    const button = screen.getByTestId('browser-partition');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(screen.getByTestId('browser-partition-summary').textContent).toBe('All 3');
    button.focus();
    fireEvent.keyDown(button, { key: 'ArrowDown' });
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const list = screen.getByTestId('browser-partition-list');
    expect(document.activeElement).toBe(screen.getByTestId('partition-option-all'));
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(screen.getByTestId('partition-option-1'));
    // A checkbox switches on click, which is what Space does to a focused one.
    fireEvent.click(document.activeElement!);
    expect(screen.getByTestId('browser-partition-summary').textContent).toBe('0, 2');
    fireEvent.keyDown(list, { key: 'End' });
    expect(document.activeElement).toBe(screen.getByTestId('partition-option-2'));
    fireEvent.click(document.activeElement!);
    expect(screen.getByTestId('browser-partition-summary').textContent).toBe('0');
    // The last one shown stays on.
    fireEvent.click(screen.getByTestId('partition-option-0'));
    expect(screen.getByTestId('browser-partition-summary').textContent).toBe('0');
    expect(screen.getByTestId('partition-option-0').getAttribute('aria-disabled')).toBe('true');
    fireEvent.keyDown(list, { key: 'Escape' });
    expect(screen.queryByTestId('browser-partition-list')).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('goes back to all from a selection with the All box, and closes on a click elsewhere', () => {
    render(
      <>
        <Stateful initial={[1]} />
        <p>elsewhere</p>
      </>,
    );
    fireEvent.click(screen.getByTestId('browser-partition'));
    fireEvent.click(screen.getByTestId('partition-option-all'));
    expect(screen.getByTestId('browser-partition-summary').textContent).toBe('All 3');
    fireEvent.mouseDown(screen.getByText('elsewhere'));
    expect(screen.queryByTestId('browser-partition-list')).toBeNull();
  });
});

describe('the message browser with a chosen set of partitions', () => {
  let h: InspectHarness;
  const T0 = Date.parse('2026-05-01T10:00:00Z');
  const PER_PARTITION = 40;

  useViewHarness(async () => {
    giveTableHeight();
    h = await openInspectHarness();
    await h.broker.createTopic('three', { partitions: 3 });
    // Interleaved clocks: message i of partition p is stamped T0 + 3i + p.
    for (const p of [0, 1, 2]) {
      await fill(
        h.broker,
        'three',
        p,
        Array.from({ length: PER_PARTITION }, (_, i) => ({
          timestamp: T0 + i * 3 + p,
          value: `p${p} message ${i}`,
        })),
      );
    }
    return h;
  });

  /** The browser as App renders it: following the address. */
  function Routed() {
    const route = useRoute();
    return route.view === 'topic' ? <BrowserView route={route} /> : null;
  }

  const paintedRows = () =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="msg-row"]')].map((el) => ({
      partition: Number(el.dataset.partition),
      offset: Number(el.dataset.offset),
    }));

  it('shows only the chosen partitions, merged by time, and keeps the choice in the address', async () => {
    window.location.hash = '#/topics/three';
    render(<Routed />);
    await waitUntil(
      () => screen.getByTestId('browser-partition-summary').textContent === 'All 3',
      'all three partitions offered',
    );
    await waitUntil(() => useAppStore.getState().browser.total === 3 * PER_PARTITION, 'all rows');

    fireEvent.click(screen.getByTestId('browser-partition'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('partition-option-1'));
    });
    await waitUntil(
      () => window.location.hash.startsWith('#/topics/three?partitions=0,2'),
      'the choice in the address',
    );
    // jsdom announces the new address with a hashchange event a moment later.
    await waitUntil(
      () => screen.getByTestId('browser-partition-summary').textContent === '0, 2',
      'the summary of the choice',
    );
    await waitUntil(
      () => screen.getByTestId('browser-total').textContent === `${2 * PER_PARTITION} messages`,
      'the total of two partitions',
    );
    // Painted from the newest backwards: partitions 0 and 2 alternate, in time order.
    await waitUntil(
      () => paintedRows().some((r) => r.offset === PER_PARTITION - 1 && r.partition === 2),
      'the newest row',
    );
    const rows = paintedRows();
    expect(rows.length).toBeGreaterThan(4);
    for (const [i, r] of rows.entries()) {
      expect(r.partition).not.toBe(1);
      if (i > 0) {
        const prev = rows[i - 1];
        expect(T0 + r.offset * 3 + r.partition).toBeGreaterThan(
          T0 + prev.offset * 3 + prev.partition,
        );
      }
    }

    // An offset needs its partition here, and partition 1 is not in the view.
    fireEvent.change(screen.getByTestId('seek-offset'), { target: { value: '7' } });
    fireEvent.click(screen.getByTestId('seek-offset-go'));
    expect(screen.getByTestId('seek-error').textContent).toMatch(/merges 2 partitions/);
    fireEvent.change(screen.getByTestId('seek-offset'), { target: { value: '1:7' } });
    fireEvent.click(screen.getByTestId('seek-offset-go'));
    expect(screen.getByTestId('seek-error').textContent).toMatch(/partition 1 is not in this view/);
    fireEvent.change(screen.getByTestId('seek-offset'), { target: { value: '2:7' } });
    fireEvent.click(screen.getByTestId('seek-offset-go'));
    await waitUntil(
      () => window.location.hash === '#/topics/three?partitions=0,2&partition=2&offset=7',
      'the selected message in the address',
    );
  });

  it('searches only the chosen partitions', async () => {
    window.location.hash = '#/topics/three?partitions=1,2';
    render(<Routed />);
    await waitUntil(() => useAppStore.getState().browser.total === 2 * PER_PARTITION, 'the view');
    fireEvent.change(screen.getByTestId('search-input'), { target: { value: 'message 3' } });
    await waitUntil(
      () => !(screen.getByTestId('search-go') as HTMLButtonElement).disabled,
      'the query to be accepted',
    );
    fireEvent.click(screen.getByTestId('search-go'));
    await screen.findByTestId('search-done', {}, { timeout: 20_000 });
    // The table lists the hits: "message 3" and "message 30".."message 39" in each of
    // partitions 1 and 2 (the rows painted are those that fit the table's height).
    expect(screen.getByTestId('hits-table').getAttribute('data-total')).toBe('22');
    const hits = within(screen.getByTestId('hits-table')).getAllByTestId('msg-row');
    expect(new Set(hits.map((x) => x.getAttribute('data-partition')))).toEqual(new Set(['1', '2']));
    expect(
      useAppStore
        .getState()
        .search.hits.map((x) => x.partition)
        .sort(),
    ).toEqual([...Array(11).fill(1), ...Array(11).fill(2)]);
  });

  it('opens an older one-partition link as that partition, and widens it keeping the message', async () => {
    window.location.hash = '#/topics/three?partition=1&offset=5';
    render(<Routed />);
    await waitUntil(
      () =>
        document
          .querySelector('[data-testid="msg-row"][data-partition="1"][data-offset="5"]')
          ?.getAttribute('aria-selected') === 'true',
      'partition 1, offset 5 selected',
    );
    expect(screen.getByTestId('browser-partition-summary').textContent).toBe('1');
    await waitUntil(
      () => screen.getByTestId('browser-total').textContent === `${PER_PARTITION} messages`,
      'one partition',
    );
    // Enter on the focused picker button belongs to the button, not to the selected row.
    fireEvent.keyDown(screen.getByTestId('browser-partition'), { key: 'Enter' });
    expect(screen.queryByTestId('msg-detail')).toBeNull();
    fireEvent.click(screen.getByTestId('browser-partition'));
    await waitUntil(() => screen.queryByTestId('partition-option-0'), 'every partition offered');
    fireEvent.click(screen.getByTestId('partition-option-0'));
    await waitUntil(
      () => window.location.hash === '#/topics/three?partitions=0,1&partition=1&offset=5',
      'the wider view at the same message',
    );
    await waitUntil(
      () =>
        document
          .querySelector('[data-testid="msg-row"][data-partition="1"][data-offset="5"]')
          ?.getAttribute('aria-selected') === 'true',
      'the same message selected in the wider view',
    );
  });
});
