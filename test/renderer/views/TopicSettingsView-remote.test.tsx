// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../src/main/api/handlers';
import { openServices, type Services } from '../../../src/main/services';
import { createInProcessClient } from '../../../src/main/transport/inprocess';
import { useAppStore } from '../../../src/renderer/src/store';
import { TopicSettingsView } from '../../../src/renderer/src/views/TopicSettings/TopicSettingsView';
import { startLogdock, type Logdock } from '../../main/protocol/helpers';
import { waitUntil } from '../wait';

// A topic's settings on a remote cluster (a second Logdock over its Kafka listener): the
// retention form works through DescribeConfigs / IncrementalAlterConfigs, and the segments
// on disk, which live on the brokers, are said to be local-only instead of failing the view.

let services: Services;
let remote: Logdock;
let dataDir: string;

beforeAll(async () => {
  remote = await startLogdock();
  await remote.broker.createTopic('orders', { partitions: 2 });
  dataDir = await mkdtemp(join(tmpdir(), 'logdock-topic-settings-remote-'));
  services = await openServices({ dataDir, mode: 'test', collectors: false });
  const client = createInProcessClient(createDispatcher(services));
  await client.call('clusters.add', { name: 'second', bootstrapServers: [remote.bootstrap] });
  useAppStore.getState().setApi(client, 'in-process');
  useAppStore.getState().setCluster('second');
});
afterAll(async () => {
  cleanup();
  useAppStore.getState().setCluster('local');
  await services.close();
  await remote.remove();
  await rm(dataDir, { recursive: true, force: true });
});

describe('topic settings on a remote cluster', () => {
  it('changes retention there and says the segments view is local-only', async () => {
    render(<TopicSettingsView topic="orders" />);
    const retention = (await screen.findByLabelText(
      'Retention time',
      {},
      { timeout: 20_000 },
    )) as HTMLInputElement;
    expect(screen.getByTestId('segments-local-only').textContent).toContain(
      'segments of topic orders are known only for the embedded cluster',
    );
    expect(screen.queryByTestId('segments-table')).toBeNull();
    expect(screen.queryByTestId('topic-settings-error')?.textContent ?? '').toBe('');

    fireEvent.change(retention, { target: { value: '2h' } });
    fireEvent.click(screen.getByTestId('topic-settings-save'));
    await screen.findByTestId('topic-settings-saved', {}, { timeout: 20_000 });
    await waitUntil(
      () => remote.broker.describeTopic('orders').configs['retention.ms'] === 7_200_000,
      'retention.ms changed on the remote Logdock',
    );
    expect(screen.getByTestId('segments-local-only')).toBeTruthy();
  });
});
