import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBroker } from '../../../../src/main/broker';
import { runProcess } from '../../protocol/helpers';
import type { WebSocketApiClient } from '../../../../src/common/transport/websocket-client';
import {
  connectApi,
  serveArgs,
  spawnLogdock,
  stopLogdock,
  storageHealthOnce,
  waitForUrl,
  type LogdockProcess,
} from './serve-process';

const PARTITIONS = 6;
const RECORDS = 20;

describe('logdock serve on a data dir of many partitions', () => {
  let dataDir: string;
  let run: LogdockProcess | null = null;
  let api: WebSocketApiClient | null = null;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'logdock-loading-'));
  });

  afterEach(async () => {
    api?.close();
    if (run) await stopLogdock(run);
    run = api = null;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints its address and answers the API and the Kafka listener while partitions load, loading a partition a client reads at once', async () => {
    const broker = await openBroker({ dataDir, scrub: false });
    await broker.createTopic('many', { partitions: PARTITIONS });
    for (let p = 0; p < PARTITIONS; p++)
      await broker.send(
        Array.from({ length: RECORDS }, (_, i) => ({
          topic: 'many',
          partition: p,
          value: Buffer.from(`p${p}-${i}`),
        })),
      );
    // A group of another topic: asking for its lag loads that topic (not `many`) at once.
    await broker.createTopic('read', { partitions: 2 });
    for (const partition of [0, 1])
      await broker.send(
        Array.from({ length: RECORDS }, () => ({ topic: 'read', partition, value: null })),
      );
    await broker.groups.commitOffsets({ groupId: 'readers', generationId: -1, memberId: '' }, [
      { topic: 'read', partition: 0, offset: 5 },
      { topic: 'read', partition: 1, offset: 5 },
    ]);
    await broker.close();

    // Background loads wait 10 minutes: only what a client needs loads during the test.
    run = spawnLogdock(['serve', ...serveArgs(dataDir)], {
      env: { ...process.env, LOGDOCK_TEST_LOAD_DELAY_MS: '600000' },
    });
    await waitForUrl(run);
    api = await connectApi(dataDir);
    const [info, before] = await Promise.all([api.call('system.info', {}), storageHealthOnce(api)]);
    expect(before.loading).toBeTruthy();
    expect(before.loading!.total - before.loading!.done).toBeGreaterThanOrEqual(PARTITIONS);

    const metadata = await runProcess('kcat', ['-b', info.kafkaListener!, '-L', '-t', 'many']);
    expect(metadata.code, metadata.stderr).toBe(0);
    expect(metadata.stdout).toContain(`topic "many" with ${PARTITIONS} partitions`);

    const consumed = await runProcess('kcat', [
      '-b',
      info.kafkaListener!,
      '-C',
      '-t',
      'many',
      '-p',
      '2',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%o %s\n',
    ]);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.trim().split('\n')).toEqual(
      Array.from({ length: RECORDS }, (_, i) => `${i} p2-${i}`),
    );
    // The other partitions still wait: partition 2 loaded because it was read (`read` loads
    // when the metrics sampler asks for its group's lag).
    const after = await storageHealthOnce(api);
    const manyPending = (h: typeof after) =>
      h.loading!.pending.filter((n) => n.startsWith('many-')).sort();
    expect(manyPending(after)).toEqual(manyPending(before).filter((n) => n !== 'many-2'));
    expect(after.loading!.pending).toContain('many-0');

    // What a user sees of partitions not loaded yet: the real figures, never 0.
    const offsets = await runProcess('kcat', ['-b', info.kafkaListener!, '-Q', '-t', 'many:3:-1']);
    expect(offsets.code, offsets.stderr).toBe(0);
    expect(offsets.stdout).toContain(`many [3] offset ${RECORDS}`);
    const group = await api.call('groups.describe', { groupId: 'readers' });
    expect(group.partitions.map((p) => [p.partition, p.logEndOffset, p.lag])).toEqual([
      [0, RECORDS, RECORDS - 5],
      [1, RECORDS, RECORDS - 5],
    ]);

    // A clean stop does not wait for the loads, and leaves every partition as it was.
    expect(await stopLogdock(run)).toBe(0);
    run = null;
    const again = await openBroker({ dataDir, scrub: false });
    try {
      for (let p = 0; p < PARTITIONS; p++)
        expect(again.describeTopic('many').partitions[p].logEndOffset).toBe(RECORDS);
    } finally {
      await again.close();
    }
  });
});
