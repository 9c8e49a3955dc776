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
  /** `<name>-<scheme>-<width>.png` in light and dark at 1440 x 900 and 1024 x 700. */
  const screenshots = async (name: string) => {
    for (const scheme of ['light', 'dark'] as const) {
      await page().emulateMedia({ colorScheme: scheme });
      for (const [w, h] of [
        [1440, 900],
        [1024, 700],
      ] as const) {
        await page().setViewportSize({ width: w, height: h });
        await app.screenshot(`${name}-${scheme}-${w}`);
      }
    }
    await page().emulateMedia({ colorScheme: 'light' });
    await page().setViewportSize({ width: 1440, height: 900 });
  };
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
    await screenshots('search-facet');
    await facet.getByRole('button', { name: 'Close' }).click();
  });

  it('lists the hits in the message table with the match marked, and finds more further down', async () => {
    await open('#/topics/svc-logs?partitions=0');
    await page().getByTestId('search-mode').selectOption('text');
    await page().getByTestId('search-input').fill('WORKER');
    await page().getByTestId('search-go').click();
    const table = page().getByTestId('hits-table');
    // 1000 of partition 0's 1000 workers come at once (the search's page), the first marked
    await waitFor(async () => (await table.getAttribute('data-total')) === '1000', '1000 hits');
    expect(await table.locator('[data-testid="msg-row"] mark').first().textContent()).toBe(
      'worker',
    );
    await waitFor(
      async () =>
        /more as you scroll/.test((await page().getByTestId('hits-status').textContent()) ?? ''),
      'the search to stop at its page',
    );
    // Scrolling to the end goes on with the search: partition 0 has no more workers.
    await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await waitFor(
      async () => (await page().getByTestId('hits-status').textContent()) === '1,000 hits',
      'the search to finish',
    );
    await open('#/topics/svc-logs');
    await page().getByTestId('search-input').fill('worker');
    await page().getByTestId('search-go').click();
    await waitFor(async () => (await table.getAttribute('data-total')) === '1000', 'first page');
    await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await waitFor(async () => (await table.getAttribute('data-total')) === '2000', 'second page');
    await screenshots('search-hits');
  });

  it('shows the messages around a hit in its partition, and goes back to the hits where it was', async () => {
    await page().getByTestId('search-input').fill('timeout');
    await page().getByTestId('search-go').click();
    const table = page().getByTestId('hits-table');
    // n % 100 == 7 in each partition: 15 per partition
    await waitFor(
      async () => (await page().getByTestId('hits-status').textContent()) === '30 hits',
      '30 hits',
    );
    await table.evaluate((el) => (el.scrollTop = 5 * 24));
    const hit = table.locator('[data-testid="msg-row"][data-partition="1"][data-offset="507"]');
    // Selected first: selecting scrolls the table to keep the hit whole in view, which would
    // move another row under the second click of a double-click.
    await hit.click();
    await table.locator('[data-partition="1"][data-offset="507"][aria-selected="true"]').waitFor();
    const top = await table.evaluate((el) => el.scrollTop);
    await hit.dblclick();
    const context = page().getByTestId('hit-context');
    await context.waitFor();
    const selected = context.locator('[data-testid="msg-row"][aria-selected="true"]');
    await selected.waitFor();
    expect(await selected.getAttribute('data-offset')).toBe('507');
    expect(await selected.locator('mark').allTextContents()).toEqual(['timeout', 'timeout']);
    const offsets = await context
      .locator('[data-testid="msg-row"]')
      .evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.offset)));
    expect(offsets).toEqual(Array.from({ length: 41 }, (_, i) => 487 + i));
    await screenshots('search-context');
    await page().getByTestId('back-to-hits').click();
    await waitFor(async () => (await table.evaluate((el) => el.scrollTop)) === top, 'same place');
    await page().getByTestId('clear-search').click();
    await page().getByTestId('msg-table').waitFor();
  });

  it('acts on the hits, not on the hidden table, for keys and clicks on the histogram', async () => {
    await open('#/topics/svc-logs');
    await page().getByTestId('search-mode').selectOption('text');
    await page().getByTestId('search-input').fill('timeout');
    await page().getByTestId('search-go').click();
    await waitFor(
      async () => (await page().getByTestId('hits-status').textContent()) === '30 hits',
      '30 hits',
    );
    await timelineCounted(true, 30);
    const table = page().getByTestId('hits-table');
    const selectedHit = () =>
      table
        .locator('[data-testid="msg-row"][aria-selected="true"]')
        .evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.offset ?? ''));
    const address = () => page().evaluate(() => location.hash);
    await waitFor(async () => (await address()).includes('q='), 'the search in the address');
    const hash = await address();
    // The hits come partition by partition: 7, 107, ... 1407 of partition 0, then of 1.
    await page().keyboard.press('j');
    await page().keyboard.press('j');
    await waitFor(async () => (await selectedHit()).join() === '107', 'the second hit');
    await page().keyboard.press('G');
    await waitFor(async () => (await selectedHit()).join() === '1407', 'the last hit');
    await page().keyboard.press('g');
    await waitFor(async () => (await selectedHit()).join() === '7', 'the first hit');
    // A click on the histogram's right end picks a hit of the newest messages (partition 1
    // was written last), not a row of the hidden table.
    const over = page().getByTestId('timeline-chart').locator('.u-over');
    await over.waitFor();
    const box = (await over.boundingBox())!;
    await page().mouse.click(box.x + box.width - 2, box.y + box.height / 2);
    await waitFor(
      async () =>
        (await table
          .locator('[data-testid="msg-row"][aria-selected="true"]')
          .getAttribute('data-partition')) === '1',
      'a hit of partition 1 selected',
    );
    await page().keyboard.press('Enter');
    await page().getByTestId('hit-context').waitFor();
    expect(await address()).toBe(hash);
    await page().getByTestId('back-to-hits').click();
    await page().getByTestId('clear-search').click();
    await page().getByTestId('msg-table').waitFor();
  });

  it('opens a search from a link, saves it by name and opens it from the palette and #/search/<name>', async () => {
    // A link with a search, a partition and a time window runs it on opening.
    await open(`#/topics/svc-logs?partitions=1&q=${encodeURIComponent('TIMEOUT')}&from=0`);
    const table = page().getByTestId('hits-table');
    await waitFor(
      async () => (await page().getByTestId('hits-status').textContent()) === '15 hits',
      '15 hits',
    );
    expect(await page().getByTestId('search-input').inputValue()).toBe('TIMEOUT');
    expect(await table.getByTestId('msg-row').first().getAttribute('data-partition')).toBe('1');
    // The address follows a search typed in the box (a link to share).
    await page().getByTestId('search-mode').selectOption('filter');
    await page().getByTestId('search-input').fill('level == "error"');
    await waitFor(async () => !(await page().getByTestId('search-go').isDisabled()), 'accepted');
    await page().getByTestId('search-go').click();
    await waitFor(
      async () => (await page().evaluate(() => location.hash)).includes('mode=filter'),
      'the search in the address',
    );
    expect(await page().evaluate(() => decodeURIComponent(location.hash))).toContain(
      'q=level == "error"',
    );
    // Saved by name (validated by the main process): a bad name is refused, a good one kept.
    await page().getByTestId('save-search').click();
    await page().getByTestId('save-search-name').fill('bad/name');
    await page().getByTestId('save-search-name').press('Enter');
    await page().getByTestId('save-search-error').waitFor();
    await page().getByTestId('save-search-name').fill('p1 errors');
    await page().getByTestId('save-search-name').press('Enter');
    await page().getByTestId('search-saved').waitFor();
    const saved = (await app.api.call('settings.get', {})).settings.savedSearches;
    expect(saved).toEqual([
      {
        name: 'p1 errors',
        topic: 'svc-logs',
        partitions: [1],
        query: { filter: 'level == "error"', caseSensitive: false },
        range: { kind: 'all' },
      },
    ]);
    // Recent queries are offered in the search box.
    expect(
      await page()
        .locator('#search-history option')
        .evaluateAll((els) => els.map((el) => (el as HTMLOptionElement).value)),
    ).toEqual(['level == "error"', 'TIMEOUT', 'timeout', 'worker', 'WORKER', 'service == "api"']);
    await page().getByTestId('clear-search').click();
    await waitFor(
      async () => !(await page().evaluate(() => location.hash)).includes('q='),
      'the search out of the address',
    );
    // From the palette
    await open('#/topics/svc-logs');
    await page().keyboard.press('Control+k');
    await page().getByTestId('palette-input').fill('p1 err');
    await page().getByTestId('palette-input').press('Enter');
    await waitFor(async () => (await table.getAttribute('data-total')) === '300', '300 error hits');
    expect(await page().getByTestId('search-input').inputValue()).toBe('level == "error"');
    // From its address
    await open('#/topics/svc-logs');
    await page().evaluate(() => (location.hash = '#/search/p1%20errors'));
    await waitFor(async () => (await table.getAttribute('data-total')) === '300', 'from the link');
    expect(await page().evaluate(() => location.hash)).toMatch(/[?&]partitions?=1&/);
    await screenshots('search-saved');
    await page().evaluate(() => (location.hash = '#/search/nothing-here'));
    await page().getByTestId('saved-search-missing').waitFor();
  });

  it('counts the histogram over the partitions picked only', async () => {
    await open('#/topics/svc-logs?partitions=1');
    await timelineCounted(false, PER_PARTITION);
    await open('#/topics/svc-logs');
    await timelineCounted(false, PER_PARTITION * 2);
  });
});
