import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/common/api/contract';
import { createDispatcher } from '../../../src/main/api/handlers';
import { LocalCluster } from '../../../src/main/cluster';
import { RemoteCluster } from '../../../src/main/remote/cluster';
import { ReplayManager } from '../../../src/main/replay/manager';
import { openServices, type Services } from '../../../src/main/services';
import { createInProcessClient } from '../../../src/main/transport/inprocess';
import { useLogdock, waitFor, type Logdock } from '../protocol/helpers';

// Replay between clusters through the API: a second Logdock, reached over its Kafka listener,
// is the remote cluster; the app's own broker is `local`.

const fixture = useLogdock();
const T0 = 1_700_000_000_000;

async function openApp(): Promise<{ api: ApiClient; services: Services }> {
  const dataDir = await fixture.tempDir('logdock-replay-x-');
  const services = await openServices({ dataDir, mode: 'test', collectors: false });
  fixture.onCleanup(() => services.close());
  return { api: createInProcessClient(createDispatcher(services)), services };
}

/** A second Logdock holding `payments`: 40 records over 2 partitions, record i at T0 + i s. */
async function remoteLogdock(): Promise<Logdock> {
  const ld = await fixture.start();
  await ld.broker.createTopic('payments', { partitions: 2 });
  await ld.broker.send(
    Array.from({ length: 40 }, (_, i) => ({
      topic: 'payments',
      partition: i % 2,
      key: Buffer.from(`k${i}`),
      value: Buffer.from(JSON.stringify({ level: i % 4 === 0 ? 'error' : 'info', n: i })),
      headers: [{ key: 'trace', value: Buffer.from(`t${i}`) }],
      timestamp: T0 + i * 1000,
    })),
  );
  return ld;
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e.code ?? String(e),
  );

const valuesOf = (records: { value: Buffer | null }[]) =>
  records.map((r) => JSON.parse(r.value!.toString()).n as number);

