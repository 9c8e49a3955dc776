import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, waitFor, type RunningApp } from './harness';

/**
 * Several topics on one timeline, end to end: three services' logs are picked in the topics
 * list and browsed merged by time in Chromium against headless mode; seek by time, the
 * link, live tail, the detail of another topic's message and the palette. Screenshots:
 * test-artifacts/e2e/look-timeline-<theme>-<width>.png.
 */
const TOPICS = ['web', 'api', 'db'];
const ROUNDS = 150;

/** The stamps of round i and i+1 differ: wait for the clock to move on. */
async function nextMillisecond(): Promise<void> {
  const now = Date.now();
  while (Date.now() === now) await new Promise((r) => setImmediate(r));
}

declare global {
  interface Window {
    tableTops?: { seen: number[]; done: boolean };
  }
}

/**
 * Runs in the page from its start: each frame, the distinct tops of the message table while
 * it shows rows, until the histogram's chart has been drawn (a canvas in its box).
 */
function sampleTableTops(): void {
  const state = { seen: [] as number[], done: false };
  window.tableTops = state;
  const frame = () => {
    const table = document.querySelector('[data-testid="msg-table"]');
    if (table?.querySelector('[data-testid="msg-row"]')) {
      const top = table.getBoundingClientRect().top;
      if (state.seen[state.seen.length - 1] !== top) state.seen.push(top);
      if (document.querySelector('[data-testid="timeline-chart"] canvas')) state.done = true;
    }
    if (!state.done) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

describe('several topics on one timeline', () => {
  let app: RunningApp;
  /** The broker's stamp of each round, read back after producing. */
  let stamps: number[] = [];

  beforeAll(async () => {
    app = await startApp();
    for (const topic of TOPICS) await app.api.call('topics.create', { name: topic, partitions: 1 });
    // One request per round, seen by each service in turn: web, then api, then db.
    for (let i = 0; i < ROUNDS; i++) {
      for (const topic of TOPICS) {
        await app.api.call('messages.produceBatch', {
          topic,
          acks: 1,
          records: [
            { key: null, value: JSON.stringify({ service: topic, request: `r${i}`, step: i }) },
          ],
        });
      }
      await nextMillisecond();
    }
    const w = await app.api.call('timeline.window', { topics: TOPICS, start: 0, count: 1000 });
    stamps = w.rows.map((r) => r.timestamp);
  });

  afterAll(async () => {
    await app?.close();
  });

  const page = () => app.page;
  const shownTopics = () =>
    page()
      .locator('[data-testid="msg-row"]')
      .evaluateAll((rows) =>
        rows
          .map((r) => [Number(r.getAttribute('data-index')), r.getAttribute('data-topic')] as const)
          .sort((a, b) => a[0] - b[0]),
      );

  it('opens the topics ticked in the topics list merged by time, each row in its topic', async () => {
    await page().setViewportSize({ width: 1440, height: 900 });
    await page().getByTestId('nav-topics').click();
    await page().getByTestId('timeline-hint').waitFor();
    expect(await page().getByTestId('timeline-open').isDisabled()).toBe(true);
    for (const t of TOPICS) await page().getByTestId(`topic-pick-${t}`).check();
    await page().getByTestId('timeline-open').click();
    await page().getByTestId('timeline-view').waitFor();
    expect(await page().evaluate(() => location.hash)).toMatch(/^#\/timeline\?topics=web,api,db/);
    await waitFor(
      async () => (await page().getByTestId('browser-total').textContent())?.includes('450'),
      'the timeline to count 450 messages',
    );
    await page().getByTestId('seek-earliest').click();
    await waitFor(async () => {
      const rows = await shownTopics();
      return rows.length >= 12 && rows[0][0] === 0;
    }, 'the first rows');
    const rows = await shownTopics();
    // Round by round, each service in the order the topics were picked.
    expect(rows.slice(0, 12).map(([, t]) => t)).toEqual([
      ...TOPICS,
      ...TOPICS,
      ...TOPICS,
      ...TOPICS,
    ]);
    const legend = await page().getByTestId('timeline-legend').textContent();
    expect(legend).toBe('webapidb');
  });

  it('shows every topic over time by level above the table; a drag across narrows it and seeks there', async () => {
    const histogram = page().getByTestId('browser-timeline');
    await waitFor(
      async () =>
        Number(await histogram.getAttribute('data-from')) === stamps[0] &&
        Number(await histogram.getAttribute('data-counted')) === 450,
      'the histogram of the three topics over their whole span',
    );
    expect(Number(await histogram.getAttribute('data-to'))).toBe(stamps[stamps.length - 1] + 1);
    const chart = page().getByTestId('timeline-chart');
    const over = chart.locator('.u-over');
    await over.waitFor();
    // The canvas is marked: new data of the same levels must be drawn on it, not on a new chart.
    await chart.locator('canvas').evaluate((c) => c.setAttribute('data-mark', 'first'));
    const drawn = await chart.getAttribute('data-drawn');
    const box = (await over.boundingBox())!;
    const y = box.y + box.height / 2;
    await page().mouse.move(box.x + box.width * 0.4, y);
    await page().mouse.down();
    await page().mouse.move(box.x + box.width * 0.5, y, { steps: 5 });
    await page().mouse.move(box.x + box.width * 0.6, y, { steps: 5 });
    await page().mouse.up();
    await waitFor(
      async () => Number(await histogram.getAttribute('data-from')) > stamps[0],
      'the narrowed span',
    );
    await waitFor(
      async () => (await chart.getAttribute('data-drawn')) !== drawn,
      'the narrowed span drawn',
    );
    expect(await chart.locator('canvas').getAttribute('data-mark')).toBe('first');
    // A switch of the OS's scheme builds the chart anew, so its axes take the theme's colours.
    await page().emulateMedia({ colorScheme: 'dark' });
    await waitFor(
      async () => (await chart.locator('canvas').getAttribute('data-mark')) === null,
      'the chart rebuilt in the dark scheme',
    );
    await page().emulateMedia({ colorScheme: null });
    const from = Number(await histogram.getAttribute('data-from'));
    // The table went to the first message of any topic stamped at or after the range's start.
    const first = stamps.findIndex((t) => t >= from);
    await page().locator(`[data-testid="msg-row"][data-index="${first}"].selected`).waitFor();
    await app.screenshot('timeline-histogram');
    await page().getByTestId('timeline-whole').click();
    await waitFor(
      async () => Number(await histogram.getAttribute('data-from')) === stamps[0],
      'the whole span again',
    );
  });

  it('seeks by time to the first message of that time, and keeps the place in the address', async () => {
    const round = 100;
    const at = new Date(stamps[round * 3]);
    const local = `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')} ${at.toTimeString().slice(0, 8)}.${String(at.getMilliseconds()).padStart(3, '0')}`;
    await page().getByTestId('seek-time').fill(local);
    await page().getByTestId('seek-time-go').click();
    const selected = page().locator('[data-testid="msg-row"].selected');
    await waitFor(
      async () => Number(await selected.getAttribute('data-index')) === round * 3,
      `row ${round * 3} to be selected`,
    );
    expect(await selected.getAttribute('data-topic')).toBe('web');
    await waitFor(
      async () =>
        (await page().evaluate(() => location.hash)).includes(
          `&t=${stamps[round * 3]}&at=web:0:${round}`,
        ),
      'the address to hold the selected message',
    );
    // The link opens the same message after a reload. Every frame, the page notes where the
    // table's rows are drawn, until the histogram above them has been drawn too.
    await page().addInitScript(sampleTableTops);
    await page().reload();
    await page().getByTestId('timeline-view').waitFor();
    await waitFor(
      async () =>
        Number(
          await page().locator('[data-testid="msg-row"].selected').getAttribute('data-index'),
        ) ===
        round * 3,
      'the linked row to be selected after a reload',
    );
    // The histogram arrives after the rows (it is counted, and uPlot is loaded, on the way):
    // its place was kept, so the rows did not move under the pointer when it came.
    const tops = await waitFor(
      () => page().evaluate(() => window.tableTops?.done && window.tableTops),
      'the histogram drawn above the rows after the reload',
    );
    expect(tops.seen).toEqual([tops.seen[0]]);
  });

  it("shows another topic's message in the detail panel", async () => {
    // Rows are recycled as the table settles: name the row by its index, not its DOM place.
    const index = await page()
      .locator('[data-testid="msg-row"][data-topic="api"]')
      .first()
      .getAttribute('data-index');
    const apiRow = page().locator(`[data-testid="msg-row"][data-index="${index}"]`);
    const offset = await apiRow.getAttribute('data-offset');
    expect(await apiRow.getAttribute('data-topic')).toBe('api');
    await apiRow.dblclick();
    await page().getByTestId('detail-tab-raw').click();
    const detail = page().getByTestId('detail-raw');
    await waitFor(
      async () => (await detail.textContent())?.includes(`"service":"api","request":"r${offset}"`),
      'the detail of the api message',
    );
  });

  it('follows new messages of any of the topics live', async () => {
    await page().getByTestId('detail-close').click();
    await page().getByTestId('tail-toggle').click();
    await app.api.call('messages.produceBatch', {
      topic: 'api',
      acks: 1,
      records: [{ key: null, value: JSON.stringify({ service: 'api', request: 'late' }) }],
    });
    const last = page().locator('[data-testid="msg-row"][data-index="450"]');
    await last.waitFor({ timeout: 60_000 });
    expect(await last.getAttribute('data-topic')).toBe('api');
    expect(await last.getAttribute('class')).toContain('selected');
  });

  it('searches every topic, the hits merged by time in the table, with the context of a hit in its topic', async () => {
    await page().getByTestId('tail-toggle').click(); // pause following: the table stays put
    await page().getByTestId('search-mode').selectOption('text');
    await page().getByTestId('search-input').fill('"request":"r12');
    await waitFor(
      async () => !(await page().getByTestId('search-go').isDisabled()),
      'the query to be accepted',
    );
    await page().getByTestId('search-go').click();
    // r12 and r120..r129 of each of the three services
    await waitFor(
      async () => (await page().getByTestId('hits-status').textContent()) === '33 hits',
      '33 hits',
    );
    expect(await page().getByTestId('search-done').textContent()).toMatch(
      /^Done: 33 found in 451 messages/,
    );
    // The histogram counts the hits of every topic while they are shown.
    const histogram = page().getByTestId('browser-timeline');
    await waitFor(
      async () =>
        (await histogram.getAttribute('data-search')) === 'true' &&
        (await histogram.getAttribute('data-counted')) === '33',
      'the histogram to count the 33 hits',
    );
    const table = page().getByTestId('hits-table');
    const hits = await table.locator('[data-testid="msg-row"]').evaluateAll((rows) =>
      rows
        .map(
          (r) =>
            [
              Number(r.getAttribute('data-index')),
              `${r.getAttribute('data-topic')}:${r.getAttribute('data-offset')}`,
            ] as const,
        )
        .sort((a, b) => a[0] - b[0])
        .map(([, id]) => id),
    );
    // Round by round, each service in the order the topics were picked.
    expect(hits.slice(0, 9)).toEqual([
      'web:12',
      'api:12',
      'db:12',
      'web:120',
      'api:120',
      'db:120',
      'web:121',
      'api:121',
      'db:121',
    ]);
    await app.screenshot('timeline-search');
    // The context of api's hit: the messages around it in api's partition.
    const apiHit = table.locator('[data-testid="msg-row"][data-topic="api"][data-offset="120"]');
    // Selected first: selecting may scroll the hit whole into view, which would move another
    // row under the second click of a double-click.
    await apiHit.click();
    await table.locator('[data-topic="api"][data-offset="120"][aria-selected="true"]').waitFor();
    await apiHit.dblclick();
    const context = page().getByTestId('hit-context');
    const selected = context.locator('[data-testid="msg-row"][aria-selected="true"]');
    await selected.waitFor();
    expect(await selected.getAttribute('data-topic')).toBe('api');
    expect(await selected.getAttribute('data-offset')).toBe('120');
    await page().getByTestId('back-to-hits').click();
    await table.waitFor();
  });

  it('exports the hits of every topic to JSON Lines merged by time, each record naming its topic', async () => {
    await page().getByTestId('open-export').click();
    const dialog = page().getByTestId('export-dialog');
    await page().getByTestId('export-format').selectOption('jsonl');
    await page().getByTestId('export-only-matches').check();
    await page().getByTestId('export-start').click();
    const result = page().getByTestId('export-result');
    await result.waitFor();
    const path = /to (\S+\.jsonl)/.exec((await result.textContent()) ?? '')?.[1];
    expect(path).toBeTruthy();
    const records = (await readFile(path!, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { topic: string; offset: number; value: string });
    expect(records).toHaveLength(33);
    expect(records.slice(0, 4).map((r) => `${r.topic}:${r.offset}`)).toEqual([
      'web:12',
      'api:12',
      'db:12',
      'web:120',
    ]);
    expect(JSON.parse(records[1].value)).toMatchObject({ service: 'api', request: 'r12' });
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await page().getByTestId('clear-search').click();
    await page().getByTestId('msg-table').waitFor();
  });

  it('opens a timeline from the palette by typing the topics', async () => {
    await page().keyboard.press('Control+k');
    await page().getByTestId('palette-input').fill('db, web');
    const option = page().getByTestId('palette-option').first();
    expect(await option.textContent()).toBe('Open db, web on one timeline');
    await option.click();
    await waitFor(
      async () =>
        (await page().evaluate(() => location.hash)).startsWith('#/timeline?topics=db,web'),
      'the timeline of db and web',
    );
    await waitFor(
      async () => (await page().getByTestId('browser-total').textContent())?.includes('300'),
      'the timeline to count 300 messages',
    );
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`looks right in ${scheme} at 1440 x 900 and 1024 x 700`, async () => {
      await page().emulateMedia({ colorScheme: scheme });
      // A time before the first message: the timeline opens (or seeks) to its start.
      await page().evaluate(() => (location.hash = '#/timeline?topics=web,api,db&t=1'));
      for (const [width, height] of [
        [1440, 900],
        [1024, 700],
      ]) {
        await page().setViewportSize({ width, height });
        await page().locator('[data-testid="msg-row"][data-index="0"].selected').waitFor();
        const overflow = await page().evaluate(
          () => document.documentElement.scrollWidth - window.innerWidth,
        );
        expect(overflow).toBeLessThanOrEqual(0);
        await app.screenshot(`look-timeline-${scheme}-${width}`);
      }
    });
  }
});
