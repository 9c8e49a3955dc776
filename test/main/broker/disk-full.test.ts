/**
 * A full disk, for real: the data dir lives on a 4 MiB tmpfs (mounted here; root and CI can),
 * with a 1 MiB reserve file whose removal stands for the user freeing space.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogdockError } from '../../../src/common/errors';
import { openBroker, type Broker } from '../../../src/main/broker';
import {
  serveArgs,
  spawnLogdock,
  stopLogdock,
  waitForUrl,
  type LogdockProcess,
} from '../cli/commands/serve-process';
import { waitFor } from './helpers';
import { LocalCluster } from '../../../src/main/cluster/local';
import { CollectorManager } from '../../../src/main/collectors/manager';
import { SourceStore } from '../../../src/main/collectors/store';
import { parseSourceConfig } from '../../../src/main/collectors/config-file';

const mnt = mkdtempSync(join(tmpdir(), 'logdock-full-'));
/** Why the tmpfs cannot be mounted here (not root, no mount namespace), or null. */
const cannotMount = (() => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt], { stdio: 'pipe' });
    return null;
  } catch (err) {
    rmSync(mnt, { recursive: true, force: true });
    return `cannot mount a small tmpfs to fill (needs root): ${(err as Error).message.split('\n')[0]}`;
  }
})();
if (cannotMount) console.warn(`disk-full tests skipped: ${cannotMount}`);

const dataDir = join(mnt, 'data');
const reserve = join(mnt, 'reserve');
let broker: Broker | null = null;
let serve: LogdockProcess | null = null;

beforeAll(async () => {
  if (cannotMount) return;
  await writeFile(reserve, Buffer.alloc(1024 * 1024, 1));
});
afterEach(async () => {
  await broker?.close().catch(() => undefined);
  broker = null;
  if (serve) await stopLogdock(serve);
  serve = null;
});
afterAll(() => {
  if (cannotMount) return;
  execFileSync('umount', [mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

/** Produces 1 KiB records until the disk refuses one; returns how many were acked. */
async function fillDisk(b: Broker): Promise<number> {
  let acked = 0;
  for (;;) {
    try {
      await b.send([{ topic: 'app', partition: 0, value: Buffer.alloc(1000, 0x61) }]);
      acked++;
    } catch (err) {
      expect((err as LogdockError).code).toBe('IO_ERROR');
      expect((err as Error).message).toMatch(/app-0\/\d{20}\.log: write of \d+ bytes/);
      return acked;
    }
  }
}

function leftovers(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (lstatSync(path).isDirectory()) out.push(...leftovers(path));
    else if (name.endsWith('.tmp')) out.push(path);
  }
  return out;
}

async function countRecords(b: Broker): Promise<number> {
  let n = 0;
  let offset = 0;
  for (;;) {
    const records = await b.readRecords('app', 0, offset, { maxRecords: 1000 });
    if (records.length === 0) return n;
    n += records.length;
    offset = records[records.length - 1].offset + 1;
  }
}

describe.skipIf(cannotMount !== null)('a full disk', () => {
  it('refuses writes with IO_ERROR and says so, keeps every acked record, starts anyway and resumes when space returns', async () => {
    await mkdir(dataDir, { recursive: true });
    broker = await openBroker({ dataDir, scrub: false });
    await broker.createTopic('app', { configs: { 'segment.bytes': 256 * 1024 } });
    const acked = await fillDisk(broker);
    expect(acked).toBeGreaterThan(1000);
    expect(broker.storageHealth().diskFull?.message).toContain('ENOSPC');
    await broker.close();

    // Restart on the still-full disk: it opens, serves reads, refuses writes.
    broker = await openBroker({ dataDir, scrub: false });
    expect(broker.storageHealth().diskFull).not.toBeNull();
    expect(await countRecords(broker)).toBe(acked);
    await expect(
      broker.send([{ topic: 'app', partition: 0, value: Buffer.alloc(1000) }]),
    ).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(leftovers(dataDir)).toEqual([]);

    // Space returns: the state clears by itself and writes go through again.
    await rm(reserve);
    const b = broker;
    await waitFor(() => b.storageHealth().diskFull === null, 'the full disk to clear');
    await broker.send([{ topic: 'app', partition: 0, value: Buffer.from('after') }]);
    expect(await countRecords(broker)).toBe(acked + 1);
    await broker.close();
    broker = null;
    await rm(dataDir, { recursive: true });
    await writeFile(reserve, Buffer.alloc(1024 * 1024, 1));
  });

  it('starts a collector whose topic could not be created on the full disk once space returns', async () => {
    await mkdir(dataDir, { recursive: true });
    // A source into a topic that does not exist yet, saved before the disk fills.
    const ticker = `setInterval(() => console.log('tick ' + Date.now()), 20)`;
    await new SourceStore(dataDir).save([
      parseSourceConfig({
        type: 'command',
        id: 'ticker',
        topic: 'later',
        command: process.execPath,
        args: ['-e', ticker],
      }),
    ]);
    broker = await openBroker({ dataDir, scrub: false });
    await broker.createTopic('app', { configs: { 'segment.bytes': 256 * 1024 } });
    await fillDisk(broker);
    const b = broker;
    const manager = new CollectorManager({ cluster: new LocalCluster(b), dataDir });
    try {
      await manager.start();
      expect(manager.status().find((s) => s.id === 'ticker')?.state).toBe('failed');
      expect(b.listTopics().map((t) => t.name)).not.toContain('later');

      await rm(reserve); // the user frees space
      await waitFor(
        () =>
          b.listTopics().some((t) => t.name === 'later') &&
          b.describeTopic('later').partitions[0].logEndOffset > 0,
        'the collector to start and produce once space returned',
      );
    } finally {
      await manager.close();
    }
    await broker.close();
    broker = null;
    await rm(dataDir, { recursive: true });
    await writeFile(reserve, Buffer.alloc(1024 * 1024, 1));
  });

  it('logdock serve starts on a full disk with a clear log line and no stack trace', async () => {
    await mkdir(dataDir, { recursive: true });
    broker = await openBroker({ dataDir, scrub: false });
    await broker.createTopic('app', { configs: { 'segment.bytes': 256 * 1024 } });
    await fillDisk(broker);
    await broker.close();
    broker = null;
    // Fill what the close left free.
    await writeFile(join(mnt, 'last'), Buffer.alloc(64 * 1024)).catch(() => undefined);

    serve = spawnLogdock(['serve', ...serveArgs(dataDir)]);
    const url = await waitForUrl(serve);
    expect(url).toContain('token=');
    const log = serve.err() + serve.out();
    expect(log).toContain('disk full: writes are refused until space returns');
    expect(log).not.toMatch(/\n\s+at /); // no stack trace
    expect(leftovers(dataDir)).toEqual([]);
    await rm(join(mnt, 'last'), { force: true });
  });
});
