// @vitest-environment jsdom
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { parseHash } from '../../../src/renderer/src/router';
import { useAppStore } from '../../../src/renderer/src/store';
import { TimelineView } from '../../../src/renderer/src/views/Timeline/TimelineView';
import { fill, openInspectHarness, type InspectHarness } from '../../main/api/inspect-harness';
import { callsDuringBurst, useViewHarness, giveTableHeight } from '../view-harness';
import { waitFor } from '../../wait';

let h: InspectHarness;

useViewHarness(async () => {
  giveTableHeight();
  h = await openInspectHarness();
  for (const topic of ['web', 'api']) {
    await h.broker.createTopic(topic, { partitions: 1 });
    await fill(
      h.broker,
      topic,
      0,
      Array.from({ length: 20 }, (_, i) => ({ timestamp: 1_000 + i, value: `${topic} ${i}` })),
    );
  }
  return h;
});

/** What the view holds, to name in a failed wait. */
function viewState(): string {
  const { total, selected, following } = useAppStore.getState().browser;
  return JSON.stringify({ total, selected, following });
}

const lastShown = () =>
  [...document.querySelectorAll('[data-testid="msg-row"]')].at(-1)?.textContent ?? '';

describe('the timeline on a tail update', () => {
  it('shows a burst of new messages of any topic while following from the tail events alone', async () => {
    const hash = '#/timeline?topics=web,api';
    window.location.hash = hash;
    const route = parseHash(hash);
    if (route.view !== 'timeline') throw new Error('not a timeline route');
    render(<TimelineView route={route} />);
    await waitFor(
      () => useAppStore.getState().browser.following && lastShown().includes('api 19'),
      () => `the newest row, followed (store: ${viewState()})`,
      { timeoutMs: 20_000 },
    );
    const asked = await callsDuringBurst(h, 'web', 300, async () => {
      await waitFor(
        () => lastShown().includes('burst 299'),
        () => `the burst's last row, followed (store: ${viewState()})`,
        { timeoutMs: 20_000 },
      );
      expect(document.querySelectorAll('[data-testid="msg-row-loading"]')).toHaveLength(0);
    });
    expect(asked.filter((n) => n === 'timeline.window')).toEqual([]);
  });
});
