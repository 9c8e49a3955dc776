import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cluster } from '../../../src/main/cluster/cluster';
import { RemoteCluster } from '../../../src/main/remote/cluster';
import { SHIP_HEADER } from '../../../src/main/shipping/restamp';
import { serveArgs, spawnLogdock, stopLogdock } from '../cli/commands/serve-process';
import { serveWithKafka, type ServedLogdock } from './serve-kafka';
import { waitFor } from '../../wait';

// Shipping between real processes: a `logdock serve --tail … --ship …` forwards what its
// collector commits to a second `logdock serve`, which is stopped and restarted, while the
// shipping one is killed with SIGKILL mid-stream. Afterwards the remote topic holds the
// local topic exactly: every line once, in order.

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo().catch(() => undefined);
}, 180_000);

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function serve(args: string[]): Promise<ServedLogdock> {
  return serveWithKafka(args, (run) => cleanups.push(() => stopLogdock(run)));
}

function clusterAt(bootstrap: string): Cluster {
  const cluster = new RemoteCluster({
    name: bootstrap,
    client: { clientId: 'ship-process-test', bootstrapBrokers: [bootstrap] },
  });
  cleanups.push(() => cluster.close());
  return cluster;
}

async function count(cluster: Cluster, topic: string): Promise<number> {
  try {
    const t = await cluster.describeTopic(topic);
    return t.partitions.reduce((n, p) => n + p.logEndOffset, 0);
  } catch {
    return 0;
  }
}

/** Values of a one-partition topic in offset order, and the ship headers seen. */
async function values(
  cluster: Cluster,
  topic: string,
): Promise<{ values: string[]; ships: string[] }> {
  const [p] = (await cluster.describeTopic(topic)).partitions;
  const out: string[] = [];
  const ships: string[] = [];
  let offset = p.logStartOffset;
  while (offset < p.logEndOffset) {
    const records = await cluster.readRecords(topic, 0, offset, { maxRecords: 5000 });
    for (const r of records) {
      out.push(r.value!.toString());
      const ship = r.headers.find((h) => h.key === SHIP_HEADER)?.value?.toString();
      if (ship) ships.push(ship);
    }
    offset = records[records.length - 1].offset + 1;
  }
  return { values: out, ships };
}

function lines(from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++) text += `line ${i} ${'x'.repeat(i % 50)}\n`;
  return text;
}

/** The remote topic is the local one exactly, and holds lines 0..total-1 once each. */
async function expectSame(local: Cluster, remote: Cluster, total: number): Promise<void> {
  const here = await values(local, 'app');
  const there = await values(remote, 'app-remote');
  expect(there.values.length).toBe(total);
  expect(there.values).toEqual(here.values);
  expect(new Set(there.values).size).toBe(total);
  // Every local offset forwarded once, in order.
  expect(there.ships.map((s) => Number(s.split('/')[2]))).toEqual(
    Array.from({ length: total }, (_, i) => i),
  );
}

describe('logdock serve --ship', () => {
  it('loses and duplicates nothing while the remote Logdock is stopped and restarted', async () => {
    const remoteDir = await tempDir('logdock-ship-remote-');
    const localDir = await tempDir('logdock-ship-local-');
    const file = join(localDir, 'app.log');
    await writeFile(file, lines(0, 2000));
    let far = await serve(serveArgs(remoteDir));
    const remotePort = far.bootstrap.split(':')[1];
    const near = await serve([
      ...serveArgs(localDir),
      '--tail',
      `app=${file}`,
      '--ship',
      `app=kafka://${far.bootstrap}/app-remote`,
    ]);
    const local = clusterAt(near.bootstrap);
    await waitFor(
      async () => (await count(clusterAt(far.bootstrap), 'app-remote')) === 2000,
      'first lines shipped',
      60_000,
    );

    await stopLogdock(far.run);
    await appendFile(file, lines(2000, 5000));
    await waitFor(
      async () => (await count(local, 'app')) === 5000,
      'lines committed locally',
      60_000,
    );
    await waitFor(() => /shipping app to .*: /.test(near.run.err()), 'the outage logged', 60_000);

    far = await serve(['--data-dir', remoteDir, '--http-port', '0', '--kafka-port', remotePort]);
    const remote = clusterAt(far.bootstrap);
    await waitFor(
      async () => (await count(remote, 'app-remote')) === 5000,
      'backlog shipped',
      90_000,
    );
    await expectSame(local, remote, 5000);
  }, 240_000);

  it('puts every line on the remote topic exactly once when the shipping Logdock is SIGKILLed mid-stream', async () => {
    const remoteDir = await tempDir('logdock-ship-remote-');
    const localDir = await tempDir('logdock-ship-local-');
    const file = join(localDir, 'app.log');
    await writeFile(file, '');
    const far = await serve(serveArgs(remoteDir));
    const remote = clusterAt(far.bootstrap);
    const args = [
      ...serveArgs(localDir),
      '--tail',
      `app=${file}`,
      '--ship',
      `app=kafka://${far.bootstrap}/app-remote`,
    ];
    // Lines keep coming while the shipping Logdock dies and comes back.
    let written = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await appendFile(file, lines(written, written + 200));
        written += 200;
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    cleanups.push(async () => {
      writing = false;
      await writer;
    });
    for (let kill = 1; kill <= 3; kill++) {
      const near = await serve(args);
      const before = await count(remote, 'app-remote');
      await waitFor(
        async () => (await count(remote, 'app-remote')) > before + 2000,
        `shipping run ${kill}`,
        60_000,
      );
      near.run.child.kill('SIGKILL');
      await near.run.exited;
    }
    writing = false;
    await writer;
    const near = await serve(args);
    const local = clusterAt(near.bootstrap);
    await waitFor(
      async () => (await count(local, 'app')) === written,
      'every line committed',
      90_000,
    );
    await waitFor(
      async () => (await count(remote, 'app-remote')) >= written,
      'every line shipped',
      90_000,
    );
    await expectSame(local, remote, written);
  }, 300_000);

  it('refuses a malformed --ship or an unknown cluster with a clear error before serving', async () => {
    const dir = await tempDir('logdock-ship-bad-');
    const bad = spawnLogdock(['serve', ...serveArgs(dir), '--ship', 'app=http://x:1/t']);
    expect(await bad.exited).not.toBe(0);
    expect(bad.err()).toMatch(/--ship app=http:\/\/x:1\/t: to: expected kafka:\/\//);
    const unknown = spawnLogdock(['serve', ...serveArgs(dir), '--ship', 'app=cluster://nope/t']);
    expect(await unknown.exited).not.toBe(0);
    expect(unknown.err()).toMatch(/no cluster named nope/);
  }, 120_000);
});
