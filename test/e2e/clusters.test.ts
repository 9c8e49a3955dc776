import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLogdock, type Logdock } from '../main/protocol/helpers';
import { startApp, waitFor, type RunningApp } from './harness';

// In Chromium: one Logdock adds a second Logdock as a remote cluster from Settings (after
// testing the connection), switches to it, browses a topic held there, resets a consumer
// group held there (dry run, then execute), replays a range of it into `local`, and switches
// back. The tests run in order on the same page.

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
    // A consumer group of the holder that has consumed 15 of them.
    await holder.api.call('groups.resetOffsets', {
      groupId: 'billing',
      topic: 'remote-orders',
      spec: { kind: 'offset', offset: 15 },
      dryRun: false,
    });
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
  });

  it('resets a consumer group of the remote cluster, dry run first, then executes', async () => {
    const page = viewer.page;
    const text = async (id: string) => (await page.getByTestId(id).textContent()) ?? '';
    await page.getByTestId('nav-groups').click();
    await page.getByTestId('group-row-billing').waitFor();
    expect(new URL(page.url()).hash).toBe('#/c/second/groups');
    await page.getByRole('link', { name: 'billing' }).click();
    await waitFor(
      async () =>
        (await page.getByTestId('lag-remote-orders-0').getByTestId('lag').textContent()) === '5',
      'partition 0 lag 5',
    );
    await page.locator('#reset-kind').selectOption('offset');
    await page.locator('#reset-value').fill('3');
    await page.getByTestId('reset-plan').click();
    await page.getByTestId('reset-plan-table').waitFor();
    expect(await text('reset-plan-table')).toMatch(/remote-orders\s*0\s*15\s*3/);
    // The dry run moved nothing on the remote cluster.
    const committed = async () =>
      (await holder.api.call('groups.describe', { groupId: 'billing' })).partitions.map(
        (p) => p.committedOffset,
      );
    expect(await committed()).toEqual([15]);
    await page.getByTestId('reset-execute').click();
    await page.getByTestId('reset-done').waitFor();
    expect(await committed()).toEqual([3]);
    await waitFor(async () => (await text('group-detail-lag')) === '17', 'the new lag of 17');
    await viewer.screenshot('clusters-remote-group-reset');
  });

  it('replays a range of the remote topic into a local topic and shows it done', async () => {
    const page = viewer.page;
    await page.getByTestId('nav-replay').click();
    await page.getByTestId('replay-view').waitFor();
    // The cluster on screen is the source; the target is local.
    expect(await page.getByTestId('replay-source-cluster').inputValue()).toBe('second');
    expect(await page.getByTestId('replay-target-cluster').inputValue()).toBe('local');
    await page.getByTestId('replay-topic').fill('remote-orders');
    await page.locator('#replay-from').selectOption('offset');
    await page.getByTestId('replay-from-offset').fill('4');
    await page.locator('#replay-to').selectOption('offset');
    await page.getByTestId('replay-to-offset').fill('12');
    await page.locator('#replay-text').fill('order 1');
    await page.getByTestId('replay-target-topic').fill('orders-debug');
    await page.getByTestId('replay-start').click();
    await waitFor(
      async () => (await page.getByTestId('replay-state').first().textContent()) === 'done',
      'the replay to finish',
    );
    // Offsets 4..11 hold orders 4..11; the text filter keeps 10 and 11.
    expect(await page.getByTestId('replay-progress').first().textContent()).toBe(
      '8/8 read, 2 written',
    );
    expect(await page.getByTestId('replay-jobs').textContent()).toContain('local/orders-debug');
    const copied = await viewer.api.call('messages.window', {
      topic: 'orders-debug',
      start: 0,
      count: 10,
    });
    expect(copied.rows.map((r) => r.value?.text)).toEqual(['order 10', 'order 11']);
    // Nothing was written on the remote cluster.
    const held = await holder.api.call('topics.list', {});
    expect(held.topics.map((t) => t.name)).not.toContain('orders-debug');
    await viewer.screenshot('clusters-replay-into-local');

    await page.getByTestId('nav-topics').click();
    await page.getByTestId('topic-link-remote-orders').waitFor();
    await page.getByTestId('cluster-switcher').selectOption('local');
    await waitFor(() => new URL(page.url()).hash.startsWith('#/topics'), 'back on local');
    await page.getByTestId('section-topics').waitFor();
    await page.getByTestId('topic-link-orders-debug').waitFor();
    expect(await page.getByTestId('topic-link-remote-orders').count()).toBe(0);
  });

  it('edits a saved cluster: servers, colour and read-only change, a blank password keeps the saved one', async () => {
    // A SASL/PLAIN peer: a Logdock Kafka listener in this process.
    const secure: Logdock = await startLogdock({
      sasl: [{ username: 'alice', password: 's3cret' }],
    });
    try {
      const page = viewer.page;
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('cluster-name').fill('secure');
      await page.getByTestId('cluster-servers').fill(secure.bootstrap);
      await page.getByTestId('cluster-protocol').selectOption('SASL_PLAINTEXT');
      await page.getByTestId('cluster-username').fill('alice');
      await page.getByTestId('cluster-password').fill('s3cret');
      await page.getByTestId('cluster-add').click();
      await page.getByTestId('cluster-secure').waitFor();

      await page.getByTestId('cluster-edit-secure').click();
      await waitFor(
        async () =>
          (await page.getByTestId('cluster-form-title').textContent()) === 'Edit cluster secure',
        'the form editing secure',
      );
      expect(await page.getByTestId('cluster-servers').inputValue()).toBe(secure.bootstrap);
      expect(await page.getByTestId('cluster-protocol').inputValue()).toBe('SASL_PLAINTEXT');
      expect(await page.getByTestId('cluster-username').inputValue()).toBe('alice');
      // The saved password never comes back to the renderer.
      expect(await page.getByTestId('cluster-password').inputValue()).toBe('');
      expect(await page.getByTestId('cluster-password').getAttribute('placeholder')).toMatch(
        /saved/,
      );
      expect(await page.content()).not.toContain('s3cret');

      // Another address of the same listener, a colour, read-only; the password left blank.
      await page.getByTestId('cluster-servers').fill(`localhost:${secure.port}`);
      await page.getByTestId('cluster-colour').fill('#dc2626');
      await page.getByTestId('cluster-readonly').check();
      await page.getByTestId('cluster-test').click();
      await waitFor(
        async () =>
          /^Reached 1 broker/.test(
            (await page.getByTestId('cluster-test-result').textContent()) ?? '',
          ),
        'the connection test with the saved password',
      );
      await page.getByTestId('cluster-add').click();
      await waitFor(
        async () =>
          /read-only/.test((await page.getByTestId('cluster-secure').textContent()) ?? ''),
        'secure listed as read-only',
      );
      expect(await page.getByTestId('cluster-form-title').textContent()).toBe('Add a cluster');
      const { clusters } = await viewer.api.call('clusters.list', {});
      expect(clusters.find((c) => c.name === 'secure')).toMatchObject({
        bootstrapServers: [`localhost:${secure.port}`],
        colour: '#dc2626',
        readOnly: true,
        security: { protocol: 'SASL_PLAINTEXT', sasl: { username: 'alice', hasPassword: true } },
      });
      expect(JSON.stringify(clusters)).not.toContain('s3cret');
      // The saved password still authenticates, and the cluster now refuses writes.
      await secure.broker.createTopic('audit', { partitions: 1 });
      const listed = await viewer.api.call('topics.list', { cluster: 'secure' } as never);
      expect(listed.topics.map((t) => t.name)).toContain('audit');
      const refused = await viewer.api
        .call('messages.produce', { cluster: 'secure', topic: 'audit', value: 'x' } as never)
        .then(
          () => 'resolved',
          (e: { code: string }) => e.code,
        );
      expect(refused).toBe('FORBIDDEN');
      await viewer.screenshot('clusters-edited');
    } finally {
      await secure.remove();
    }
  });
});
