/**
 * `npm run bench scale` (issue 18): a year of a workstation's logs. Builds or reuses the
 * large data dir (bench/scale/build-data.ts: 200 topics, 2,000 partitions, 20 GB of real
 * batches, 100 groups; LOGDOCK_SCALE_GB for a smaller one, LOGDOCK_SCALE_DIR for where),
 * then measures through the real path — `logdock serve` as a user runs it, its WebSocket
 * API and Kafka listener, kcat — with a peer beside each figure from the same run:
 *
 * - start to the printed address after a clean shutdown and after a SIGKILL mid-write
 *   (kcat producing; garbage appended to tails), and how long background recovery runs
 *   (beside `find` walking the same dir and `cat` of what recovery reads);
 * - main-process RSS idle and while searching the big topic (beside `grep -c` and `cat`
 *   of the same segment files), open descriptors after it;
 * - the longest event-loop stall while a retention pass runs over every partition
 *   (perf_hooks monitorEventLoopDelay in a process holding the broker).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import {
  createWebSocketClient,
  type WebSocketApiClient,
  type WebSocketConstructor,
} from '../src/common/transport/websocket-client';
import { openBroker } from '../src/main/broker';
import { readApiFile } from '../src/main/headless/api-file';
import { silentLogger } from '../src/main/logger';
import { BIG_TOPIC, ensureScaleData } from './scale/build-data';
// @ts-expect-error: a plain .mjs helper of the launcher, without types
import { newestMtime } from '../bin/freshness.mjs';

const ROOT = join(import.meta.dirname, '..');
const say = (line: string): void => console.log(line);
/** Every child started, killed at the end whatever happens (a failed run leaves none). */
const children = new Set<ChildProcess>();
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

interface Served {
  child: ChildProcess;
  startMs: number;
  api: WebSocketApiClient;
  kafka: string;
  err: () => string;
}

