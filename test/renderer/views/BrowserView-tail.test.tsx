// @vitest-environment jsdom
import { act, fireEvent, render, screen } from '@testing-library/react';
import type { ComponentProps } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { parseHash } from '../../../src/renderer/src/router';
import { useAppStore } from '../../../src/renderer/src/store';
import { BrowserView } from '../../../src/renderer/src/views/Browser/BrowserView';
import { fill, openInspectHarness, type InspectHarness } from '../../main/api/inspect-harness';
import { callsDuringBurst, useViewHarness, giveTableHeight } from '../view-harness';
import { waitUntil } from '../wait';
import { waitFor as sharedWaitFor } from '../../wait';

/**
 * What a tail update costs the browser view: the count badge follows it on its own, and the
 * address is left alone while the view follows (each write re-renders the whole app).
 * BrowserView's renders are counted through its page header, the real one, wrapped.
 */
const renders = vi.hoisted(() => ({ header: 0 }));
vi.mock('../../../src/renderer/src/components/ui/PageHeader', async (importOriginal) => {
  const real =
    await importOriginal<typeof import('../../../src/renderer/src/components/ui/PageHeader')>();
  return {
    ...real,
    PageHeader: (props: ComponentProps<typeof real.PageHeader>) => {
      renders.header++;
      return <real.PageHeader {...props} />;
    },
  };
});

let h: InspectHarness;

useViewHarness(async () => {
  giveTableHeight();
  h = await openInspectHarness();
  await h.broker.createTopic('live', { partitions: 1 });
  await fill(
    h.broker,
    'live',
    0,
    Array.from({ length: 20 }, (_, i) => ({ timestamp: Date.now(), value: `line ${i}` })),
  );
  return h;
});

function renderAt(hash: string) {
  window.location.hash = hash;
  const route = parseHash(hash);
  if (route.view !== 'topic') throw new Error('not a topic route');
  return render(<BrowserView route={route} />);
}

const selected = (offset: number) =>
  document
    .querySelector(`[data-testid="msg-row"][data-offset="${offset}"]`)
    ?.getAttribute('aria-selected') === 'true';

/** What the view holds, to name in a failed wait. */
function viewState(): string {
  const { total, selected, following, version } = useAppStore.getState().browser;
  const rows = [...document.querySelectorAll('[data-index]')].map(
    (r) => `${r.getAttribute('data-index')}${r.getAttribute('data-offset') === null ? '…' : ''}`,
  );
  return JSON.stringify({ total, selected, following, version, rows });
}

async function produce(n: number): Promise<void> {
  await act(async () => {
    for (let i = 0; i < n; i++)
      await h.client.call('messages.produce', { topic: 'live', partition: 0, value: `new ${i}` });
  });
}

describe('the message browser on a tail update', () => {
  it('shows the new count in its badge without rendering the whole view again', async () => {
    renderAt('#/topics/live?partition=0');
    await waitUntil(() => selected(19), 'the newest row, followed');
    await waitUntil(() => useAppStore.getState().browser.topicPartitions.length === 1, 'the view');
    const before = renders.header;
    await produce(3);
    await sharedWaitFor(
      () => selected(22),
      () => `the new newest row, followed (store: ${viewState()})`,
      { timeoutMs: 20_000 },
    );
    expect(screen.getByTestId('browser-total').textContent).toBe('23 messages');
    expect(renders.header).toBe(before);
  });

  it('leaves the address alone while following, and names the selected message once paused', async () => {
    renderAt('#/topics/live?partition=0');
    await waitUntil(() => selected(22), 'the newest row, followed');
    expect(window.location.hash).toBe('#/topics/live?partition=0');
    let writes = 0;
    const counted = () => writes++;
    window.addEventListener('hashchange', counted);
    try {
      await produce(2);
      await waitUntil(() => selected(24), 'the new newest row, followed');
      expect(window.location.hash).toBe('#/topics/live?partition=0');
      expect(writes).toBe(0);
      fireEvent.click(screen.getByTestId('tail-toggle'));
      await waitUntil(
        () => window.location.hash === '#/topics/live?partition=0&offset=24',
        "the paused view's message in the address",
      );
    } finally {
      window.removeEventListener('hashchange', counted);
    }
  });

  it('shows a burst of new messages while following from the tail events alone, without asking for windows', async () => {
    const end = async () =>
      (await h.client.call('topics.describe', { topic: 'live' })).partitions[0].logEndOffset;
    const before = await end();
    renderAt('#/topics/live?partition=0');
    await waitUntil(() => selected(before - 1), 'the newest row, followed');
    // The subscription asks for the newest rows once following (it subscribes again then).
    const asked = await callsDuringBurst(h, 'live', 500, async () => {
      await sharedWaitFor(
        () => selected(before + 499),
        () => `the burst's last row, followed (store: ${viewState()})`,
        { timeoutMs: 20_000 },
      );
      const shown = [...document.querySelectorAll('[data-testid="msg-row"]')].map((r) =>
        Number(r.getAttribute('data-offset')),
      );
      expect(shown[shown.length - 1]).toBe(before + 499);
      expect(document.querySelectorAll('[data-testid="msg-row-loading"]')).toHaveLength(0);
    });
    expect(asked.filter((n) => n === 'messages.window')).toEqual([]);
  });
});
