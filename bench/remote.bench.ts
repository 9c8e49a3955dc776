/**
 * Remote cluster benchmark (`npm run bench remote`): one Logdock (the viewer) on a topic held
 * by a second Logdock, reached as a remote Kafka cluster over loopback, beside the second
 * Logdock's own (local) view of the same topic and grep on the same lines, in the same run.
 * The topic: 10 M lines written by kcat (remote-data.ts; BENCH_QUICK=1: 1 M), made once under
 * /tmp and reused. Through the real path: Chromium against headless mode for seeks, the
 * WebSocket API for search. Prints:
 *  1. seek by offset and by time → first rows painted (p50/max), remote and local;
 *  2. search ignoring case (the UI's default), remote and local, beside `grep -ci` on the
 *     same lines exported to a file, best of 3 each (a needle with hits, one without);
 *  3. first, the shipping figure (./remote-shipping.ts).
 * BENCH_REMOTE=shipping runs only 3, BENCH_REMOTE=browse only 1 and 2, =search only 2.
 */
import { spawnSync } from 'node:child_process';
import type { ApiClient } from '../src/common/api/contract';
import { startApp, waitFor, type RunningApp } from '../test/e2e/harness';
import { best } from './fixtures/best';
import { prepareRemoteData, REMOTE_COUNT, REMOTE_TOPIC } from './remote-data';
import { shippingBench } from './remote-shipping';
import { localTime, stats, timeSeek } from './ui.bench';

const COUNT = REMOTE_COUNT;
const TOPIC = REMOTE_TOPIC;

/** The offsets seeked to: spread over the topic, none in a window already loaded. */
const spread = (k: number, shift: number) =>
  (Math.floor(((k + 0.5) / 10) * (COUNT - 1)) + k + shift) % COUNT;

async function openTopic(app: RunningApp, prefix: string): Promise<void> {
  const page = app.page;
  // tsx names functions with an `__name` helper that does not exist in the page.
  await page.addInitScript('globalThis.__name = (f) => f');
  await page.goto(`${app.origin}/#${prefix}/topics/${TOPIC}?partition=0&offset=0`);
  await page.evaluate('globalThis.__name = (f) => f');
  await waitFor(
    () => page.locator('[data-testid="msg-row"][data-offset="0"]').count(),
    'the first row',
    120_000,
  );
  await timeSeek(app, 'offset', String(Math.floor(COUNT / 3)), Math.floor(COUNT / 3)); // warm-up
}

async function seekByOffset(app: RunningApp): Promise<number[]> {
  const samples: number[] = [];
  for (let k = 0; k < 10; k++)
    samples.push(await timeSeek(app, 'offset', String(spread(k, 0)), spread(k, 0)));
  return samples;
}

/**
 * The times to seek to (message timestamps, set by kcat when producing) and the row each
 * lands on: the first message of that millisecond, as the holder's own API locates it.
 */
async function timeTargets(holder: RunningApp): Promise<{ time: string; row: number }[]> {
  const targets: { time: string; row: number }[] = [];
  for (let k = 0; k < 10; k++) {
    const m = await holder.api.call('messages.get', {
      topic: TOPIC,
      partition: 0,
      offset: spread(k, Math.floor(COUNT / 20)),
      previewBytes: 16,
    });
    const at = await holder.api.call('messages.locate', {
      topic: TOPIC,
      partitions: [0],
      target: { kind: 'timestamp', timestamp: m.timestamp },
    });
    targets.push({ time: localTime(m.timestamp), row: at.index });
  }
  return targets;
}

async function seekByTime(app: RunningApp, targets: { time: string; row: number }[]) {
  const samples: number[] = [];
  for (const t of targets) samples.push(await timeSeek(app, 'time', t.time, t.row));
  return samples;
}

function search(api: ApiClient, cluster: string, text: string) {
  return new Promise<{ ms: number; hits: number; scanned: number }>((resolve, reject) => {
    let hits = 0;
    const started = performance.now();
    const stop = api.subscribe(
      'messages.search',
      { cluster, topic: TOPIC, query: { text, caseSensitive: false }, maxResults: 100_000 },
      (e) => {
        if (e.type === 'hits') hits += e.hits.length;
        if (e.type === 'done') {
          stop();
          resolve({ ms: performance.now() - started, hits, scanned: e.scanned });
        }
        if (e.type === 'error') reject(new Error(e.message));
      },
      (err) => reject(new Error(err.message)),
    );
  });
}

function grep(text: string, file: string) {
  const started = performance.now();
  const res = spawnSync('grep', ['-ci', text, file], { encoding: 'utf8' });
  return { ms: performance.now() - started, hits: Number(res.stdout.trim()) };
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function searches(viewer: RunningApp, holder: RunningApp, textFile: string) {
  for (const text of ['USER=U5 get', 'No-Such-Needle']) {
    // Alternating, so that each side meets the page cache as warm as the other.
    const theirs = await best(() => grep(text, textFile));
    const remote = await best(() => search(viewer.api, 'second', text));
    const local = await best(() => search(holder.api, 'local', text));
    const rate = (r: { ms: number }) =>
      `${Math.round((COUNT * 1000) / r.ms).toLocaleString('en-US')} msg/s`;
    console.log(`search ${JSON.stringify(text)} ignoring case, best of 3:`);
    console.log(
      `  remote over loopback: ${secs(remote.ms)} (${remote.hits} hits, ${remote.scanned.toLocaleString('en-US')} scanned, ${rate(remote)}): ${(theirs.ms / remote.ms).toFixed(2)}x grep's speed (target ≥ 0.2x)`,
    );
    console.log(
      `  local on the second Logdock (peer): ${secs(local.ms)} (${local.hits} hits, ${rate(local)}): ${(theirs.ms / local.ms).toFixed(2)}x grep's speed`,
    );
    console.log(
      `  grep -ci on the same lines (peer): ${secs(theirs.ms)} (${theirs.hits} lines, ${rate(theirs)})`,
    );
  }
}

export async function run(): Promise<void> {
  const mode = process.env.BENCH_REMOTE ?? 'all';
  if (mode === 'all' || mode === 'shipping') await shippingBench();
  if (mode === 'shipping') return;
  const data = await prepareRemoteData();
  const holder = await startApp({ dataDir: data.dataDir });
  const viewer = await startApp();
  try {
    const listener = (await holder.api.call('system.info', {})).kafkaListener;
    if (!listener) throw new Error('the second Logdock has no Kafka listener');
    await viewer.api.call('clusters.add', { name: 'second', bootstrapServers: [listener] });
    console.log(
      `topic ${TOPIC}: ${COUNT.toLocaleString('en-US')} messages written by kcat, 1 partition, held by a second Logdock`,
    );
    if (mode !== 'search') {
      const targets = await timeTargets(holder);
      await openTopic(viewer, '/c/second');
      await openTopic(holder, '');
      const remote = {
        offset: await seekByOffset(viewer),
        time: await seekByTime(viewer, targets),
      };
      const local = { offset: await seekByOffset(holder), time: await seekByTime(holder, targets) };
      console.log(
        `seek by offset → first rows painted, remote over loopback: ${stats(remote.offset)} (target p50 < 150 ms)`,
      );
      console.log(`                                     local (peer): ${stats(local.offset)}`);
      console.log(
        `seek by time → first rows painted, remote over loopback: ${stats(remote.time)} (target p50 < 150 ms)`,
      );
      console.log(`                                   local (peer): ${stats(local.time)}`);
    }
    await searches(viewer, holder, data.textFile);
  } finally {
    await viewer.close();
    await holder.close();
  }
}