function timed(cmd: string, args: string[]): { ms: number; stdout: string } {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  return { ms: performance.now() - t, stdout: r.stdout ?? '' };
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

function fdsOf(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** `logdock serve` on `dataDir` through bin/logdock.mjs; resolves once it printed its address. */
async function serve(dataDir: string): Promise<Served> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/logdock.mjs'),
      'serve',
      '--data-dir',
      dataDir,
      '--http-port',
      '0',
      '--kafka-port',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  while (!/Open http\S+\n/.test(out)) {
    if (child.exitCode !== null) throw new Error(`logdock serve exited:\n${err}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const startMs = performance.now() - started;
  const file = (await readApiFile(dataDir))!;
  const api = createWebSocketClient({
    url: file.url,
    token: file.token,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: false,
  });
  const info = await api.call('system.info', {});
  return { child, startMs, api, kafka: info.kafkaListener!, err: () => err };
}

async function stop(s: Served, signal: NodeJS.Signals): Promise<number> {
  s.api.close();
  const t = performance.now();
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill(signal);
  await exited;
  return performance.now() - t;
}

function recoveryState(api: WebSocketApiClient): Promise<{ total: number; done: number } | null> {
  return new Promise((resolve, reject) => {
    const off = api.subscribe(
      'system.storage',
      {},
      (h) => {
        off();
        resolve(h.recovery ?? null);
      },
      (e) => reject(new Error(e.message)),
    );
  });
}

/** Searches the big topic through the API; samples the server's RSS meanwhile. */
function search(
  s: Served,
  text: string,
): Promise<{ ms: number; hits: number; scanned: number; maxRss: number }> {
  return new Promise((resolve, reject) => {
    let maxRss = 0;
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssOf(s.child.pid!))), 50);
    const t = performance.now();
    let hits = 0;
    const off = s.api.subscribe(
      'messages.search',
      { topic: BIG_TOPIC, query: { text, caseSensitive: true }, maxResults: 100_000 },
      (e) => {
        if (e.type === 'hits') hits += e.hits.length;
        if (e.type === 'done') {
          off();
          clearInterval(sampler);
          resolve({ ms: performance.now() - t, hits, scanned: e.scanned, maxRss });
        }
        if (e.type === 'error') reject(new Error(e.message));
      },
      (e) => reject(new Error(e.message)),
    );
  });
}

async function segmentFiles(dataDir: string, topicPrefix: string): Promise<string[]> {
  const dirs = (await readdir(dataDir)).filter((d) => d.startsWith(topicPrefix));
  const files: string[] = [];
  for (const d of dirs)
    for (const f of await readdir(join(dataDir, d)))
      if (f.endsWith('.log')) files.push(join(dataDir, d, f));
  return files;
}

/** Runs kcat producers into the big topic and two small ones until killed. */
async function producers(kafka: string, dir: string): Promise<ChildProcess[]> {
  const file = join(dir, 'crash-lines.txt');
  await writeFile(
    file,
    Array.from(
      { length: 20_000 },
      (_, i) => `2026-05-01T10:00:00Z INFO crash-test req=${i} ${'x'.repeat(100)}\n`,
    ).join(''),
  );
  return [BIG_TOPIC, 'svc-001', 'svc-050'].map((topic) => {
    const child = spawn(
      'sh',
      ['-c', `while true; do cat ${file}; done | kcat -P -b ${kafka} -t ${topic}`],
      { stdio: 'ignore', detached: true },
    );
    children.add(child);
    return child;
  });
}

async function measureStarts(dataDir: string): Promise<void> {
  const find = timed('find', [dataDir, '-type', 'f']);
  const files = find.stdout.split('\n').length - 1;
  const du = timed('du', ['-sb', dataDir]);
  say(
    `peers: find walks the dir (${files.toLocaleString('en')} files) in ${secs(find.ms)}; du -sb in ${secs(du.ms)}`,
  );

  // A first start settles what the build left (and warms the page cache like a reboot does not).
  const first = await serve(dataDir);
  await stop(first, 'SIGTERM');
  const clean = await serve(dataDir);
  say(`serve after a clean shutdown: address printed in ${secs(clean.startMs)} (target < 2 s)`);
  await new Promise((r) => setTimeout(r, 5000));
  say(
    `idle 5 s later: RSS ${mb(rssOf(clean.child.pid!))} (target < 300 MB), ${fdsOf(clean.child.pid!)} open descriptors`,
  );
  const lists: number[] = [];
  let count = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    count = (await clean.api.call('topics.list', {})).topics.length;
    lists.push(performance.now() - t);
  }
  lists.sort((a, b) => a - b);
  say(
    `topics.list over ${count} topics (2,000 partitions), 5 calls: fastest ${lists[0].toFixed(1)} ms, median ${lists[2].toFixed(1)} ms`,
  );

  const segs = await segmentFiles(dataDir, `${BIG_TOPIC}-`);
  const cat = timed('sh', ['-c', `cat ${segs.join(' ')} > /dev/null`]);
  const grep = timed('sh', ['-c', `cat ${segs.join(' ')} | grep -a -c 'req=5000100 '`]);
  const found = await search(clean, 'req=5000100 ');
  const bytes = segs.reduce(
    (n, f) => n + Number(spawnSync('stat', ['-c', '%s', f], { encoding: 'utf8' }).stdout),
    0,
  );
  say(
    `search ${BIG_TOPIC} (${mb(bytes)}, ${found.scanned.toLocaleString('en')} messages) through the API: ${secs(found.ms)}, ` +
      `${found.hits} hits, server RSS at most ${mb(found.maxRss)} (target < 500 MB); ` +
      `peers: cat of its segments ${secs(cat.ms)}, grep -a -c on them ${secs(grep.ms)} (${grep.stdout.trim()} lines)`,
  );
  say(
    `after the search: ${fdsOf(clean.child.pid!)} open descriptors (segment files bounded by maxOpenSegmentFiles 512)`,
  );

  // Crash mid-write: kcat producing into three topics, then SIGKILL.
  const kcats = await producers(clean.kafka, join(dataDir, '..'));
  await new Promise((r) => setTimeout(r, 5000));
  await stop(clean, 'SIGKILL');
  for (const k of kcats) process.kill(-k.pid!, 'SIGKILL');
  const damaged: string[] = [];
  for (const topic of ['svc-001', 'svc-050']) {
    const tails = (await segmentFiles(dataDir, `${topic}-`)).sort();
    const tail = tails[tails.length - 1];
    await appendFile(tail, Buffer.alloc(4096, 0xab));
    damaged.push(tail);
  }
  const partitionDirs = (await readdir(dataDir)).filter((d) => /-\d+$/.test(d));
  const marked = await Promise.all(
    partitionDirs.map(async (d) => (await readdir(join(dataDir, d))).includes('.clean-shutdown')),
  );
  const dirty = partitionDirs.filter((_, i) => !marked[i]);
  const crashed = await serve(dataDir);
  const recStart = performance.now();
  const during = await recoveryState(crashed.api);
  let state = during;
  while (state) {
    await new Promise((r) => setTimeout(r, 20));
    state = await recoveryState(crashed.api);
  }
  const recoveryMs = performance.now() - recStart;
  say(
    `serve after a SIGKILL mid-write (${dirty.length} partitions without a clean marker, 2 with garbage in their tail): ` +
      `address printed in ${secs(crashed.startMs)} (target < 5 s); ` +
      `background recovery ${during ? `of ${during.total} partitions (${during.done} done when first asked)` : 'already done when first asked'}, ` +
      `finished ${secs(recoveryMs)} after the address`,
  );
  const truncated = crashed.err().match(/recovered \S+: dropped \d+ bytes/g) ?? [];
  say(`  ${truncated.join('; ') || 'no bytes dropped'}`);
  await stop(crashed, 'SIGTERM');
}

/** Event-loop delay (max, p99 in ms) while `work` runs, sampled every millisecond. */
async function loopDelay(
  work: () => Promise<unknown>,
): Promise<{ ms: number; max: number; p99: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t = performance.now();
  await work();
  const ms = performance.now() - t;
  h.disable();
  return { ms, max: h.max / 1e6, p99: h.percentile(99) / 1e6 };
}

/**
 * The longest event-loop stall while a retention pass (the one the interval runs: retention
 * everywhere, compaction where due) goes over every partition, the first (which loads every
 * sealed segment's timestamps) and a second; beside the same process idle for as long,
 * which shows what this shared machine's scheduling alone costs.
 */
async function measureRetention(dataDir: string): Promise<void> {
  const broker = await openBroker({ dataDir, logger: silentLogger, scrub: false });
  try {
    const partitions = broker
      .listTopics({ includeInternal: true })
      .reduce((n, t) => n + t.partitions.length, 0);
    const line = (d: { max: number; p99: number }): string =>
      `max ${d.max.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms`;
    const first = await loopDelay(() => broker.runMaintenance({ force: false }));
    const idle = await loopDelay(() => new Promise((r) => setTimeout(r, first.ms)));
    const second = await loopDelay(() => broker.runMaintenance({ force: false }));
    say(
      `retention pass over ${partitions} partitions: first ${secs(first.ms)}, event loop delay ${line(first)}; ` +
        `second ${secs(second.ms)}, ${line(second)} (target max < 20 ms); ` +
        `peer: the same process idle for ${secs(first.ms)}: ${line(idle)}; RSS after ${mb(process.memoryUsage().rss)}`,
    );
  } finally {
    await broker.close();
  }
}

export async function run(): Promise<void> {
  const data = await ensureScaleData(say);
  if (!data) return;
  const built = join(ROOT, 'out/main/cli.js');
  say(
    existsSync(built) && newestMtime(built) >= newestMtime(join(ROOT, 'src'))
      ? 'serve runs the built bundle (out/main/cli.js)'
      : 'serve runs the sources through tsx (slower to start; `npm run build` first for the figures a user sees)',
  );
  say(`data dir ${data.dataDir}: ${mb(data.bytes)} of batches`);
  try {
    await measureStarts(data.dataDir);
    await measureRetention(data.dataDir);
  } finally {
    for (const child of children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      try {
        process.kill(-child.pid!, 'SIGKILL'); // a producer's shell and kcat
      } catch {
        child.kill('SIGKILL');
      }
    }
  }
}
