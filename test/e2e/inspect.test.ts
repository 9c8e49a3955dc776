import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, waitFor, type RunningApp } from './harness';

/**
 * The inspection UI end to end: a log file is collected by a real file source, then the
 * topic is opened in Chromium against headless mode, sought by offset and by time,
 * searched, tailed live and exported. Screenshots go to test-artifacts/e2e/inspect-*.png.
 */
const LINES = 5000;
const T0 = Date.parse('2026-05-01T08:00:00.000Z');

function line(i: number): string {
  return JSON.stringify({
    time: new Date(T0 + i * 1000).toISOString(),
    level: i % 50 === 0 ? 'ERROR' : 'INFO',
    msg: `request ${i} served`,
    latency_ms: i % 400,
  });
}

describe('inspecting a collected log in headless mode', () => {
  let app: RunningApp;
  let logDir: string;
  let logFile: string;

  beforeAll(async () => {
    logDir = await mkdtemp(join(tmpdir(), 'logdock-e2e-logs-'));
    logFile = join(logDir, 'app.log');
    await writeFile(logFile, Array.from({ length: LINES }, (_, i) => line(i)).join('\n') + '\n');
    app = await startApp();
    await app.api.call('collectors.add', {
      config: {
        type: 'file',
        id: 'app',
        topic: 'app-logs',
        include: [logFile],
        parser: { type: 'json' },
        fields: 'value',
      },
    } as never);
    await waitFor(async () => {
      const { topics } = await app.api.call('topics.list', {});
      return topics.find((t) => t.name === 'app-logs')?.messageCount === LINES;
    }, `the collector to write ${LINES} messages`);
  });

  afterAll(async () => {
    await app?.close();
    await rm(logDir, { recursive: true, force: true });
  });

  const page = () => app.page;
  const rowSelector = (offset: number) => `[data-testid="msg-row"][data-offset="${offset}"]`;

  it('lists the topic and opens it in the browser', async () => {
    await page().getByTestId('nav-topics').click();
    const row = page().getByTestId('topic-row-app-logs');
    await row.waitFor();
    await waitFor(
      async () => (await page().getByTestId('topic-count-app-logs').textContent()) === '5,000',
      'the count',
    );
    await app.screenshot('inspect-topics');
    await page().getByTestId('topic-link-app-logs').click();
    await page()
      .locator(rowSelector(LINES - 1))
      .waitFor();
    expect(await page().getByTestId('browser-total').textContent()).toBe('5,000 messages');
    await app.screenshot('inspect-browser-latest');
  });

  it('seeks to an offset, keeps it in the address, and returns to it after a reload', async () => {
    await page().getByTestId('seek-offset').fill('0:1234');
    await page().getByTestId('seek-offset-go').click();
    await page()
      .locator(`${rowSelector(1234)}[aria-selected="true"]`)
      .waitFor();
    await waitFor(() => page().url().includes('offset=1234'), 'the offset in the address');
    await page().reload();
    await page()
      .locator(`${rowSelector(1234)}[aria-selected="true"]`)
      .waitFor();
    await app.screenshot('inspect-seek-offset');
  });

  it('answers an offset outside the log inline', async () => {
    await page().getByTestId('seek-offset').fill('0:999999');
    await page().getByTestId('seek-offset-go').click();
    const err = page().getByTestId('seek-error');
    await err.waitFor();
    expect(await err.textContent()).toMatch(/valid offsets are 0 to 4999/);
  });

  it('seeks to a time', async () => {
    const when = new Date(T0 + 3000 * 1000);
    // The seek box takes local time; the browser and this process share the time zone.
    const p = (n: number) => String(n).padStart(2, '0');
    const local = `${when.getFullYear()}-${p(when.getMonth() + 1)}-${p(when.getDate())} ${p(when.getHours())}:${p(when.getMinutes())}:${p(when.getSeconds())}`;
    await page().getByTestId('seek-time').fill(local);
    await page().getByTestId('seek-time-go').click();
    await page()
      .locator(`${rowSelector(3000)}[aria-selected="true"]`)
      .waitFor();
    await app.screenshot('inspect-seek-time');
  });

  it('searches by a JSON filter, shows progress and opens a result', async () => {
    await page().keyboard.press('Escape');
    await page().locator('body').press('/');
    await page().getByTestId('search-mode').selectOption('filter');
    // The collector's JSON parser keeps unknown fields under `fields` (as strings).
    await page().getByTestId('search-input').fill('level == "ERROR" && fields.latency_ms > 300');
    await waitFor(
      async () => !(await page().getByTestId('search-go').isDisabled()),
      'the query to be accepted',
    );
    await page().getByTestId('search-go').click();
    await page().getByTestId('search-done').waitFor();
    await app.screenshot('inspect-search');
    // The table lists the hits instead of every message.
    const hits = page().getByTestId('hits-table').getByTestId('msg-row');
    // i % 50 == 0 and i % 400 > 300: 350, 750, ... 4750: 12 of them
    await waitFor(async () => (await hits.count()) === 12, '12 results');
    expect(await page().getByTestId('search-progress').textContent()).toMatch(
      /5,000 of 5,000 scanned/,
    );
    await hits.nth(1).click();
    await page().getByTestId('open-in-view').click();
    await page()
      .locator(`${rowSelector(750)}[aria-selected="true"]`)
      .waitFor();
    await page().getByTestId('msg-detail').waitFor();
    await page().getByTestId('json-tree').waitFor();
    await app.screenshot('inspect-detail');
  });

  it('shows an invalid regex inline', async () => {
    await page().getByTestId('search-mode').selectOption('regex');
    await page().getByTestId('search-input').fill('served(');
    const problem = page().getByTestId('search-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/invalid regular expression/);
  });

  it('follows new lines as they are collected', async () => {
    await page().getByTestId('tail-toggle').click();
    await appendFile(logFile, [line(LINES), line(LINES + 1), line(LINES + 2)].join('\n') + '\n');
    await page()
      .locator(`${rowSelector(LINES + 2)}[aria-selected="true"]`)
      .waitFor();
    expect(await page().getByTestId('tail-toggle').textContent()).toBe('Following');
    await app.screenshot('inspect-tail');
  });

  it('exports the topic to JSON Lines', async () => {
    await page().getByTestId('open-export').click();
    await page().getByTestId('export-format').selectOption('jsonl');
    await page().getByTestId('export-start').click();
    const result = page().getByTestId('export-result');
    await result.waitFor();
    const path = /to (\S+\.jsonl)/.exec((await result.textContent()) ?? '')?.[1];
    expect(path).toBeTruthy();
    const lines = (await readFile(path!, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(LINES + 3);
    expect(JSON.parse(lines[0])).toMatchObject({ topic: 'app-logs', partition: 0, offset: 0 });
    await app.screenshot('inspect-export');
  });

  it('downloads the finished export from the dialog, byte for byte', async () => {
    const link = page().getByTestId('export-download');
    await link.waitFor();
    // Headless mode has no file manager to show the file in.
    expect(await page().getByTestId('export-show-in-folder').count()).toBe(0);
    const [download] = await Promise.all([page().waitForEvent('download'), link.click()]);
    const path = /to (\S+\.jsonl)/.exec(
      (await page().getByTestId('export-result').textContent()) ?? '',
    )?.[1];
    expect(download.suggestedFilename()).toBe(path!.split('/').pop());
    const downloaded = await readFile(await download.path());
    expect(downloaded.equals(await readFile(path!))).toBe(true);
    expect(downloaded.toString('utf8').trimEnd().split('\n')).toHaveLength(LINES + 3);
    // The page is still the app: a download never navigates away.
    expect(await page().getByTestId('export-dialog').count()).toBe(1);
    await app.screenshot('inspect-export-download');
  });
});
