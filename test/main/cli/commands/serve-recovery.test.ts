import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebSocketApiClient } from '../../../../src/common/transport/websocket-client';
import { runChildUntil } from '../../../child-until';
import { waitFor } from '../../../wait';
import { runProcess } from '../../protocol/helpers';
import {
  connectApi,
  serveArgs,
  storageHealthOnce,
  spawnLogdock,
  stopLogdock,
  waitForUrl,
  type LogdockProcess,
} from './serve-process';

const writer = fileURLToPath(new URL('./fixtures/recovery-writer.ts', import.meta.url));
const PARTITIONS = 6;

/** Runs the writer child until READY, then SIGKILLs it mid-write; returns records acked per partition. */
async function killWriterMidWrite(dataDir: string): Promise<number> {
  const out = await runChildUntil({
    args: ['--import', 'tsx', writer, dataDir],
    marker: 'READY',
    what: 'the writer',
    timeoutMs: 60_000,
  });
  const acked = [...out.matchAll(/ACKED (\d+)\n/g)].map((m) => Number(m[1]));
  return acked[acked.length - 1];
}

describe('logdock serve after a SIGKILL', () => {
  let dataDir: string;
  let run: LogdockProcess | null = null;
  let api: WebSocketApiClient | null = null;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'logdock-recovery-'));
  });

  afterEach(async () => {
    api?.close();
    if (run) await stopLogdock(run);
    run = api = null;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers the API and the Kafka listener while partitions recover in the background, then serves every record written before the damage', async () => {
    const acked = await killWriterMidWrite(dataDir);
    // Garbage after the last batch of one partition, as a torn write leaves it.
    const dir0 = join(dataDir, 'rec-0');
    const tail = (await readdir(dir0))
      .filter((n) => n.endsWith('.log'))
      .sort()
      .at(-1)!;
    await appendFile(join(dir0, tail), Buffer.alloc(333, 0xab));

    // Each partition of `rec` waits for its recovery scan until the gate file exists, so that a loaded
    // machine's slow start and API connection cannot let recovery end unseen (with a pause
    // of 4 s a scan, a CI run at load ~17 once waited for it in vain).
    const gate = join(dataDir, 'recovery-gate');
    run = spawnLogdock(['serve', ...serveArgs(dataDir)], {
      env: { ...process.env, LOGDOCK_TEST_RECOVERY_GATE: `rec:${gate}` },
    });
    await waitForUrl(run);
    api = await connectApi(dataDir);
    // Partitions load in the background, then those that need it recover (~6 s here): the API
    // reports the recovery under way, and answers meanwhile.
    const health = await waitFor(
      async () => {
        const h = await storageHealthOnce(api!);
        return h.recovery && h.recovery.done < h.recovery.total ? h : null;
      },
      'recovery to be reported under way',
      { timeoutMs: 60_000 },
    );
    expect(health.recovery!.done).toBeLessThan(health.recovery!.total);
    const info = await api.call('system.info', {});
    // The Kafka listener answers (ApiVersions, Metadata) during recovery too.
    const metadata = await runProcess('kcat', ['-b', info.kafkaListener!, '-L', '-t', 'rec']);
    expect(metadata.code, metadata.stderr).toBe(0);
    expect(metadata.stdout).toContain(`topic "rec" with ${PARTITIONS} partitions`);
    const topics = await api.call('topics.list', {});
    expect(topics.topics.map((t) => t.name)).toContain('rec');
    await writeFile(gate, '');

    await waitFor(async () => !(await storageHealthOnce(api!)).recovery, 'recovery to finish', {
      timeoutMs: 60_000,
      retryOnError: true,
    });
    // The garbage, and the batch the kill tore if it landed in an append to rec-0 (Linux stops
    // a large write() between pages on SIGKILL): never a record acknowledged, checked below.
    const dropped = /recovered rec-0: dropped (\d+) bytes/.exec(run.err());
    expect(dropped, run.err()).not.toBeNull();
    expect(Number(dropped![1])).toBeGreaterThanOrEqual(333);
    // Every record acknowledged before the kill is there, in order, in every partition.
    for (let p = 0; p < PARTITIONS; p++) {
      const consumed = await runProcess('kcat', [
        '-b',
        info.kafkaListener!,
        '-C',
        '-t',
        'rec',
        '-p',
        String(p),
        '-o',
        'beginning',
        '-e',
        '-q',
        '-f',
        '%s\n',
      ]);
      expect(consumed.code, consumed.stderr).toBe(0);
      const values = consumed.stdout
        .trim()
        .split('\n')
        .map((v) => v.split(':', 2).join(':'));
      expect(values.length).toBeGreaterThanOrEqual(acked);
      // Numbered from 0 without a gap (records past the last ack may be there too).
      expect(values).toEqual(values.map((_, i) => `${p}:${i}`));
    }
    // Far beyond its usual 20 s: a wait that runs out names itself before the test times out.
  }, 240_000);
});
