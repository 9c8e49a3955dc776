// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../src/main/api/handlers';
import { openServices, type Services } from '../../../src/main/services';
import { createInProcessClient } from '../../../src/main/transport/inprocess';
import { App } from '../../../src/renderer/src/App';
import { clusterOf, parseHash } from '../../../src/renderer/src/router';
import { useAppStore } from '../../../src/renderer/src/store';
import { startLogdock, type Logdock } from '../../main/protocol/helpers';
import { waitUntil } from '../wait';

// The frame on a real app (services, dispatcher, in-process transport) with a second Logdock
// as a remote cluster: the address picks the cluster, the switcher changes it, and Settings
// adds a cluster after testing the connection.

let services: Services;
let remote: Logdock;
const followCluster = () => useAppStore.getState().setCluster(clusterOf(parseHash(location.hash)));

beforeAll(async () => {
  remote = await startLogdock();
  await remote.broker.createTopic('remote-orders', { partitions: 2 });
  const { mkdtemp } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  services = await openServices({
    dataDir: await mkdtemp(join(tmpdir(), 'logdock-switcher-')),
    mode: 'test',
    collectors: false,
  });
  await services.broker.createTopic('local-logs', { partitions: 1 });
  const client = createInProcessClient(createDispatcher(services));
  await client.call('clusters.add', {
    name: 'second',
    colour: '#dc2626',
    bootstrapServers: [remote.bootstrap],
  });
  useAppStore.getState().setApi(client, 'in-process');
  useAppStore.getState().setConnection('open');
  window.addEventListener('hashchange', followCluster);
});
afterEach(() => {
  cleanup();
  window.location.hash = '';
  followCluster();
});
afterAll(async () => {
  window.removeEventListener('hashchange', followCluster);
  await services.close();
  await remote.remove();
});

describe('the cluster switcher', () => {
  it('shows the cluster of the address and switches between clusters', async () => {
    window.location.hash = '#/c/second/topics';
    followCluster();
    render(<App />);
    await screen.findByTestId('topic-row-remote-orders', {}, { timeout: 20_000 });
    expect(screen.queryByTestId('topic-row-local-logs')).toBeNull();
    const switcher = screen.getByTestId('cluster-switcher') as HTMLSelectElement;
    await waitUntil(() => switcher.options.length === 2, 'local and second offered');
    expect(switcher.value).toBe('second');
    expect(screen.getByTestId('topic-link-remote-orders').getAttribute('href')).toBe(
      '#/c/second/topics/remote-orders',
    );

    fireEvent.change(switcher, { target: { value: 'local' } });
    await waitUntil(() => window.location.hash === '#/topics', 'the address on local');
    await screen.findByTestId('topic-row-local-logs', {}, { timeout: 20_000 });
    expect(screen.queryByTestId('topic-row-remote-orders')).toBeNull();
  });

  it('adds a cluster from Settings after testing the connection, reports an unreachable one and removes it', async () => {
    window.location.hash = '#/settings';
    render(<App />);
    await screen.findByTestId('clusters-panel', {}, { timeout: 20_000 });
    fireEvent.change(screen.getByTestId('cluster-name'), { target: { value: 'third' } });
    fireEvent.change(screen.getByTestId('cluster-servers'), {
      target: { value: remote.bootstrap },
    });
    fireEvent.click(screen.getByTestId('cluster-test'));
    const result = await screen.findByTestId('cluster-test-result', {}, { timeout: 20_000 });
    expect(result.textContent).toMatch(/^Reached 1 broker \(0 at 127\.0\.0\.1:\d+\), controller 0/);
    fireEvent.click(screen.getByTestId('cluster-add'));
    await screen.findByTestId('cluster-third', {}, { timeout: 20_000 });
    expect((await services.clusters.view('third')).bootstrapServers).toEqual([remote.bootstrap]);

    fireEvent.change(screen.getByTestId('cluster-servers'), { target: { value: '127.0.0.1:1' } });
    fireEvent.change(screen.getByTestId('cluster-name'), { target: { value: 'nowhere' } });
    fireEvent.click(screen.getByTestId('cluster-test'));
    await waitUntil(
      () =>
        /Failed \(unreachable\)/.test(
          screen.queryByTestId('cluster-test-result')?.textContent ?? '',
        ),
      'an unreachable result',
    );
    fireEvent.click(screen.getByTestId('cluster-remove-third'));
    await waitUntil(() => screen.queryByTestId('cluster-third') === null, 'third removed');
  });
});
