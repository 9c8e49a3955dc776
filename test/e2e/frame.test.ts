import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECTIONS } from '../../src/renderer/src/router';
import { startApp, waitFor, type RunningApp } from './harness';

describe('the app frame in headless mode', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('connects to the API and shows where its data lives', async () => {
    const status = app.page.getByTestId('connection-status');
    await waitFor(
      async () => (await status.getAttribute('data-status')) === 'open',
      'connection open',
    );
    await expect(app.page.getByTestId('data-dir').textContent()).resolves.toBe(app.dataDir);
    // The Kafka listener runs beside the UI (on a random port in tests).
    await expect(app.page.getByTestId('status-bar').textContent()).resolves.toMatch(
      /Kafka: 127\.0\.0\.1:\d+/,
    );
    // The token left the address bar once the page took it.
    expect(app.page.url()).not.toContain('token=');
  });

  it('visits every section through the navigation and saves a screenshot of each', async () => {
    for (const section of SECTIONS) {
      await app.page.getByTestId(`nav-${section}`).click();
      await app.page.getByTestId(`section-${section}`).waitFor({ state: 'visible' });
      expect(new URL(app.page.url()).hash).toBe(`#/${section}`);
      await expect(
        app.page.getByTestId(`nav-${section}`).getAttribute('aria-current'),
      ).resolves.toBe('page');
      const file = await app.screenshot(`frame-${section}`);
      expect(existsSync(file)).toBe(true);
    }
  });

  it('keeps working after a reload on a deep route', async () => {
    await app.page.goto(`${app.origin}/#/groups`);
    // The token survived in sessionStorage; the connection opens again.
    await waitFor(
      async () =>
        (await app.page.getByTestId('connection-status').getAttribute('data-status')) === 'open',
      'connection open after reload',
    );
    await app.page.getByTestId('section-groups').waitFor({ state: 'visible' });
  });

  it('renders in the dark theme when the OS asks for it', async () => {
    await app.page.emulateMedia({ colorScheme: 'dark' });
    const background = await app.page.evaluate(
      () => getComputedStyle(document.body).backgroundColor,
    );
    expect(background).toBe('rgb(20, 23, 28)');
    await app.screenshot('frame-dark');
    await app.page.emulateMedia({ colorScheme: 'light' });
  });

  it('follows the theme setting live, whoever changes it', async () => {
    const theme = () => app.page.evaluate(() => document.documentElement.dataset.theme ?? 'system');
    await waitFor(async () => (await theme()) === 'system', 'the default theme');
    await app.api.call('settings.update', { patch: { theme: 'dark' } });
    await waitFor(async () => (await theme()) === 'dark', 'the page to turn dark');
    await app.api.call('settings.update', { patch: { theme: 'system' } });
    await waitFor(async () => (await theme()) === 'system', 'the page to follow the OS again');
  });

  it('shuts down gracefully on SIGTERM and removes its api.json', async () => {
    expect(existsSync(join(app.dataDir, 'api.json'))).toBe(true);
    const code = await app.stopServer();
    expect(code).toBe(0);
    expect(existsSync(join(app.dataDir, 'api.json'))).toBe(false);
    await waitFor(
      async () =>
        (await app.page.getByTestId('connection-status').getAttribute('data-status')) !== 'open',
      'the page to notice the server is gone',
    );
  });
});
