import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, waitFor, type RunningApp } from './harness';

/**
 * The operations UI end to end, in Chromium against headless mode with real data: consumer
 * groups of real Kafka clients (kafkajs on the server's Kafka listener), resetting offsets
 * with a dry run, adding a collector in the form, changing retention, and replaying a range.
 * Screenshots go to test-artifacts/e2e/ops-*.png.
 */
describe('the operations UI in headless mode', () => {
  let app: RunningApp;
  let kafka: Kafka;
  let logDir: string;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    logDir = await mkdtemp(join(tmpdir(), 'logdock-e2e-ops-'));
    app = await startApp({ args: ['--kafka-port', '0'] });
    const info = await waitFor(async () => {
      const i = await app.api.call('system.info', {});
      return i.kafkaListener ? i : null;
    }, 'the Kafka listener address');
    kafka = new Kafka({
      clientId: 'e2e',
      brokers: [info.kafkaListener!],
      logLevel: logLevel.NOTHING,
    });
  });

  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    await app?.close();
    await rm(logDir, { recursive: true, force: true });
  });

  const page = () => app.page;
  const text = async (testId: string) =>
    (await page().getByTestId(testId).first().textContent())?.trim();

  async function produce(
    topic: string,
    messages: { key?: string; value: string; timestamp?: number; partition?: number }[],
  ) {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((m) => ({
        ...m,
        timestamp: m.timestamp === undefined ? undefined : String(m.timestamp),
      })),
    });
    await producer.disconnect();
  }

  describe('consumer groups', () => {
    let consumer: Consumer;

    it('shows the lag of a group consumed by a real consumer', async () => {
      await app.api.call('topics.create', { name: 'orders', partitions: 2 });
      await produce(
        'orders',
        Array.from({ length: 10 }, (_, i) => ({
          key: `k${i}`,
          value: `order ${i}`,
          partition: i % 2,
        })),
      );
      consumer = kafka.consumer({
        groupId: 'billing',
        sessionTimeout: 10_000,
        heartbeatInterval: 500,
      });
      closers.push(() => consumer.disconnect());
      await consumer.connect();
      await consumer.subscribe({ topic: 'orders', fromBeginning: true });
      let seen = 0;
      await consumer.run({ autoCommitThreshold: 1, eachMessage: async () => void seen++ });
      await waitFor(() => seen === 10, 'the consumer to read 10 messages');
      await waitFor(async () => {
        const [g] = await app.api.call('groups.list', {});
        return g?.totalLag === 0;
      }, 'all 10 offsets committed');
      // Five more messages the running consumer will also read, while we watch the lag fall to 0.
      await consumer.pause([{ topic: 'orders' }]);
      await produce(
        'orders',
        Array.from({ length: 5 }, (_, i) => ({ value: `late ${i}`, partition: 0 })),
      );

      await page().getByTestId('nav-groups').click();
      await waitFor(
        async () => (await text('group-total-lag')) === '5',
        'the list to show a lag of 5',
      );
      expect(await text('group-row-billing')).toContain('Stable');
      await app.screenshot('ops-groups');

      await page().getByRole('link', { name: 'billing' }).click();
      await page().getByTestId('members-table').waitFor();
      expect(await text('members-table')).toContain('e2e');
      await waitFor(
        async () =>
          (await page().getByTestId('lag-orders-0').getByTestId('lag').textContent()) === '5',
        'partition 0 lag 5',
      );
      expect(await page().getByTestId('lag-orders-1').getByTestId('lag').textContent()).toBe('0');
      await waitFor(() => page().getByTestId('lag-chart').isVisible(), 'the lag chart', 30_000);
      await app.screenshot('ops-group-detail');
    });

    it('shows the dry-run plan, refuses it while the consumer runs, then moves the offsets', async () => {
      await page().locator('#reset-kind').selectOption('earliest');
      await page().getByTestId('reset-plan').click();
      await page().getByTestId('reset-plan-table').waitFor();
      expect(await text('reset-blocked')).toMatch(/billing has 1 active member/);
      expect(await page().getByTestId('reset-execute').isDisabled()).toBe(true);
      await app.screenshot('ops-reset-blocked');

      await consumer.disconnect();
      await waitFor(
        async () => (await text('group-state')) === 'Empty',
        'the group to become empty',
      );
      await page().getByTestId('reset-plan').click();
      await waitFor(
        async () =>
          (await page().getByTestId('reset-blocked').count()) === 0 &&
          (await page().getByTestId('reset-execute').isEnabled()),
        'an executable plan',
      );
      const planText = await text('reset-plan-table');
      // Partition 0 was committed at 5 before the late messages (the consumer was paused).
      expect(planText).toMatch(/orders\s*0\s*5\s*0/);
      expect(planText).toMatch(/orders\s*1\s*5\s*0/);
      await app.screenshot('ops-reset-plan');
      await page().getByTestId('reset-execute').click();
      await page().getByTestId('reset-done').waitFor();
      const detail = await app.api.call('groups.describe', { groupId: 'billing' });
      expect(detail.partitions.map((p) => [p.partition, p.committedOffset, p.lag])).toEqual([
        [0, 0, 10],
        [1, 0, 5],
      ]);
      await waitFor(async () => (await text('group-detail-lag')) === '15', 'the new lag of 15');
    });
  });

  describe('collectors', () => {
    it('adds a source in the form that collects a file as it is written', async () => {
      const file = join(logDir, 'api.log');
      const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();
      await writeFile(
        file,
        `time=${at(120)} level=info msg="started"\ntime=${at(60)} level=warn msg="slow"\n`,
      );
      await page().getByTestId('nav-collectors').click();
      await page().getByTestId('source-add').click();
      await page().locator('#src-id').fill('api');
      await page().locator('#src-include').fill(join(logDir, '*.log'));
      await page().locator('#src-topic').fill('api.logs');
      await page().locator('#src-parser').selectOption('logfmt');
      await waitFor(
        async () => (await page().getByTestId('preview-event').count()) === 2,
        'the preview of 2 events',
      );
      expect(await text('source-preview')).toContain('slow');
      await app.screenshot('ops-collector-form');
      await page().getByTestId('source-save').click();
      await page().getByTestId('source-row-api').waitFor();

      await appendFile(file, `time=${at(30)} level=error msg="failed"\n`);
      const count = async () => {
        const { topics } = await app.api.call('topics.list', {});
        return topics.find((t) => t.name === 'api.logs')?.messageCount;
      };
      await waitFor(async () => (await count()) === 3, 'three collected lines');
      await waitFor(
        async () =>
          /(\d+ B) of \1/.test(
            (await page()
              .getByTestId('source-row-api')
              .getByTestId('source-files')
              .textContent()) ?? '',
          ),
        'the file read to its end',
      );
      expect(
        await page().getByTestId('source-row-api').getByTestId('source-state').textContent(),
      ).toBe('running');
      await app.screenshot('ops-collectors');

      await page().getByTestId('source-row-api').getByTestId('source-pause').click();
      await waitFor(
        async () =>
          (await page().getByTestId('source-row-api').getByTestId('source-state').textContent()) ===
          'paused',
        'paused',
      );
      await page().getByTestId('source-row-api').getByTestId('source-resume').click();
      await waitFor(
        async () =>
          (await page().getByTestId('source-row-api').getByTestId('source-state').textContent()) ===
          'running',
        'running again',
      );
    });

    it('adds a command source from the form, collects its output, and edits it', async () => {
      await page().getByTestId('nav-collectors').click();
      await page().getByTestId('process-source-add').click();
      await page().locator('#proc-preset').selectOption('macos-log');
      expect(await page().locator('#proc-command').inputValue()).toBe('/usr/bin/log');
      await page().locator('#proc-id').fill('ticker');
      await page().locator('#proc-topic').fill('ticker.out');
      await page().locator('#proc-command').fill(process.execPath);
      await page()
        .locator('#proc-args')
        .fill(
          '-e\nfor (let i = 0; i < 3; i++) console.log(JSON.stringify({ msg: "tick " + i, level: "info" }))',
        );
      await page().locator('#proc-restart').selectOption('never');
      await page().locator('#proc-parser').selectOption('json');
      await page().locator('#proc-timestampField').fill('');
      await page().locator('#proc-levelField').fill('');
      await page().locator('#proc-messageField').fill('');
      await app.screenshot('ops-command-form');
      await page().getByTestId('source-save').click();
      await page().getByTestId('source-row-ticker').waitFor();
      const count = async () => {
        const { topics } = await app.api.call('topics.list', {});
        return topics.find((t) => t.name === 'ticker.out')?.messageCount;
      };
      // Three lines and the exit record.
      await waitFor(async () => (await count()) === 4, 'the command output');

      await page().getByTestId('source-row-ticker').getByTestId('source-edit').click();
      expect(await page().locator('#proc-command').inputValue()).toBe(process.execPath);
      await page().locator('#proc-restart').selectOption('on-failure');
      await page().getByTestId('source-save').click();
      await waitFor(async () => {
        const sources = await app.api.call('collectors.list', {});
        const c = sources.find((x) => x.config.id === 'ticker')?.config;
        return c?.type === 'command' && c.restart === 'on-failure';
      }, 'the edited restart policy');
    });
  });

  describe('topic settings', () => {
    it('deletes old segments when retention is shortened', async () => {
      await app.api.call('topics.create', {
        name: 'old-logs',
        partitions: 1,
        configs: { 'segment.bytes': 1024 },
      });
      const now = Date.now();
      for (let i = 0; i < 40; i++) {
        const old = i < 30;
        await produce('old-logs', [
          {
            value: `${old ? 'old' : 'new'} ${i} ${'x'.repeat(200)}`,
            timestamp: old ? now - 48 * 3_600_000 : now,
          },
        ]);
      }
      const before = await app.api.call('topicSettings.segments', { topic: 'old-logs' });
      expect(before.segments.length).toBeGreaterThan(5);

      await page().goto(`${app.origin}/#/topics/old-logs/settings`);
      await page().getByTestId('segments-table').waitFor();
      expect(await page().locator('#ts-retention').inputValue()).toBe('7d');
      await page().locator('#ts-retention').fill('2 hours');
      await page().getByTestId('topic-settings-save').click();
      expect(await page().locator('.field-error').textContent()).toMatch(/7d, 12h/);
      await page().locator('#ts-retention').fill('1d');
      await page().getByTestId('topic-settings-save').click();
      await page().getByTestId('topic-settings-saved').waitFor();

      const after = await app.api.call('topicSettings.segments', { topic: 'old-logs' });
      expect(after.segments.length).toBeLessThan(before.segments.length);
      const { partitions } = await app.api.call('topics.describe', { topic: 'old-logs' });
      // Every day-old message (offsets 0..29) that sat in a closed segment is gone.
      expect(partitions[0].logStartOffset).toBeGreaterThan(20);
      expect(partitions[0].logStartOffset).toBeLessThanOrEqual(30);
      await waitFor(
        async () =>
          (await page().getByTestId('segments-table').locator('tbody tr').count()) ===
          after.segments.length,
        'the table to show what is left',
      );
      await app.screenshot('ops-topic-settings');
    });
  });

  describe('replay', () => {
    it('fills a new topic with exactly the chosen messages', async () => {
      await app.api.call('topics.create', { name: 'app', partitions: 2 });
      await produce(
        'app',
        Array.from({ length: 40 }, (_, i) => ({
          key: `k${i}`,
          value: JSON.stringify({ n: i, level: i % 3 === 0 ? 'error' : 'info' }),
          partition: i % 2,
        })),
      );
      await page().getByTestId('nav-replay').click();
      await page().locator('#replay-topic').fill('app');
      await page().locator('#replay-partition').fill('1');
      await page().locator('#replay-from').selectOption('offset');
      await page().getByTestId('replay-from-offset').fill('4');
      await page().locator('#replay-to').selectOption('offset');
      await page().getByTestId('replay-to-offset').fill('16');
      await page().locator('#replay-filter').fill('level == "error"');
      await page().locator('#replay-target-topic').fill('app.debug');
      await page().getByTestId('replay-start').click();
      await waitFor(async () => (await text('replay-state')) === 'done', 'the replay to finish');
      expect(await text('replay-progress')).toBe('12/12 read, 4 written');
      await app.screenshot('ops-replay');

      // Partition 1 holds n = 1, 3, 5, ...; offsets 4..15 are n = 9..31; errors among them: 9, 15, 21, 27.
      const { rows } = await app.api.call('messages.window', {
        topic: 'app.debug',
        start: 0,
        count: 100,
      });
      expect(rows.map((r) => JSON.parse(r.value!.text).n)).toEqual([9, 15, 21, 27]);
      expect(rows.map((r) => r.key?.text)).toEqual(['k9', 'k15', 'k21', 'k27']);
    });
  });

  describe('dashboard and settings', () => {
    it('shows disk use and the level histogram, and opens the browser from a bar', async () => {
      await page().getByTestId('nav-dashboard').click();
      await page().getByTestId('disk-app').waitFor();
      await page().getByLabel('histogram topic').selectOption('api.logs');
      await page().getByLabel('histogram window').selectOption({ label: 'last 7d' });
      const week = String(7 * 24 * 3_600_000);
      await waitFor(
        async () =>
          (await page().getByTestId('level-histogram').getAttribute('data-span')) === week &&
          /3 message/.test((await text('histogram-summary')) ?? ''),
        'three collected lines in the week histogram',
        30_000,
      );
      await app.screenshot('ops-dashboard');
      // All three lines fall in the last of the 60 buckets: a click there opens the browser
      // at the first message of that bucket.
      // uPlot takes the bar under the pointer from its mouse events; a loaded machine can
      // deliver the click before the move is handled (no bar yet: the click does nothing), so
      // the pointer enters afresh and clicks again, at most once a second, until it navigates.
      const over = page().getByTestId('histogram-chart').locator('.u-over');
      let clickedAt = -Infinity;
      await waitFor(
        async () => {
          if (new URL(page().url()).hash === '#/topics/api.logs?partition=0&offset=0') return true;
          if (Date.now() - clickedAt < 1_000) return false;
          const box = (await over.boundingBox())!;
          await page().mouse.move(box.x - 20, box.y - 20);
          await page().mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 3 });
          await page().mouse.click(box.x + box.width - 2, box.y + box.height / 2);
          clickedAt = Date.now();
          return false;
        },
        // Where the page went instead, if it did not: names the failure in a CI log.
        () => `the browser at the clicked time (the address is ${new URL(page().url()).hash})`,
      );
      await page().getByTestId('section-topics').waitFor();
    });

    it('saves settings and says which need a restart', async () => {
      await page().getByTestId('nav-settings').click();
      await waitFor(
        async () => (await page().locator('#set-port').inputValue()) === '9092',
        'the saved settings in the form',
      );
      await page().locator('#set-theme').selectOption('dark');
      await page().locator('#set-port').fill('19092');
      await page().getByTestId('settings-save').click();
      await page().getByTestId('settings-saved').waitFor();
      expect(await text('settings-restart')).toContain('Kafka listener');
      expect(await page().evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      const view = await app.api.call('settings.get', {});
      expect(view.settings).toMatchObject({ theme: 'dark', kafkaListener: { port: 19092 } });
      await app.screenshot('ops-settings');
    });
  });
});
