import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, waitFor, type RunningApp } from './harness';

/**
 * Every view in light and dark, at 1440 x 900 and 1024 x 700, with real data: JSON and logfmt
 * logs, a consumer group with lag, a file collector. Screenshots go to
 * test-artifacts/e2e/look-<view>-<theme>-<width>.png and are meant to be looked at; the test
 * also checks what a screenshot cannot be trusted to show: nothing overflows the window
 * sideways, and every button's text has contrast with its background. Then the bugs a
 * screenshot showed once, each checked on the page.
 */
const T0 = Date.now() - 30 * 60_000;
const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'INFO', 'ERROR'];

const VIEWS: { name: string; hash: string; ready: string }[] = [
  { name: 'dashboard', hash: '#/dashboard', ready: 'section-dashboard' },
  { name: 'topics', hash: '#/topics', ready: 'topic-row-app-logs' },
  { name: 'browser', hash: '#/topics/app-logs', ready: 'msg-row' },
  { name: 'topic-settings', hash: '#/topics/app-logs/settings', ready: 'section-topics' },
  { name: 'groups', hash: '#/groups', ready: 'group-row-billing' },
  { name: 'group', hash: '#/groups/billing', ready: 'partitions-table' },
  { name: 'collectors', hash: '#/collectors', ready: 'section-collectors' },
  { name: 'replay', hash: '#/replay', ready: 'section-replay' },
  { name: 'settings', hash: '#/settings', ready: 'section-settings' },
];
const SIZES = [
  [1440, 900],
  [1024, 700],
] as const;

