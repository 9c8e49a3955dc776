import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, waitFor, type RunningApp } from './harness';

/**
 * Choosing several partitions of a real topic in Chromium against headless mode: the
 * picker is worked with the keyboard, the view shows only the chosen partitions merged by
 * timestamp, and the choice survives a reload. Screenshots: test-artifacts/e2e/partitions-*.png.
 */
const PER_PARTITION = 6;

interface Produced {
  partition: number;
  offset: number;
  value: string;
}

describe('browsing a chosen set of partitions in headless mode', () => {
  let app: RunningApp;
  /** In the order produced, which is also timestamp order (see beforeAll). */
  const produced: Produced[] = [];

  beforeAll(async () => {
    app = await startApp();
    await app.api.call('topics.create', { name: 'orders', partitions: 3 });
    // Round-robin over the partitions. The broker stamps each message when it appends it;
    // waiting for the clock to move on after each answer makes every stamp strictly later
    // than the previous one, so produce order is timestamp order.
    for (let i = 0; i < PER_PARTITION * 3; i++) {
      const partition = i % 3;
      const value = `order ${i} in p${partition}`;
      const at = await app.api.call('messages.produce', { topic: 'orders', partition, value });
      produced.push({ partition, offset: at.offset, value });
      const answered = Date.now();
      await waitFor(() => Date.now() > answered, 'the clock to move on');
    }
  });

  afterAll(async () => {
    await app?.close();
  });

  const page = () => app.page;
  const paintedRows = () =>
    page()
      .locator('[data-testid="msg-row"]')
      .evaluateAll((els) =>
        els.map((el) => ({
          partition: Number((el as HTMLElement).dataset.partition),
          offset: Number((el as HTMLElement).dataset.offset),
        })),
      );
  const expected = () => produced.filter((m) => m.partition !== 1);

  it('selects two of three partitions and shows only their messages, merged by timestamp', async () => {
    await page().getByTestId('nav-topics').click();
    await page().getByTestId('topic-link-orders').click();
    await waitFor(
      async () =>
        (await page().getByTestId('browser-total').textContent()) ===
        `${PER_PARTITION * 3} messages`,
      'all partitions',
    );
    await waitFor(
      async () => (await page().getByTestId('browser-partition-summary').textContent()) === 'All 3',
      'the picker to offer the three partitions',
    );

    // Keyboard only: open, down past "All" and partition 0 to partition 1, switch it off.
    await page().getByTestId('browser-partition').focus();
    await page().keyboard.press('Enter');
    await page().getByTestId('browser-partition-list').waitFor();
    await page().keyboard.press('ArrowDown');
    await page().keyboard.press('ArrowDown');
    await expect
      .poll(() => page().evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('partition-option-1');
    await page().keyboard.press('Space');
    await waitFor(() => page().url().includes('partitions=0,2'), 'the choice in the address');
    await app.screenshot('partitions-picker');
    await page().keyboard.press('Escape');
    await page().getByTestId('browser-partition-list').waitFor({ state: 'detached' });

    expect(await page().getByTestId('browser-partition-summary').textContent()).toBe('0, 2');
    await waitFor(
      async () =>
        (await page().getByTestId('browser-total').textContent()) ===
        `${PER_PARTITION * 2} messages`,
      'the total of partitions 0 and 2',
    );
    const want = expected().map(({ partition, offset }) => ({ partition, offset }));
    await waitFor(
      async () => JSON.stringify(await paintedRows()) === JSON.stringify(want),
      'the rows of partitions 0 and 2 in timestamp order',
    );
    const firstValue = await page().locator('[data-testid="msg-row"] .value').first().textContent();
    expect(firstValue).toBe(expected()[0].value);
    await app.screenshot('partitions-merged');
  });

  it('restores the chosen partitions after a reload', async () => {
    await page().reload();
    await waitFor(
      async () => (await page().getByTestId('browser-partition-summary').textContent()) === '0, 2',
      'the picker to show the chosen partitions',
    );
    const want = expected().map(({ partition, offset }) => ({ partition, offset }));
    await waitFor(
      async () => JSON.stringify(await paintedRows()) === JSON.stringify(want),
      'the same rows after the reload',
    );
  });
});
