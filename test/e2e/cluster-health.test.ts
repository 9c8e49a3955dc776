import { afterAll, beforeAll, describe, it } from 'vitest';
import { startMockCluster, type MockCluster } from '../tools/mock-cluster';
import { startApp, waitFor, type RunningApp } from './harness';

// In Chromium, the topics list of a cluster of three brokers (librdkafka's mock cluster,
// test/tools): a broker going down makes the partitions it holds under-replicated and a
// partition without a leader is offline; the list flags both with badges.

describe('partition health of a remote cluster in the app', () => {
  let app: RunningApp;
  let mock: MockCluster;

  beforeAll(async () => {
    mock = await startMockCluster(3);
    await mock.command('create payments 2 3');
    app = await startApp();
    await app.api.call('clusters.add', {
      name: 'three',
      bootstrapServers: mock.bootstrap.split(','),
    });
  });

  afterAll(async () => {
    await app?.close();
    await mock?.close();
  });

  it('flags under-replicated and offline partitions in the topics list', async () => {
    const { page } = app;
    await page.evaluate(() => (location.hash = '#/c/three/topics'));
    await page.getByTestId('topic-row-payments').waitFor();
    // Broker 3 leads nothing, then goes down; partition 1 loses its leader.
    const { partitions } = await app.api.call('topics.describe', {
      cluster: 'three',
      topic: 'payments',
    });
    for (const p of partitions)
      if (p.leader === 3) await mock.command(`leader payments ${p.partition} 1`);
    await mock.command('down 3');
    await mock.command('leader payments 1 none');
    // The list refreshes on its own every 5 s when nothing is appended.
    await waitFor(
      async () =>
        (await page
          .getByTestId('topic-under-replicated-payments')
          .textContent({ timeout: 1000 })
          .catch(() => null)) === '2 under-replicated',
      'payments flagged under-replicated',
    );
    await waitFor(
      async () =>
        (await page
          .getByTestId('topic-offline-payments')
          .textContent({ timeout: 1000 })
          .catch(() => null)) === '1 offline',
      'payments flagged offline',
    );
  });
});