describe('the look of every view', () => {
  let app: RunningApp;
  let logDir: string;

  beforeAll(async () => {
    logDir = await mkdtemp(join(tmpdir(), 'logdock-e2e-look-'));
    app = await startApp({ args: ['--kafka-port', '0'] });
    const info = await waitFor(async () => {
      const i = await app.api.call('system.info', {});
      return i.kafkaListener ? i : null;
    }, 'the Kafka listener address');
    const kafka = new Kafka({
      clientId: 'look',
      brokers: [info.kafkaListener!],
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    await app.api.call('topics.create', { name: 'app-logs', partitions: 1 });
    await app.api.call('topics.create', { name: 'billing', partitions: 2 });
    await producer.send({
      topic: 'app-logs',
      acks: -1,
      messages: Array.from({ length: 600 }, (_, i) => ({
        key: `req-${i % 37}`,
        timestamp: String(T0 + i * 3000),
        value: JSON.stringify({
          time: new Date(T0 + i * 3000).toISOString(),
          level: LEVELS[i % LEVELS.length],
          msg: `GET /api/orders/${i} served`,
          latency_ms: (i * 37) % 900,
          service: i % 3 === 0 ? 'api' : 'worker',
        }),
      })),
    });
    await producer.send({
      topic: 'billing',
      acks: -1,
      messages: Array.from({ length: 200 }, (_, i) => ({
        partition: i % 2,
        timestamp: String(T0 + i * 9000),
        value: `ts=${new Date(T0 + i * 9000).toISOString()} level=${LEVELS[i % 7].toLowerCase()} msg="invoice ${i}" amount=${i * 3}`,
      })),
    });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'billing', sessionTimeout: 10_000 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'billing', fromBeginning: true });
    let seen = 0;
    await consumer.run({ autoCommitThreshold: 1, eachMessage: async () => void seen++ });
    await waitFor(() => seen >= 50, 'the consumer to read some messages');
    await consumer.disconnect();
    const logFile = join(logDir, 'worker.log');
    await writeFile(logFile, 'started\n');
    await app.api.call('collectors.add', {
      config: { type: 'file', id: 'worker', topic: 'worker-logs', include: [logFile] },
    } as never);
  });

  afterAll(async () => {
    await app?.close();
    await rm(logDir, { recursive: true, force: true });
  });

  for (const scheme of ['light', 'dark'] as const) {
    for (const [width, height] of SIZES) {
      it(`shows every view in ${scheme} at ${width} x ${height} without sideways overflow`, async () => {
        const page = app.page;
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize({ width, height });
        for (const view of VIEWS) {
          await page.evaluate((h) => (location.hash = h), view.hash);
          await page.getByTestId(view.ready).first().waitFor();
          // Charts are drawn after their data arrive.
          await page.waitForTimeout(0);
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          expect(overflow, `${view.name} overflows sideways`).toBeLessThanOrEqual(0);
          expect(await lowContrastButtons(page), `${view.name}: buttons`).toEqual([]);
          await app.screenshot(`look-${view.name}-${scheme}-${width}`);
        }
      });
    }
  }

  describe('a finished look', () => {
    it('opens the dashboard on the busiest topic, its legend showing current values', async () => {
      const page = app.page;
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.evaluate(() => (location.hash = '#/topics'));
      await page.evaluate(() => (location.hash = '#/dashboard'));
      const select = page.getByLabel('histogram topic');
      await waitFor(async () => (await select.inputValue()) === 'app-logs', 'app-logs chosen');
      const legend = page.getByTestId('histogram-chart').locator('.u-legend .u-value');
      await legend.first().waitFor();
      expect(await legend.allTextContents()).not.toContain('--');
    });

    it('collapses the sidebar to icons when narrow, and opens it on request', async () => {
      const page = app.page;
      await page.setViewportSize({ width: 1024, height: 700 });
      const nav = page.getByRole('navigation', { name: 'Sections' });
      await waitFor(
        async () => (await nav.getAttribute('data-collapsed')) === 'true',
        'icons only',
      );
      await page.getByTestId('nav-toggle').click();
      expect(await nav.getAttribute('data-collapsed')).toBe('false');
      expect(await page.getByTestId('nav-topics').textContent()).toBe('Topics');
      await page.getByTestId('nav-toggle').click();
      expect(await nav.getAttribute('data-collapsed')).toBe('true');
      await page.setViewportSize({ width: 1440, height: 900 });
    });
  });

  describe('fields as columns and facets', () => {
    const columns = () => app.page.getByTestId('msg-table').getAttribute('data-columns');
    /** Waits for the table's field columns to be `expected`, naming what they were if not. */
    const columnsBecome = async (expected: string) => {
      let seen: string | null = null;
      await waitFor(async () => (seen = await columns()) === expected, `columns ${expected}`).catch(
        (err: Error) => {
          throw new Error(`${err.message}; they were ${seen}`);
        },
      );
    };

    it('shows the most common JSON fields as columns, without time and level', async () => {
      const page = app.page;
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.evaluate(() => localStorage.removeItem('logdock.columns'));
      await page.evaluate(() => (location.hash = '#/topics/app-logs'));
      await columnsBecome('msg,latency_ms,service');
      const row = page.locator('[data-testid="msg-row"]').last();
      expect(await row.textContent()).toMatch(/GET \/api\/orders\/\d+ served/);
      await app.screenshot('look-browser-fields-light-1440');
    });

    it('shows logfmt fields as columns too', async () => {
      await app.page.evaluate(() => (location.hash = '#/topics/billing'));
      await columnsBecome('msg,amount');
    });

    it('removes, adds and reorders columns per topic, remembered after a reload', async () => {
      const page = app.page;
      await page.evaluate(() => (location.hash = '#/topics/app-logs'));
      await columnsBecome('msg,latency_ms,service');
      await page.getByTestId('columns-menu').click();
      await page.getByTestId('columns-panel').waitFor();
      await page.getByTestId('remove-column-latency_ms').click();
      await page.getByRole('button', { name: 'Move service left' }).click();
      await columnsBecome('service,msg');
      await page.reload();
      await columnsBecome('service,msg');
      await page.evaluate(() => (location.hash = '#/topics/billing'));
      await columnsBecome('msg,amount');
      await page.evaluate(() => (location.hash = '#/topics/app-logs'));
      // The chosen columns show once app-logs is open (not billing still closing).
      await columnsBecome('service,msg');
      await page.getByTestId('columns-menu').click();
      await page.getByTestId('columns-panel').waitFor();
      await page.getByTestId('columns-reset').click();
      await columnsBecome('msg,latency_ms,service');
      await page.getByTestId('columns-menu').click();
    });

    it('keeps the raw value one click away', async () => {
      const page = app.page;
      await page.getByTestId('value-mode').getByRole('radio', { name: 'Raw' }).click();
      await columnsBecome('');
      await page.getByTestId('value-mode').getByRole('radio', { name: 'Fields' }).click();
      await columnsBecome('msg,latency_ms,service');
    });

    it('counts the top values of a field and searches by a click on one', async () => {
      const page = app.page;
      await page.getByTestId('col-service').click();
      const facet = page.getByTestId('facet-panel');
      await waitFor(async () => (await facet.getAttribute('data-running')) === 'false', 'counts');
      const values = await facet.getByTestId('facet-value').allTextContents();
      // of the 600 lines, i % 3 == 0 are "api"
      expect(values[0]).toMatch(/^worker\d/);
      expect(values[1]).toMatch(/^api\d/);
      await app.screenshot('look-browser-facet-light-1440');
      await facet.getByTestId('facet-value').nth(1).click();
      await page.getByTestId('search-done').waitFor();
      expect(await page.getByTestId('search-input').inputValue()).toBe('service == "api"');
      await waitFor(
        async () => (await page.getByTestId('hits-table').getByTestId('msg-row').count()) > 0,
        'hits in the table',
      );
      await facet.getByRole('button', { name: 'Close' }).click();
      // The address carries the search shown (a reload would run it again): clear it first.
      await page.getByTestId('clear-search').click();
      await waitFor(async () => !(await page.evaluate(() => location.hash)).includes('q='), 'no q');
      await page.reload();
    });
  });

  describe('the histogram above the browser', () => {
    it('shows the topic over its whole span by level, and a drag narrows it and seeks there', async () => {
      const page = app.page;
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.evaluate(() => (location.hash = '#/topics/app-logs'));
      const timeline = page.getByTestId('browser-timeline');
      await waitFor(
        async () => Number(await timeline.getAttribute('data-from')) === T0,
        'the whole span',
      );
      expect(Number(await timeline.getAttribute('data-to'))).toBe(T0 + 599 * 3000 + 1);
      const over = page.getByTestId('timeline-chart').locator('.u-over');
      await over.waitFor();
      const box = (await over.boundingBox())!;
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + box.width * 0.25, y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.4, y, { steps: 5 });
      await page.mouse.move(box.x + box.width * 0.5, y, { steps: 5 });
      await page.mouse.up();
      await waitFor(
        async () => Number(await timeline.getAttribute('data-from')) > T0,
        'the narrowed span',
      );
      const from = Number(await timeline.getAttribute('data-from'));
      expect(from).toBeGreaterThan(T0 + 0.2 * 599 * 3000);
      expect(from).toBeLessThan(T0 + 0.3 * 599 * 3000);
      // The table went to the first message at or after the range's start.
      const first = Math.ceil((from - T0) / 3000);
      await page
        .locator(`[data-testid="msg-row"][data-offset="${first}"][aria-selected="true"]`)
        .waitFor();
      await app.screenshot('look-browser-timeline-light-1440');
      await page.getByTestId('timeline-whole').click();
      await waitFor(
        async () => Number(await timeline.getAttribute('data-from')) === T0,
        'the whole span again',
      );
    });
  });

  describe('bugs seen before', () => {
    it('keeps the Delete group button readable (not white on red)', async () => {
      const page = app.page;
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.emulateMedia({ colorScheme: 'light' });
      await page.evaluate(() => (location.hash = '#/groups/billing'));
      const button = page.getByTestId('delete-group');
      await button.waitFor();
      expect(await button.textContent()).toBe('Delete group…');
      expect(await lowContrastButtons(page)).toEqual([]);
    });

    it('shows the listening port given by --kafka-port in Settings, not only the saved one', async () => {
      const info = await app.api.call('system.info', {});
      await app.page.evaluate(() => (location.hash = '#/settings'));
      const note = app.page.getByTestId('listener-active');
      await note.waitFor();
      expect(await note.textContent()).toContain(info.kafkaListener!);
      expect(await note.textContent()).toMatch(/given on the command line/);
    });

    it('puts the topic-settings breadcrumb and title on one line', async () => {
      await app.page.evaluate(() => (location.hash = '#/topics/app-logs/settings'));
      const title = app.page.getByTestId('topic-settings-title');
      await title.waitFor();
      const crumb = await title.getByRole('link', { name: 'app-logs' }).boundingBox();
      const heading = await title.locator('h1').boundingBox();
      expect(heading!.height).toBeLessThan(40);
      expect(
        Math.abs(crumb!.y + crumb!.height / 2 - (heading!.y + heading!.height / 2)),
      ).toBeLessThan(6);
    });

    it('keeps the table headers apart at 1024 px, with the detail panel open', async () => {
      const page = app.page;
      await page.setViewportSize({ width: 1024, height: 700 });
      await page.evaluate(() => (location.hash = '#/topics/app-logs'));
      await page.locator('[data-testid="msg-row"]').nth(3).dblclick(); // the first may sit under the header
      await page.getByTestId('msg-detail').waitFor();
      const boxes = await page.locator('.msg-header > span:visible').evaluateAll((spans) =>
        spans.map((s) => {
          const r = s.getBoundingClientRect();
          const clips = getComputedStyle(s).overflow === 'hidden';
          return {
            text: s.textContent,
            left: r.left,
            right: clips ? r.right : r.left + s.scrollWidth,
          };
        }),
      );
      expect(boxes.map((b) => b.text)).toEqual(expect.arrayContaining(['Key', 'Value']));
      for (let i = 1; i < boxes.length; i++)
        expect(
          boxes[i - 1].right,
          `${boxes[i - 1].text} runs into ${boxes[i].text}`,
        ).toBeLessThanOrEqual(boxes[i].left + 1);
      await app.screenshot('look-browser-detail-light-1024');
      await page.getByTestId('detail-close').click();
      await page.setViewportSize({ width: 1440, height: 900 });
    });

    it('shows a sought offset near the top, with a few rows of context above it', async () => {
      const page = app.page;
      await page.evaluate(() => (location.hash = '#/topics/app-logs'));
      await page.locator('[data-testid="msg-row"]').first().waitFor();
      await page.getByTestId('seek-offset').fill('300');
      await page.getByTestId('seek-offset-go').click();
      const row = page.locator('[data-testid="msg-row"][data-offset="300"][aria-selected="true"]');
      await row.waitFor();
      const rowBox = await row.boundingBox();
      const tableBox = await page.locator('.msg-header').boundingBox();
      const above = Math.round((rowBox!.y - (tableBox!.y + tableBox!.height)) / rowBox!.height);
      expect(above).toBe(3);
      await page.locator('[data-testid="msg-row"][data-offset="297"]').waitFor();
      await page.locator('[data-testid="msg-row"][data-offset="310"]').waitFor();
    });

    it('keeps the detail panel on the highlighted row while following the tail', async () => {
      const page = app.page;
      await page.locator('[data-testid="msg-row"][data-offset="300"]').dblclick();
      await page.locator('[data-testid="msg-detail"][data-offset="300"]').waitFor();
      await page.getByTestId('tail-toggle').click();
      for (let i = 0; i < 5; i++)
        await app.api.call('messages.produce', {
          topic: 'app-logs',
          key: null,
          value: `{"level":"INFO","msg":"late ${i}"}`,
          headers: [],
          valueFormat: 'json',
        });
      await page
        .locator('[data-testid="msg-row"][data-offset="604"][aria-selected="true"]')
        .waitFor();
      await page.locator('[data-testid="msg-detail"][data-offset="604"]').waitFor();
      await page.getByTestId('tail-toggle').click();
      await page.getByTestId('detail-close').click();
    });
  });
});

/** Buttons whose text contrast with their background is under WCAG AA's 4.5:1. */
async function lowContrastButtons(page: RunningApp['page']): Promise<string[]> {
  return page.evaluate(() => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length >= 3 && (c.length === 3 || c[3] > 0.5)) return c;
      }
      return [255, 255, 255];
    };
    const bad: string[] = [];
    for (const b of Array.from(document.querySelectorAll('button'))) {
      if (b.disabled || !b.textContent?.trim() || b.getClientRects().length === 0) continue;
      const fg = lum(rgb(getComputedStyle(b).color));
      const bg = lum(background(b));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < 4.5) bad.push(`${b.textContent.trim()} (${ratio.toFixed(2)})`);
    }
    return bad;
  });
}
