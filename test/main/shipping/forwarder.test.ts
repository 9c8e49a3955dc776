import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Broker } from '../../../src/main/broker';
import { LocalCluster } from '../../../src/main/cluster';
import type { Cluster } from '../../../src/main/cluster/cluster';
import { silentLogger } from '../../../src/main/logger';
import { RemoteCluster } from '../../../src/main/remote/cluster';
import { Forwarder, type ForwarderOptions } from '../../../src/main/shipping/forwarder';
import { createLogger } from '../../../src/main/logger';
import { SHIP_HEADER } from '../../../src/main/shipping/restamp';
import { startMockCluster } from '../../tools/mock-cluster';
import { useLogdock, type Logdock } from '../protocol/helpers';
import { waitFor } from '../../wait';

// The forwarder between a local broker and a second Logdock reached over its Kafka listener.

const fixture = useLogdock();

async function localBroker(): Promise<{ broker: Broker; cluster: Cluster; dir: string }> {
  const dir = await fixture.tempDir('logdock-ship-local-');
  const broker = await Broker.open({ dataDir: dir, logger: silentLogger, autoCreateTopics: true });
  fixture.onCleanup(() => broker.close());
  return { broker, cluster: new LocalCluster(broker), dir };
}

function forwarder(
  local: Cluster,
  remote: Pick<Logdock, 'bootstrap'>,
  dir: string,
  remoteTopic = 'app-remote',
  extra: Partial<ForwarderOptions> = {},
) {
  const target = new RemoteCluster({
    name: 'second',
    client: { clientId: 'ship-test', bootstrapBrokers: remote.bootstrap.split(',') },
  });
  const f = new Forwarder({
    local,
    target,
    topic: 'app',
    to: `kafka://${remote.bootstrap}/${remoteTopic}`,
    remoteTopic,
    checkpointPath: join(dir, 'ship-app.json'),
    origin: 'test-origin',
    logger: silentLogger,
    maxBackoffMs: 200,
    ...extra,
  });
  fixture.onCleanup(() => f.close());
  f.start();
  return f;
}

async function produce(cluster: Cluster, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i += 500) {
    const n = Math.min(500, from + count - i);
    await cluster.send(
      Array.from({ length: n }, (_, j) => ({
        topic: 'app',
        key: Buffer.from(`k${(i + j) % 7}`),
        value: Buffer.from(`line ${i + j}`),
        headers: [{ key: 'h', value: Buffer.from(String(i + j)) }],
      })),
    );
  }
}

/** Every record of a topic's partitions: value, headers without the ship header. */
async function contents(cluster: Cluster, topic: string) {
  const out: { partition: number; value: string; headers: string; ship?: string }[] = [];
  for (const p of (await cluster.describeTopic(topic)).partitions) {
    let offset = p.logStartOffset;
    while (offset < p.logEndOffset) {
      const records = await cluster.readRecords(topic, p.partition, offset, { maxRecords: 5000 });
      for (const r of records)
        out.push({
          partition: p.partition,
          value: r.value!.toString(),
          headers: r.headers
            .filter((h) => h.key !== SHIP_HEADER)
            .map((h) => `${h.key}=${h.value}`)
            .join(','),
          ship: r.headers.find((h) => h.key === SHIP_HEADER)?.value?.toString(),
        });
      offset = records[records.length - 1].offset + 1;
    }
  }
  return out;
}

async function remoteCount(remote: Logdock, topic: string): Promise<number> {
  try {
    return remote.broker.describeTopic(topic).partitions.reduce((n, p) => n + p.logEndOffset, 0);
  } catch {
    return 0;
  }
}

