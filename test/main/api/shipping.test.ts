import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/common/api/contract';
import { createDispatcher } from '../../../src/main/api/handlers';
import { openServices, type Services } from '../../../src/main/services';
import { createInProcessClient } from '../../../src/main/transport/inprocess';
import { useLogdock } from '../protocol/helpers';
import { waitFor } from '../../wait';

// shipping.* through the real dispatcher (validation, error codes), on a real data
// directory, shipping to a second Logdock over its Kafka listener.

const fixture = useLogdock();

async function openApp(): Promise<{ api: ApiClient; services: Services }> {
  const dataDir = await fixture.tempDir('logdock-shipping-api-');
  const services = await openServices({ dataDir, mode: 'test', collectors: false });
  fixture.onCleanup(() => services.close());
  return { api: createInProcessClient(createDispatcher(services)), services };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code: string }) => e.code,
  );

async function produce(services: Services, count: number, timestamp?: number): Promise<void> {
  await services.cluster.send(
    Array.from({ length: count }, (_, i) => ({
      topic: 'app',
      value: Buffer.from(`line ${i}`),
      ...(timestamp ? { timestamp } : {}),
    })),
  );
}

describe('shipping API', () => {
  it('refuses a malformed target, an unknown cluster and a read-only one by code, and keeps answering', async () => {
    const { api } = await openApp();
    const add = (to: string) => api.call('shipping.add', { config: { topic: 'app', to } });
    expect(await codeOf(add('http://kafka:9092/t'))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(add('kafka://no-port/t'))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(add('kafka://127.0.0.1:9092/bad topic'))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(add('cluster://local/t'))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(add('cluster://nope/t'))).toBe('NOT_FOUND');
    await api.call('clusters.add', {
      name: 'prod',
      bootstrapServers: ['127.0.0.1:9'],
      readOnly: true,
    });
    expect(await codeOf(add('cluster://prod/t'))).toBe('FORBIDDEN');
    expect(await api.call('shipping.list', {})).toEqual([]);
    expect(await codeOf(api.call('shipping.remove', { topic: 'app' }))).toBe('NOT_FOUND');
  });

  it('reports forwarded offset, backlog, rate and the last error while the remote is down', async () => {
    const remote = await fixture.start();
    const { api, services } = await openApp();
    await services.cluster.createTopic('app', { partitions: 1 });
    await produce(services, 1000);
    const added = await api.call('shipping.add', {
      config: { topic: 'app', to: `kafka://${remote.bootstrap}/app-remote` },
    });
    expect(added.cluster).toBe(remote.bootstrap);
    expect(added.remoteTopic).toBe('app-remote');
    expect(
      JSON.parse(await readFile(join(services.dataDir, 'shipping.json'), 'utf8')).ships,
    ).toEqual([{ topic: 'app', to: `kafka://${remote.bootstrap}/app-remote` }]);
    const [running] = await waitFor(async () => {
      const list = await api.call('shipping.list', {});
      return list[0]?.partitions[0]?.forwardedOffset === 1000 && list;
    }, 'everything forwarded');
    expect(running).toMatchObject({
      state: 'running',
      backlog: 0,
      forwarded: 1000,
      lastError: null,
    });
    expect(running.partitions[0]).toMatchObject({ remotePartition: 0, logEndOffset: 1000 });

    await remote.stop();
    await produce(services, 500);
    const [down] = await waitFor(async () => {
      const list = await api.call('shipping.list', {});
      return list[0]?.state === 'retrying' && list[0].backlog === 500 && list;
    }, 'the outage in the status');
    expect(down.lastError).toMatch(/app-remote|unreachable|ECONNREFUSED|connect/i);
    expect(down.lastErrorAt).toBeGreaterThan(0);
    expect(down.partitions[0].forwardedOffset).toBe(1000);

    await api.call('shipping.remove', { topic: 'app' });
    expect(await api.call('shipping.list', {})).toEqual([]);
  });

  it('warns before local retention deletes records not yet forwarded', async () => {
    const { api, services } = await openApp();
    await services.cluster.createTopic('app', {
      partitions: 1,
      configs: { 'retention.ms': 60_000 },
    });
    // 55 s old, retention 60 s: more than 80% of it used, and nowhere to forward them.
    await produce(services, 10, Date.now() - 55_000);
    await api.call('shipping.add', { config: { topic: 'app', to: 'kafka://127.0.0.1:9/app' } });
    const [status] = await api.call('shipping.list', {});
    expect(status.backlog).toBe(10);
    expect(status.retentionWarning).toMatch(
      /app-0: the oldest record not yet forwarded \(offset 0\).*retention\.ms/,
    );
  });
});
