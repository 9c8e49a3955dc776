import { writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RawClient, spawnProcess, useLogdock, waitFor } from '../helpers';

const logdock = useLogdock();

/** A port nobody listens on right now (for the peers that cannot take port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** True once ZooKeeper answers its `srvr` command with its version (it says "not currently serving" while starting). */
function zooKeeperServing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = '';
    const s = connect({ host: '127.0.0.1', port }, () => s.write('srvr'));
    s.on('data', (d: Buffer) => (answer += d.toString()));
    s.on('close', () => resolve(/Zookeeper version/.test(answer)));
    s.on('error', () => resolve(false));
    // A peer that accepts but never answers must not stall the wait past its deadline.
    s.setTimeout(2_000, () => s.destroy());
  });
}

interface LagStatus {
  status?: {
    totallag: number;
    partitions: { topic: string; partition: number; current_lag: number }[];
  };
}

describe('Burrow', () => {
  it("reports a group's lag from the offsets Logdock keeps in __consumer_offsets", async () => {
    const ld = await logdock.start();
    const work = await logdock.tempDir('logdock-burrow-');
    await ld.broker.send(
      Array.from({ length: 10 }, (_, i) => ({ topic: 'lagged', value: Buffer.from(`m${i}`) })),
    );
    const client = await RawClient.connect(ld.port);
    try {
      // A commit outside group management (generation -1), as admin tools do.
      const res = await client.request('OffsetCommit', 2, {
        groupId: 'slow-readers',
        generationIdOrMemberEpoch: -1,
        memberId: '',
        retentionTimeMs: -1,
        topics: [
          {
            name: 'lagged',
            partitions: [{ partitionIndex: 0, committedOffset: 4, committedMetadata: '' }],
          },
        ],
      });
      expect(
        (res.topics as { partitions: { errorCode: number }[] }[])[0].partitions[0].errorCode,
      ).toBe(0);
    } finally {
      client.close();
    }

    // Burrow's coordinator needs ZooKeeper (Debian's package, run standalone).
    const zkPort = await freePort();
    const zkData = join(work, 'zk');
    spawnProcess('java', [
      // ZooKeeper's admin web server binds port 8080 and exits when that port is taken.
      '-Dzookeeper.admin.enableServer=false',
      '-Dzookeeper.4lw.commands.whitelist=srvr',
      '-cp',
      '/etc/zookeeper/conf:/usr/share/java/zookeeper.jar',
      'org.apache.zookeeper.server.ZooKeeperServerMain',
      String(zkPort),
      zkData,
    ]);
    // Java start-up on a busy 2-core CI machine can take tens of seconds.
    await waitFor(() => zooKeeperServing(zkPort), 'ZooKeeper to serve', 80_000);
    const httpPort = await freePort();
    await writeFile(
      join(work, 'burrow.toml'),
      [
        '[general]',
        `pidfile="${join(work, 'burrow.pid')}"`,
        '[logging]',
        'level="warn"',
        '[zookeeper]',
        `servers=["127.0.0.1:${zkPort}"]`,
        'timeout=6',
        'root-path="/burrow"',
        '[client-profile.logdock]',
        'client-id="burrow-test"',
        'kafka-version="2.0.0"',
        '[cluster.local]',
        'class-name="kafka"',
        `servers=["${ld.bootstrap}"]`,
        'client-profile="logdock"',
        'topic-refresh=2',
        'offset-refresh=1',
        '[consumer.local]',
        'class-name="kafka"',
        'cluster="local"',
        `servers=["${ld.bootstrap}"]`,
        'client-profile="logdock"',
        'offsets-topic="__consumer_offsets"',
        'start-latest=false',
        '[httpserver.default]',
        `address="127.0.0.1:${httpPort}"`,
        '[storage.default]',
        'class-name="inmemory"',
        'workers=2',
        'intervals=10',
        'min-distance=1',
        '',
      ].join('\n'),
    );
    const burrow = spawnProcess('/usr/bin/Burrow', ['--config-dir', work]);
    let last: LagStatus = {};
    await waitFor(
      async () => {
        try {
          const r = await fetch(
            `http://127.0.0.1:${httpPort}/v3/kafka/local/consumer/slow-readers/lag`,
            { signal: AbortSignal.timeout(2_000) },
          );
          last = (await r.json()) as LagStatus;
          return last.status?.totallag === 6;
        } catch {
          return false;
        }
      },
      () =>
        `Burrow to report a lag of 6; last answer ${JSON.stringify(last)}; Burrow said: ${burrow.stdout().slice(-800)} ${burrow.stderr().slice(-800)}`,
      80_000,
    );
    expect(last.status?.partitions).toMatchObject([
      { topic: 'lagged', partition: 0, current_lag: 6 },
    ]);
  }, 200_000);
});
