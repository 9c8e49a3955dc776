import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, waitFor, type RunningApp } from './harness';

// In Chromium: one Logdock adds a second Logdock as a remote cluster from Settings (after
// testing the connection), switches to it, browses a topic held there, and switches back.

describe('remote clusters in the app', () => {
  let viewer: RunningApp;
  let holder: RunningApp;
  let listener: string;

  beforeAll(async () => {
    holder = await startApp();
    viewer = await startApp();
    listener = (await holder.api.call('system.info', {})).kafkaListener!;
    await holder.api.call('topics.create', { name: 'remote-orders', partitions: 1 });
    for (let i = 0; i < 20; i++) {
      await holder.api.call('messages.produce', { topic: 'remote-orders', value: `order ${i}` });
    }
  });

  afterAll(async () => {
    await viewer?.close();
    await holder?.close();
  });

  it('adds a cluster after testing it, switches to it and browses its topic', async () => {
    const page = viewer.page;
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('cluster-name').fill('second');
    await page.getByTestId('cluster-servers').fill(listener);
    await page.getByTestId('cluster-test').click();
    await waitFor(
      async () =>
        /^Reached 1 broker/.test(
          (await page.getByTestId('cluster-test-result').textContent()) ?? '',
        ),
      'the connection test result',
    );
    await page.getByTestId('cluster-add').click();
    await page.getByTestId('cluster-second').waitFor();

    await page.getByTestId('cluster-switcher').selectOption('second');
    await waitFor(
      () => new URL(page.url()).hash === '#/c/second/settings',
      'the address on second',
    );
    await page.getByTestId('nav-topics').click();
    await page.getByTestId('topic-link-remote-orders').click();
    await waitFor(
      async () => (await page.locator('[data-testid="msg-row"]').count()) > 0,
      'rows of the remote topic',
    );
    expect(new URL(page.url()).hash).toMatch(/^#\/c\/second\/topics\/remote-orders/);
    // A topic opens at its tail, following it: the newest record is selected at the bottom.
    // Which row is first depends on how many fit, and that changes once the histogram above
    // the table has loaded (asynchronously) and shrunk the table, so it is not asserted.
    const firstRow = page.locator('[data-testid="msg-row"]').first();
    await page
      .locator('[data-testid="msg-row"][data-offset="19"][aria-selected="true"]')
      .filter({ hasText: 'order 19' })
      .waitFor();
    await page.locator('[data-testid="browser-timeline"][data-from]').waitFor();
    // At the start, with the table at its final height: the remote topic's first record.
    await page.getByTestId('seek-earliest').click();
    await waitFor(
      async () => (await firstRow.getAttribute('data-offset')) === '0',
      'offset 0 as the first row',
    );
    expect(await firstRow.textContent()).toMatch(/order 0(?!\d)/);
    await viewer.screenshot('clusters-remote-topic');

    await page.getByTestId('cluster-switcher').selectOption('local');
    await waitFor(() => new URL(page.url()).hash.startsWith('#/topics'), 'back on local');
    await page.getByTestId('section-topics').waitFor();
    expect(await page.getByTestId('topic-link-remote-orders').count()).toBe(0);
  });
});
