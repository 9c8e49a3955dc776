import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/common/api/contract';
import { createDispatcher } from '../../../src/main/api/handlers';
import { openServices } from '../../../src/main/services';
import { createInProcessClient } from '../../../src/main/transport/inprocess';
import { startMockCluster, type MockCluster } from '../../tools/mock-cluster';
import { runProcess, useLogdock } from '../protocol/helpers';
import { waitFor } from '../../wait';

// The topics and message views through the API on a cluster of three brokers (librdkafka's
// mock cluster, test/tools), added as a remote cluster: partition placement and health, and
// a browser window that keeps its rows while the leader moves and the old one goes down.

const fixture = useLogdock();

async function openApp(mock: MockCluster): Promise<ApiClient> {
  const dataDir = await fixture.tempDir('logdock-multi-broker-');
  const services = await openServices({ dataDir, mode: 'test', collectors: false });
  fixture.onCleanup(() => services.close());
  const api = createInProcessClient(createDispatcher(services));
  await api.call('clusters.add', { name: 'three', bootstrapServers: mock.bootstrap.split(',') });
  return api;
}

async function mockCluster(): Promise<MockCluster> {
  const mock = await startMockCluster(3);
  fixture.onCleanup(() => mock.close());
  return mock;
}

describe('the API on a three-broker cluster', () => {
  it("shows each partition's leader, replicas and ISR, and flags an offline partition in the topic list", async () => {
    const mock = await mockCluster();
    await mock.command('create orders 3 3');
    const api = await openApp(mock);

    const detail = await api.call('topics.describe', { cluster: 'three', topic: 'orders' });
    expect(detail.partitions).toHaveLength(3);
    for (const p of detail.partitions) {
      expect(p).toMatchObject({ underReplicated: false, offline: false });
      expect([...p.replicas].sort()).toEqual([1, 2, 3]);
      expect([...p.isr].sort()).toEqual([1, 2, 3]);
      expect([1, 2, 3]).toContain(p.leader);
    }
    const listed = await api.call('topics.list', { cluster: 'three' });
    expect(listed.topics.find((t) => t.name === 'orders')).toMatchObject({
      partitionCount: 3,
      offlinePartitions: 0,
      underReplicatedPartitions: 0,
    });

    await mock.command('leader orders 1 none');
    const after = await api.call('topics.describe', { cluster: 'three', topic: 'orders' });
    expect(after.partitions.map((p) => p.offline)).toEqual([false, true, false]);
    expect(after.partitions[1].leader).toBe(-1);
    const flagged = await api.call('topics.list', { cluster: 'three' });
    expect(flagged.topics.find((t) => t.name === 'orders')?.offlinePartitions).toBe(1);

    // The local broker is one node holding every partition: never flagged.
    await api.call('topics.create', { name: 'here', partitions: 2 });
    const local = await api.call('topics.describe', { topic: 'here' });
    expect(local.partitions.map((p) => [p.leader, p.replicas, p.isr, p.offline])).toEqual([
      [0, [0], [0], false],
      [0, [0], [0], false],
    ]);
  }, 240_000);

  it('flags under-replicated partitions while a broker holding replicas is down, and an offline one', async () => {
    const mock = await mockCluster();
    await mock.command('create payments 3 3');
    const api = await openApp(mock);
    const describe = () => api.call('topics.describe', { cluster: 'three', topic: 'payments' });
    const listed = async () =>
      (await api.call('topics.list', { cluster: 'three' })).topics.find(
        (t) => t.name === 'payments',
      );
    // Broker 3 leads nothing, then goes down: it stays a replica of every partition but
    // leaves every ISR, as in Kafka once replica.lag.time.max.ms has passed.
    for (const p of (await describe()).partitions)
      if (p.leader === 3) await mock.command(`leader payments ${p.partition} 1`);
    await mock.command('down 3');
    const under = await waitFor(
      async () => {
        const d = await describe();
        return d.partitions.every((p) => p.underReplicated) && d;
      },
      'every partition of payments under-replicated',
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    for (const p of under.partitions) {
      expect(p).toMatchObject({ underReplicated: true, offline: false });
      expect([...p.replicas].sort()).toEqual([1, 2, 3]);
      expect([...p.isr].sort()).toEqual([1, 2]);
    }
    expect(await listed()).toMatchObject({ underReplicatedPartitions: 3, offlinePartitions: 0 });

    await mock.command('leader payments 2 none');
    const offline = await waitFor(
      async () => {
        const d = await describe();
        return d.partitions[2].offline && d;
      },
      'partition 2 of payments offline',
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(offline.partitions.map((p) => [p.offline, p.underReplicated])).toEqual([
      [false, true],
      [false, true],
      [true, true],
    ]);
    expect(await listed()).toMatchObject({ underReplicatedPartitions: 3, offlinePartitions: 1 });

    // Back up: in sync again, and only the partition without a leader is flagged.
    await mock.command('up 3');
    await waitFor(
      async () => (await listed())?.underReplicatedPartitions === 0,
      'payments fully replicated again',
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(await listed()).toMatchObject({ underReplicatedPartitions: 0, offlinePartitions: 1 });
  }, 240_000);

  it('keeps a browser window on records written by kcat while the leader moves and the old leader goes down', async () => {
    const mock = await mockCluster();
    await mock.command('create logs 1 3');
    const input = Array.from({ length: 60 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const produced = await runProcess('kcat', ['-b', mock.bootstrap, '-P', '-t', 'logs'], {
      input,
    });
    expect(produced.code, produced.stderr).toBe(0);
    const api = await openApp(mock);
    const window = (start: number) =>
      api.call('messages.window', {
        cluster: 'three',
        topic: 'logs',
        partitions: [0],
        start,
        count: 20,
      });
    const offsets = (rows: { offset: number }[]) => rows.map((r) => r.offset);

    expect(offsets((await window(0)).rows)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const leader = (await api.call('topics.describe', { cluster: 'three', topic: 'logs' }))
      .partitions[0].leader;
    const next = leader === 3 ? 1 : leader + 1;
    await mock.command(`leader logs 0 ${next}`);
    await mock.command(`down ${leader}`);
    expect(offsets((await window(20)).rows)).toEqual(Array.from({ length: 20 }, (_, i) => 20 + i));
    const last = await window(40);
    expect(offsets(last.rows)).toEqual(Array.from({ length: 20 }, (_, i) => 40 + i));
    const described = await api.call('topics.describe', { cluster: 'three', topic: 'logs' });
    expect(described.partitions[0]).toMatchObject({ leader: next, logEndOffset: 60 });
  }, 240_000);
});