describe('Forwarder', () => {
  it('forwards every record of every partition in order, with its key, headers and a ship header', async () => {
    const remote = await fixture.start();
    const { cluster, dir } = await localBroker();
    await cluster.createTopic('app', { partitions: 3 });
    await produce(cluster, 0, 6000);
    forwarder(cluster, remote, dir);
    await waitFor(async () => (await remoteCount(remote, 'app-remote')) === 6000, 'all forwarded');
    const local = await contents(cluster, 'app');
    const far = await contents(new LocalCluster(remote.broker), 'app-remote');
    expect(far.map(({ ship: _, ...r }) => r)).toEqual(local);
    expect(far[0].ship).toBe('test-origin/0/0');
  });

  it('resumes after what the remote topic holds when the checkpoint is gone: nothing twice', async () => {
    const remote = await fixture.start();
    const { cluster, dir } = await localBroker();
    await cluster.createTopic('app', { partitions: 2 });
    await produce(cluster, 0, 3000);
    const first = forwarder(cluster, remote, dir);
    await waitFor(async () => (await remoteCount(remote, 'app-remote')) === 3000, 'first part');
    await first.close();
    // The checkpoint lags (here: is lost); the headers on the remote topic still tell.
    await rm(join(dir, 'ship-app.json'));
    await produce(cluster, 3000, 1000);
    forwarder(cluster, remote, dir);
    await waitFor(async () => (await remoteCount(remote, 'app-remote')) === 4000, 'second part');
    const far = await contents(new LocalCluster(remote.broker), 'app-remote');
    expect(far.map((r) => r.value).sort()).toEqual(
      (await contents(cluster, 'app')).map((r) => r.value).sort(),
    );
  });

  it('ships every record once, in order, while a leader of the remote topic moves and its old broker goes down', async () => {
    // Three brokers (librdkafka's mock cluster, test/tools): leaders spread over them.
    const mock = await startMockCluster(3);
    fixture.onCleanup(() => mock.close());
    await mock.command('create app-remote 3 3');
    const far = new RemoteCluster({
      name: 'three',
      client: { clientId: 'ship-test-reader', bootstrapBrokers: mock.bootstrap.split(',') },
    });
    fixture.onCleanup(() => far.close());
    const shipped = async () =>
      (await far.describeTopic('app-remote')).partitions.reduce((n, p) => n + p.logEndOffset, 0);
    const { cluster, dir } = await localBroker();
    await cluster.createTopic('app', { partitions: 3 });
    await produce(cluster, 0, 3000);
    const f = forwarder(cluster, mock, dir);
    await waitFor(
      async () => (await shipped()) >= 1000,
      () => `the first records on the remote (forwarder ${JSON.stringify(f.snapshot())})`,
      120_000,
    );

    // The mock elects no new leader by itself: every partition the old leader led moves first
    // (which ones it leads besides partition 0 depends on the mock's placement).
    const before = (await far.describeTopic('app-remote')).partitions;
    const oldLeader = before[0].leader;
    const newLeader = oldLeader === 3 ? 1 : oldLeader + 1;
    for (const p of before.filter((q) => q.leader === oldLeader))
      await mock.command(`leader app-remote ${p.partition} ${newLeader}`);
    await mock.command(`down ${oldLeader}`);
    await produce(cluster, 3000, 3000);
    await waitFor(
      async () => (await shipped()) >= 6000,
      () => `all 6000 shipped (forwarder ${JSON.stringify(f.snapshot())})`,
      120_000,
    );

    expect(await shipped()).toBe(6000);
    const local = await contents(cluster, 'app');
    const remote = await contents(far, 'app-remote');
    expect(remote.map(({ ship: _, ...r }) => r)).toEqual(local);
  }, 240_000);

  it('maps three local partitions onto a two-partition remote topic (p mod 2) and resumes past a garbage checkpoint', async () => {
    const remote = await fixture.start();
    await remote.broker.createTopic('app-remote', { partitions: 2 });
    const { cluster, dir } = await localBroker();
    await cluster.createTopic('app', { partitions: 3 });
    await produce(cluster, 0, 3000);
    const first = forwarder(cluster, remote, dir);
    await waitFor(async () => (await remoteCount(remote, 'app-remote')) === 3000, 'first part');
    await first.close();
    await writeFile(join(dir, 'ship-app.json'), '{"version":1,"topic":"app",\u0000 garbage');
    await produce(cluster, 3000, 900);
    forwarder(cluster, remote, dir);
    await waitFor(async () => (await remoteCount(remote, 'app-remote')) === 3900, 'second part');
    const far = await contents(new LocalCluster(remote.broker), 'app-remote');
    // Local partition p's records, in order, are in remote partition p mod 2.
    const local = await contents(cluster, 'app');
    for (const p of [0, 1, 2]) {
      const mine = far.filter((r) => r.ship?.startsWith(`test-origin/${p}/`));
      expect(new Set(mine.map((r) => r.partition))).toEqual(new Set([p % 2]));
      expect(mine.map((r) => r.value)).toEqual(
        local.filter((r) => r.partition === p).map((r) => r.value),
      );
    }
  });

  it('takes in partitions added to the local and the remote topic while it ships, without starting over', async () => {
    const remote = await fixture.start();
    const { cluster, dir } = await localBroker();
    await cluster.createTopic('app', { partitions: 1 });
    await produce(cluster, 0, 1000);
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', write: (line) => lines.push(line) });
    forwarder(cluster, remote, dir, 'app-remote', { logger, partitionCheckMs: 100 });
    await waitFor(async () => (await remoteCount(remote, 'app-remote')) === 1000, 'first part');
    // The remote topic grows to 2 partitions, the local one to 3; lines go to all three.
    await remote.broker.createPartitions('app-remote', 2);
    await cluster.createPartitions('app', 3);
    await produce(cluster, 1000, 2000);
    await waitFor(
      async () => (await remoteCount(remote, 'app-remote')) === 3000,
      'every line forwarded, the new partitions too',
      { timeoutMs: 120_000 },
    );
    const far = await contents(new LocalCluster(remote.broker), 'app-remote');
    const local = await contents(cluster, 'app');
    // Local partition p's records, in order, in remote partition p mod 2, each once.
    for (const p of [0, 1, 2]) {
      const mine = far.filter((r) => r.ship?.startsWith(`test-origin/${p}/`));
      expect(mine.length).toBeGreaterThan(0);
      expect(new Set(mine.map((r) => r.partition))).toEqual(new Set([p % 2]));
      expect(mine.map((r) => r.value)).toEqual(
        local.filter((r) => r.partition === p).map((r) => r.value),
      );
    }
    // One session from start to end: connected once, the new partitions taken in as they came.
    expect(lines.filter((l) => / to app-remote on second from /.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /partition \d added/.test(l))).toHaveLength(2);
  });
});
