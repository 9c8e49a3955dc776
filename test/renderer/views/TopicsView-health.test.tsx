// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../src/main/api/handlers';
import { openServices, type Services } from '../../../src/main/services';
import { createInProcessClient } from '../../../src/main/transport/inprocess';
import { useAppStore } from '../../../src/renderer/src/store';
import { TopicsView } from '../../../src/renderer/src/views/Topics/TopicsView';
import { startMockCluster, type MockCluster } from '../../tools/mock-cluster';
import { waitUntil } from '../wait';

// The topics list of a cluster of three brokers (librdkafka's mock cluster, test/tools):
// a broker going down makes the partitions it holds under-replicated and a partition without
// a leader is offline; the list flags both, and drops the flag when the broker is back.

let services: Services;
let mock: MockCluster;
let dataDir: string;

beforeAll(async () => {
  mock = await startMockCluster(3);
  await mock.command('create payments 2 3');
  dataDir = await mkdtemp(join(tmpdir(), 'logdock-topics-health-'));
  services = await openServices({ dataDir, mode: 'test', collectors: false });
  const client = createInProcessClient(createDispatcher(services));
  await client.call('clusters.add', { name: 'three', bootstrapServers: mock.bootstrap.split(',') });
  useAppStore.getState().setApi(client, 'in-process');
  useAppStore.getState().setCluster('three');
  useAppStore.getState().setConnection('open');
}, 240_000);
afterAll(async () => {
  cleanup();
  useAppStore.getState().setCluster('local');
  await services.close();
  await mock.close();
  await rm(dataDir, { recursive: true, force: true });
});

const badge = (kind: 'offline' | 'under-replicated', topic: string) =>
  screen.queryByTestId(`topic-${kind}-${topic}`)?.textContent ?? null;

describe('the topics list on a cluster of three brokers', () => {
  it('flags under-replicated and offline partitions as brokers and leaders come and go', async () => {
    render(<TopicsView />);
    await screen.findByTestId('topic-row-payments', {}, { timeout: 30_000 });
    expect(badge('under-replicated', 'payments')).toBeNull();
    expect(badge('offline', 'payments')).toBeNull();

    // Broker 2 leads nothing, then goes down: both partitions of payments lose a replica.
    const { partitions } = await useAppStore
      .getState()
      .api.call('topics.describe', { topic: 'payments' });
    for (const p of partitions)
      if (p.leader === 2) await mock.command(`leader payments ${p.partition} 1`);
    await mock.command('down 2');
    await mock.command('leader payments 1 none');
    // The list refreshes on its own (every 5 s when nothing is appended).
    await waitUntil(
      () => badge('under-replicated', 'payments') === '2 under-replicated',
      'payments flagged under-replicated',
      60_000,
    );
    await waitUntil(() => badge('offline', 'payments') === '1 offline', 'payments offline', 60_000);
    await mock.command('up 2');
    await waitUntil(
      () => badge('under-replicated', 'payments') === null,
      'payments in sync again',
      60_000,
    );
    expect(badge('offline', 'payments')).toBe('1 offline');
  }, 240_000);
});
