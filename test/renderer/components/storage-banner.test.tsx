// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { promises as fs } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventOf } from '../../../src/common/api/contract';
import {
  Dispatcher,
  type RequestHandlers,
  type SubscriptionHandlers,
} from '../../../src/main/api/dispatcher';
import { createSystemSubscriptions } from '../../../src/main/api/system';
import { openBroker, type Broker } from '../../../src/main/broker';
import { LocalCluster } from '../../../src/main/cluster';
import { iterateBatches } from '../../../src/main/storage';
import { createInProcessClient } from '../../../src/main/transport/inprocess';
import { StorageBanner } from '../../../src/renderer/src/components/StorageBanner';
import { useAppStore } from '../../../src/renderer/src/store';
import { waitUntil } from '../wait';

let dir = '';
let broker: Broker | null = null;

afterEach(async () => {
  cleanup();
  useAppStore.setState({ storageHealth: null });
  await broker?.close();
  broker = null;
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A topic of small sealed segments, one batch in the second segment flipped on disk. */
async function corruptDataDir(): Promise<{ file: string; position: number }> {
  dir = await mkdtemp(join(tmpdir(), 'logdock-health-'));
  const first = await openBroker({ dataDir: dir, scrub: false });
  await first.createTopic('app', { configs: { 'segment.bytes': 2048 } });
  for (let i = 0; i < 100; i++)
    await first.send([{ topic: 'app', partition: 0, key: null, value: Buffer.from(`line ${i}`) }]);
  const base = first.segments('app', 0)[1].baseOffset;
  await first.close();
  const file = join(dir, 'app-0', `${String(base).padStart(20, '0')}.log`);
  const bytes = await fs.readFile(file);
  const [, second] = [...iterateBatches(bytes)];
  bytes[second.position + 70] ^= 0xff;
  await fs.writeFile(file, bytes);
  return { file, position: second.position };
}

function connect(b: Broker): void {
  const subs = createSystemSubscriptions({
    cluster: new LocalCluster(b),
  }) as unknown as SubscriptionHandlers;
  const client = createInProcessClient(new Dispatcher({} as RequestHandlers, subs));
  useAppStore.getState().setApi(client, 'in-process');
  useAppStore.getState().setConnection('open');
}

describe('storage health in the API and the frame', () => {
  it('shows corruption the background scrub found before any reader, naming partition, file and position', async () => {
    const bad = await corruptDataDir();
    broker = await openBroker({ dataDir: dir, scrub: { startDelayMs: 0, bytesPerSecond: 1e9 } });
    connect(broker);
    const events: EventOf<'system.storage'>[] = [];
    const off = useAppStore.getState().api.subscribe('system.storage', {}, (e) => events.push(e));
    render(<StorageBanner />);

    const banner = await waitUntil(() => screen.queryByTestId('storage-corrupt'), 'the banner');
    await waitUntil(() => events.some((e) => e.lastScrub !== null), 'the end of the pass');
    off();
    expect(banner.textContent).toContain('app-0');
    expect(banner.getAttribute('title')).toContain(`${bad.file} position ${bad.position}`);
    const last = events[events.length - 1];
    expect(last.corrupt).toEqual([
      expect.objectContaining({
        topic: 'app',
        partition: 0,
        file: bad.file,
        position: bad.position,
      }),
    ]);
    expect(last.lastScrub?.corrupt).toBe(1);
  });

  it('shows nothing until a finding, and drops the finding once the topic is gone', async () => {
    await corruptDataDir();
    broker = await openBroker({ dataDir: dir, scrub: { startDelayMs: 3_600_000 } });
    connect(broker);
    render(<StorageBanner />);
    await waitUntil(() => useAppStore.getState().storageHealth, 'the first health event');
    expect(screen.queryByTestId('storage-corrupt')).toBeNull();

    await broker.scrubNow();
    await waitUntil(() => screen.queryByTestId('storage-corrupt'), 'the banner');
    await broker.deleteTopic('app');
    await waitUntil(() => screen.queryByTestId('storage-corrupt') === null, 'the banner to go');
    expect(broker.storageHealth().corrupt).toEqual([]);
  });

  it('shows partitions recovering in the background after a crash, with progress, until they are done', async () => {
    dir = await mkdtemp(join(tmpdir(), 'logdock-health-'));
    const first = await openBroker({ dataDir: dir, scrub: false });
    await first.createTopic('app', { partitions: 3 });
    for (let p = 0; p < 3; p++)
      await first.send([{ topic: 'app', partition: p, key: null, value: Buffer.from('x') }]);
    await first.close();
    // What a crash leaves: no clean-shutdown markers.
    for (let p = 0; p < 3; p++) await fs.rm(join(dir, `app-${p}`, '.clean-shutdown'));
    // Recovery is held until the banner has been seen, however slow the machine.
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    broker = await openBroker({ dataDir: dir, scrub: false, recoveryGate: () => gate });
    connect(broker);
    render(<StorageBanner />);
    const banner = await waitUntil(
      () => screen.queryByTestId('storage-recovering'),
      'the recovery banner',
    );
    expect(banner.textContent).toMatch(/of 3 partitions checked/);
    expect(banner.textContent).toContain('app-');
    release();
    await waitUntil(
      () => screen.queryByTestId('storage-recovering') === null,
      'the banner to go once recovered',
    );
    expect(broker.storageHealth().recovery).toBeNull();
    expect(broker.offsetsOf('app', 2).logEndOffset).toBe(1);
  });

  it('shows partitions still loading after startup, with progress, until the last one loaded', async () => {
    dir = await mkdtemp(join(tmpdir(), 'logdock-health-'));
    const first = await openBroker({ dataDir: dir, scrub: false });
    await first.createTopic('app', { partitions: 3 });
    await first.close();
    broker = await openBroker({
      dataDir: dir,
      scrub: false,
      loadInBackground: true,
      loadDelayMs: 600_000,
    });
    connect(broker);
    render(<StorageBanner />);
    const banner = await waitUntil(
      () => screen.queryByTestId('storage-loading'),
      'the loading banner',
    );
    // __consumer_offsets loaded with the broker; app's 3 partitions wait.
    expect(banner.textContent).toMatch(/Opening partitions: 1 of 4 loaded/);
    expect(banner.getAttribute('title')).toContain('app-1');
    for (let p = 0; p < 3; p++) await broker.whenRecovered('app', p); // needed: loads at once
    await waitUntil(
      () => screen.queryByTestId('storage-loading') === null,
      'the banner to go once loaded',
    );
    expect(broker.storageHealth().loading).toBeNull();
  });

  it('tells that writes are refused while the disk is full, and that they resume by themselves', () => {
    useAppStore.setState({
      storageHealth: {
        corrupt: [],
        diskFull: { since: 1, message: 'ENOSPC: no space left on device, write' },
        lastScrub: null,
      },
    });
    render(<StorageBanner />);
    const banner = screen.getByTestId('disk-full');
    expect(banner.textContent).toContain('refuses new messages');
    expect(banner.textContent).toContain('resumes by itself');
    expect(banner.textContent).toContain('ENOSPC');
  });
});
