import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, waitFor, type RunningApp } from './harness';

/**
 * Search, facets and the histogram as one log viewer, in Chromium against headless mode:
 * facets count every message of the view (or every hit of the search) in the main process,
 * and the histogram above the table follows the partitions picked and the search.
 * Screenshots: test-artifacts/e2e/search-*.png, light and dark, 1440 x 900 and 1024 x 700.
 */
const LEVELS = ['info', 'info', 'warn', 'info', 'error'];
/** Per partition: more than the table ever loads at once would not fit the test's time. */
const PER_PARTITION = 1500;

describe('search, facets and the histogram over a whole view', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp();
    await app.api.call('topics.create', { name: 'svc-logs', partitions: 2 });
    for (let p = 0; p < 2; p++) {
      for (let i = 0; i < PER_PARTITION; i += 500) {
        await app.api.call('messages.produceBatch', {
          topic: 'svc-logs',
          partition: p,
          records: Array.from({ length: 500 }, (_, j) => {
            const n = i + j;
            return {
              key: null,
              value: JSON.stringify({
                level: LEVELS[n % LEVELS.length],
                service: n % 3 === 0 ? 'api' : 'worker',
                msg: `request ${n} from p${p}${n % 100 === 7 ? ' timeout talking to db' : ''}`,
              }),
            };
          }),
        });
      }
    }
  });

  afterAll(async () => {
    await app?.close();
  });

  const page = (): Page => app.page;
  const open = async (hash: string) => {
    await page().evaluate((h) => (location.hash = h), hash);
    await page().getByTestId('msg-row').first().waitFor();
  };
  const timelineCounted = (search: boolean, counted: number) =>
    waitFor(
      async () => {
        const t = page().getByTestId('browser-timeline');
        return (
          (await t.getAttribute('data-search')) === String(search) &&
          Number(await t.getAttribute('data-counted')) === counted
        );
      },
      `the histogram to count ${counted} ${search ? 'hits' : 'messages'}`,
    );
  const facetCounts = async () =>
    Object.fromEntries(
      await page()
        .getByTestId('facet-value')
        .evaluateAll((els) =>
          els.map((el) => [
            el.querySelector('.facet-label')?.textContent ?? '',
            Number((el as HTMLElement).dataset.count),
          ]),
        ),
    );

  it('counts a facet over every message of the view, not only the loaded rows', async () => {
    await open('#/topics/svc-logs');
    await page().getByTestId('col-service').click();
    const facet = page().getByTestId('facet-panel');
    await waitFor(async () => (await facet.getAttribute('data-running')) === 'false', 'counts');
    // 3000 messages: n % 3 == 0 are "api" (500 per partition)
    expect(await facetCounts()).toEqual({ worker: 2000, api: 1000 });
    expect(await facet.getAttribute('data-over')).toBe('view');
    expect(await page().getByTestId('facet-counted').textContent()).toMatch(/3,000 of 3,000/);
  });

  it('filters by a click on a value, and the facet and the histogram then count the hits', async () => {
    const facet = page().getByTestId('facet-panel');
    await facet.getByTestId('facet-value').filter({ hasText: 'api' }).click();
    expect(await page().getByTestId('search-input').inputValue()).toBe('service == "api"');
    await waitFor(async () => (await facet.getAttribute('data-over')) === 'search', 'over search');
    await waitFor(async () => (await facet.getAttribute('data-running')) === 'false', 'counts');
    expect(await facetCounts()).toEqual({ api: 1000 });
    await timelineCounted(true, 1000);
    for (const scheme of ['light', 'dark'] as const) {
      await page().emulateMedia({ colorScheme: scheme });
      for (const [w, h] of [
        [1440, 900],
        [1024, 700],
      ] as const) {
        await page().setViewportSize({ width: w, height: h });
        await app.screenshot(`search-facet-${scheme}-${w}`);
      }
    }
    await page().emulateMedia({ colorScheme: 'light' });
    await page().setViewportSize({ width: 1440, height: 900 });
    await facet.getByRole('button', { name: 'Close' }).click();
  });

  it('counts the histogram over the partitions picked only', async () => {
    await open('#/topics/svc-logs?partitions=1');
    await timelineCounted(false, PER_PARTITION);
    await open('#/topics/svc-logs');
    await timelineCounted(false, PER_PARTITION * 2);
  });
});
