// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useAppStore } from '../../../src/renderer/src/store';
import { DashboardView } from '../../../src/renderer/src/views/Dashboard/DashboardView';
import { openOpsHarness, text, type OpsHarness } from '../../main/api/ops-harness';
import { waitUntil } from '../wait';

let h: OpsHarness;
beforeAll(async () => {
  h = await openOpsHarness();
  await h.broker.createTopic('app', { partitions: 2 });
  const now = Date.now();
  await h.broker.send([
    {
      topic: 'app',
      partition: 0,
      value: text('{"level":"error","msg":"a"}'),
      timestamp: now - 120_000,
    },
    {
      topic: 'app',
      partition: 1,
      value: text('{"level":"info","msg":"b"}'),
      timestamp: now - 60_000,
    },
    { topic: 'app', partition: 1, value: text('WARN c'), timestamp: now - 30_000 },
  ]);
  useAppStore.getState().setApi(h.client, 'in-process');
});
afterEach(() => cleanup());
afterAll(async () => {
  await h.close();
});

describe('the dashboard', () => {
  it('shows disk use per topic with links to its settings and replay', async () => {
    render(<DashboardView />);
    const row = await screen.findByTestId('disk-app', {}, { timeout: 10_000 });
    expect(row.textContent).toMatch(/app\s*2\s*3/);
    expect(row.querySelector('a[href="#/topics/app/settings"]')).toBeTruthy();
    expect(row.querySelector('a[href="#/replay?topic=app"]')).toBeTruthy();
  });

  it('counts the messages of the chosen window by level', async () => {
    render(<DashboardView />);
    await screen.findByTestId('disk-app', {}, { timeout: 10_000 });
    fireEvent.change(screen.getByLabelText('histogram topic'), { target: { value: 'app' } });
    await waitUntil(
      () => /3 message/.test(screen.queryByTestId('histogram-summary')?.textContent ?? ''),
      'the histogram',
    );
    const { histogram } = useAppStore.getState().dashboard;
    const totals = Object.fromEntries(
      ['error', 'info', 'warn'].map((l) => [
        l,
        histogram!.buckets.reduce((n, b) => n + b.counts[l as 'info'], 0),
      ]),
    );
    expect(totals).toEqual({ error: 1, info: 1, warn: 1 });
  });

  it('shows messages produced and consumed per second, per topic and over all topics', async () => {
    await h.broker.createTopic('orders');
    await h.broker.groups.setOffsets('billing', [{ topic: 'orders', partition: 0, offset: 0 }]);
    await h.metrics.sample();
    await h.broker.send(
      Array.from({ length: 20 }, (_, i) => ({ topic: 'orders', value: text(`o${i}`) })),
    );
    await h.broker.groups.setOffsets('billing', [{ topic: 'orders', partition: 0, offset: 10 }]);
    h.clock.now += 2000;
    await h.metrics.sample(); // 10 produced/s, 5 consumed/s
    await h.broker.groups.setOffsets('billing', [{ topic: 'orders', partition: 0, offset: 20 }]);
    h.clock.now += 2000;
    await h.metrics.sample(); // 0 produced/s, 5 consumed/s

    render(<DashboardView />);
    const orders = await screen.findByTestId('rate-orders-now', {}, { timeout: 10_000 });
    expect(orders.textContent).toBe('0.00 msg/s produced · 5.00 msg/s consumed (1 group: billing)');
    // No group reads `app`: only what is produced.
    expect(screen.getByTestId('rate-app-now').textContent).toBe('0.00 msg/s produced');
    expect(screen.getByTestId('rate-total-now').textContent).toBe(
      '0.00 msg/s produced · 5.00 msg/s consumed',
    );
    const chart = useAppStore.getState().dashboard.rates!;
    expect(chart.consumed).toEqual([
      { topic: 'orders', groups: ['billing'], points: expect.any(Array) },
    ]);
    expect(chart.consumed[0].points.map((p) => p.rate)).toEqual([5, 5]);
    // Busiest first, after the total.
    const cards = [...document.querySelectorAll('[data-testid^="rate-"][data-testid$="-now"]')];
    expect(cards.map((c) => c.getAttribute('data-testid'))).toEqual([
      'rate-total-now',
      'rate-orders-now',
      'rate-app-now',
    ]);
  });

  it('opens the message browser at the first message of a clicked time', async () => {
    await useAppStore.getState().openTopicAt('app', Date.now() - 90_000);
    expect(window.location.hash).toBe('#/topics/app?partition=1&offset=0');
    await useAppStore.getState().openTopicAt('app', Date.now() + 60_000);
    expect(window.location.hash).toBe('#/topics/app');
  });
});