describe('replay across clusters', () => {
  it('replays an offset range of a remote partition into a local topic with keys, headers and timestamps', async () => {
    const ld = await remoteLogdock();
    const { api, services } = await openApp();
    await api.call('clusters.add', { name: 'prod', bootstrapServers: [ld.bootstrap] });

    // The request is about `prod` (as the UI's scoped client sends it): the range is read there.
    const job = await api.call('replay.start', {
      cluster: 'prod',
      range: {
        topic: 'payments',
        partition: 1,
        from: { kind: 'offset', offset: 2 },
        to: { kind: 'offset', offset: 7 },
      },
      target: { kind: 'topic', cluster: 'local', topic: 'payments-debug', createPartitions: 1 },
    } as never);
    expect(job).toMatchObject({
      state: 'running',
      total: 5,
      range: { cluster: 'prod' },
      target: { cluster: 'local' },
    });
    const done = await services.replay.wait(job.id);
    expect(done).toMatchObject({ state: 'done', scanned: 5, written: 5, error: null });

    const copied = await services.broker.readRecords('payments-debug', 0, 0, { maxRecords: 100 });
    // Partition 1 holds the odd records; its offsets 2..6 are records 5, 7, 9, 11, 13.
    expect(valuesOf(copied)).toEqual([5, 7, 9, 11, 13]);
    expect(copied.map((r) => r.key?.toString())).toEqual(['k5', 'k7', 'k9', 'k11', 'k13']);
    expect(copied.map((r) => r.timestamp)).toEqual([5, 7, 9, 11, 13].map((n) => T0 + n * 1000));
    expect(copied[0].headers).toEqual([{ key: 'trace', value: Buffer.from('t5') }]);
    // Nothing was written on the remote cluster.
    expect(ld.broker.listTopics().map((t) => t.name)).toEqual(['payments']);
  });

  it('replays a time range of every remote partition through a search filter, as local replay filters', async () => {
    const ld = await remoteLogdock();
    const { api, services } = await openApp();
    await api.call('clusters.add', { name: 'prod', bootstrapServers: [ld.bootstrap] });
    const job = await api.call('replay.start', {
      range: {
        cluster: 'prod',
        topic: 'payments',
        from: { kind: 'timestamp', timestamp: T0 + 10_000 },
        to: { kind: 'timestamp', timestamp: T0 + 30_000 },
        filter: { filter: 'level == "error"' },
      },
      target: { kind: 'topic', cluster: 'local', topic: 'errors', createPartitions: 1 },
    });
    const done = await services.replay.wait(job.id);
    expect(done).toMatchObject({ state: 'done', total: 20, scanned: 20, written: 5 });
    // Errors in [10, 30): n = 12, 16, 20, 24, 28, all even so all in partition 0.
    const copied = await services.broker.readRecords('errors', 0, 0, { maxRecords: 100 });
    expect(valuesOf(copied)).toEqual([12, 16, 20, 24, 28]);
  });

  it('replays a local range into a remote topic, creating it there, and into the same topic name', async () => {
    const ld = await fixture.start();
    const { api, services } = await openApp();
    await services.broker.createTopic('app', { partitions: 1 });
    await services.broker.send(
      Array.from({ length: 10 }, (_, i) => ({ topic: 'app', value: Buffer.from(`line ${i}`) })),
    );
    await api.call('clusters.add', { name: 'staging', bootstrapServers: [ld.bootstrap] });
    // Same topic name on another cluster: not the source, so allowed.
    const job = await api.call('replay.start', {
      range: { topic: 'app', from: { kind: 'offset', offset: 4 }, to: { kind: 'latest' } },
      target: { kind: 'topic', cluster: 'staging', topic: 'app' },
    });
    expect(job.range.cluster).toBe('local');
    expect(await services.replay.wait(job.id)).toMatchObject({ state: 'done', written: 6 });
    const there = await ld.broker.readRecords('app', 0, 0, { maxRecords: 100 });
    expect(there.map((r) => r.value?.toString())).toEqual(
      [4, 5, 6, 7, 8, 9].map((i) => `line ${i}`),
    );

    // The same topic on the same cluster is still refused.
    expect(
      await codeOf(
        api.call('replay.start', {
          range: { topic: 'app', from: { kind: 'earliest' }, to: { kind: 'latest' } },
          target: { kind: 'topic', cluster: 'local', topic: 'app' },
        }),
      ),
    ).toBe('INVALID_ARGUMENT');
  });

  it('refuses a replay into a read-only cluster with FORBIDDEN before writing, and reads from it', async () => {
    const ld = await remoteLogdock();
    const { api, services } = await openApp();
    await services.broker.createTopic('app', { partitions: 1 });
    await services.broker.send([{ topic: 'app', value: Buffer.from('x') }]);
    await api.call('clusters.add', {
      name: 'prod',
      bootstrapServers: [ld.bootstrap],
      readOnly: true,
    });
    const into = (target: object) =>
      api.call('replay.start', {
        range: { topic: 'app', from: { kind: 'earliest' }, to: { kind: 'latest' } },
        target: target as never,
      });
    expect(await codeOf(into({ kind: 'topic', cluster: 'prod', topic: 'payments' }))).toBe(
      'FORBIDDEN',
    );
    expect(await codeOf(into({ kind: 'topic', cluster: 'prod', topic: 'new-topic' }))).toBe(
      'FORBIDDEN',
    );
    // A group of a read-only cluster is not moved either.
    expect(
      await codeOf(
        api.call('replay.start', {
          cluster: 'prod',
          range: { topic: 'payments', from: { kind: 'earliest' }, to: { kind: 'latest' } },
          target: { kind: 'group', groupId: 'billing' },
        } as never),
      ),
    ).toBe('FORBIDDEN');
    expect(ld.broker.listTopics().map((t) => t.name)).toEqual(['payments']);
    expect(ld.broker.describeTopic('payments').partitions.map((p) => p.logEndOffset)).toEqual([
      20, 20,
    ]);
    // Reading from it is allowed.
    const job = await api.call('replay.start', {
      range: {
        cluster: 'prod',
        topic: 'payments',
        from: { kind: 'earliest' },
        to: { kind: 'latest' },
      },
      target: { kind: 'topic', cluster: 'local', topic: 'payments-copy' },
    });
    expect(await services.replay.wait(job.id)).toMatchObject({ state: 'done', written: 40 });
    expect(await codeOf(into({ kind: 'topic', cluster: 'nope', topic: 'x' }))).toBe('NOT_FOUND');
  });

  it('cancels a replay from a remote cluster after the chunk in flight, keeping what it wrote', async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('big', { partitions: 1 });
    for (let i = 0; i < 4; i++) {
      await ld.broker.send(
        Array.from({ length: 500 }, (_, j) => ({
          topic: 'big',
          value: Buffer.from(`m${i * 500 + j}`),
        })),
      );
    }
    const { services } = await openApp();
    const remote = new RemoteCluster({
      name: 'prod',
      client: { clientId: 'logdock-test', bootstrapBrokers: [ld.bootstrap] },
    });
    fixture.onCleanup(() => remote.close());
    const manager = new ReplayManager(new LocalCluster(services.broker), {
      chunkRecords: 5,
      clusters: async () => ({ cluster: remote, readOnly: false }),
    });
    fixture.onCleanup(() => manager.close());
    const job = await manager.start(
      { cluster: 'prod', topic: 'big', from: { kind: 'earliest' }, to: { kind: 'latest' } },
      {
        kind: 'topic',
        cluster: 'local',
        topic: 'big-copy',
        keepKeys: true,
        keepHeaders: true,
        keepTimestamps: true,
        keepPartitions: false,
      },
    );
    await waitFor(() => manager.get(job.id).written >= 10, 'the first chunks copied');
    const cancelled = await manager.cancel(job.id);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.written).toBeLessThan(2000);
    const copied = await services.broker.readRecords('big-copy', 0, 0, { maxRecords: 5000 });
    expect(copied.length).toBe(cancelled.written);
    expect(copied.map((r) => r.value?.toString())).toEqual(
      Array.from({ length: copied.length }, (_, i) => `m${i}`),
    );
  });
});
