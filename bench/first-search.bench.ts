/**
 * First-search benchmark (`npm run bench first-search`): what the first search after a start
 * costs the server's main thread. `logdock serve` (this checkout's bin/logdock.mjs, the built
 * bundle when fresh) is started on a copy of the search bench's kept data
 * (/tmp/logdock-bench-search-<N>, 10 M messages written by kcat; `npm run bench search --
 * --messages 10000000` makes it; BENCH_FIRST_SEARCH_DIR names another), so that the original
 * is never written to. Once its partitions are loaded, the search bench's case-insensitive
 * text search runs through the WebSocket API twice: the first reads every batch for the first
 * time in the process (their CRCs are checked then), the second reads them again. A probe
 * loaded into the server (fixtures/loop-probe.mjs) gives its main thread's CPU time during
 * each search, its longest turn and the event-loop delay; `grep -ci` on the same lines is the
 * peer. BENCH_FIRST_SEARCH_OTHER=<checkout> runs another checkout's server too, alternately
 * with this one (before/after a change); BENCH_FIRST_SEARCH_ROUNDS rounds (default 2).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import {
  createWebSocketClient,
  type WebSocketApiClient,
  type WebSocketConstructor,
} from '../src/common/transport/websocket-client';
import { readApiFile } from '../src/main/headless/api-file';
import { killChild, track } from './fixtures/children';
import { waitFor } from '../test/e2e/harness';
import { serveArgs } from '../test/main/cli/commands/serve-process';

const ROOT = join(import.meta.dirname, '..');
const SOURCE =
  process.env.BENCH_FIRST_SEARCH_DIR ?? join(tmpdir(), 'logdock-bench-search-10000000');
const TOPIC = 'search-bench';
const TEXT = 'USER=U5 get';
const ROUNDS = Number(process.env.BENCH_FIRST_SEARCH_ROUNDS ?? 2);

interface Probe {
  cpuMs: number;
  maxTurnCpuMs: number;
  delayMaxMs: number;
  delayP99Ms: number;
  utilization: number;
}

interface Server {
  child: ChildProcess;
  api: WebSocketApiClient;
  probeFile: string;
}

async function serve(root: string, dataDir: string, probeFile: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      join(ROOT, 'bench/fixtures/loop-probe.mjs'),
      join(root, 'bin/logdock.mjs'),
      'serve',
      ...serveArgs(dataDir),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOOP_PROBE_FILE: probeFile } },
  );
  track(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', () => {});
  await waitFor(() => /Open http\S+\n/.test(out) || child.exitCode !== null, 'serve address');
  if (child.exitCode !== null) throw new Error(`logdock serve exited: ${out}`);
  const file = (await readApiFile(dataDir))!;
  const api = createWebSocketClient({
    url: file.url,
    token: file.token,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    reconnect: false,
  });
  // Partitions load in the background: the search should not wait for them.
  await waitFor(async () => (await storage(api)).loading == null, 'the partitions loaded');
  await new Promise((r) => setTimeout(r, 2000)); // the worker pool warms a second after start
  return { child, api, probeFile };
}

/** The server's storage health (system.storage's first event). */
function storage(api: WebSocketApiClient): Promise<{ loading?: unknown }> {
  return new Promise((resolve, reject) => {
    const off = api.subscribe(
      'system.storage',
      {},
      (h) => {
        off();
        resolve(h);
      },
      (e) => reject(new Error(e.message)),
    );
  });
}

function search(api: WebSocketApiClient): Promise<{ ms: number; hits: number }> {
  return new Promise((resolve, reject) => {
    let hits = 0;
    const t = performance.now();
    const off = api.subscribe(
      'messages.search',
      { topic: TOPIC, query: { text: TEXT, caseSensitive: false }, maxResults: 100_000 },
      (e) => {
        if (e.type === 'hits') hits += e.hits.length;
        if (e.type === 'done') {
          off();
          resolve({ ms: performance.now() - t, hits });
        }
        if (e.type === 'error') reject(new Error(e.message));
      },
      (e) => reject(new Error(e.message)),
    );
  });
}

/** A search with the server's probe running around it. */
async function probed(s: Server): Promise<{ ms: number; hits: number; probe: Probe }> {
  await rm(s.probeFile, { force: true });
  s.child.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 50));
  const found = await search(s.api);
  s.child.kill('SIGUSR2');
  await waitFor(() => existsSync(s.probeFile), 'the probe figures');
  return { ...found, probe: JSON.parse(await readFile(s.probeFile, 'utf8')) as Probe };
}

async function stop(s: Server): Promise<void> {
  s.api.close();
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  const timer = setTimeout(() => killChild(s.child), 30_000);
  await exited;
  clearTimeout(timer);
}

const line = (label: string, r: { ms: number; hits: number; probe: Probe }) =>
  `${label}: ${(r.ms / 1000).toFixed(2)} s (${r.hits} hits); main thread ${(r.probe.cpuMs / 1000).toFixed(2)} s of CPU ` +
  `(utilization ${(r.probe.utilization * 100).toFixed(0)}%), longest turn ${r.probe.maxTurnCpuMs.toFixed(1)} ms of CPU, ` +
  `event-loop delay max ${r.probe.delayMaxMs.toFixed(1)} ms, p99 ${r.probe.delayP99Ms.toFixed(1)} ms`;

export async function run(): Promise<void> {
  if (!existsSync(join(SOURCE, 'ready'))) {
    console.log(
      `first-search: no data in ${SOURCE} (npm run bench search -- --messages 10000000): skipped`,
    );
    return;
  }
  const work = await mkdtemp(join(tmpdir(), 'logdock-bench-first-search-'));
  try {
    const dataDir = join(work, 'data');
    await cp(join(SOURCE, 'data'), dataDir, {
      recursive: true,
      filter: (src) => !src.endsWith('.lock'),
    });
    const roots = [{ label: 'this checkout', root: ROOT }];
    const other = process.env.BENCH_FIRST_SEARCH_OTHER;
    if (other) roots.unshift({ label: `other (${other})`, root: other });
    console.log(
      `first search after a start of logdock serve on a copy of ${SOURCE}: ${JSON.stringify(TEXT)} ignoring case, then the same again`,
    );
    for (let round = 1; round <= ROUNDS; round++) {
      for (const { label, root } of roots) {
        const s = await serve(root, dataDir, join(work, 'probe.json'));
        try {
          const first = await probed(s);
          const second = await probed(s);
          const t = performance.now();
          const grep = spawnSync('grep', ['-ci', TEXT, join(SOURCE, 'lines.txt')], {
            encoding: 'utf8',
          });
          const grepMs = performance.now() - t;
          console.log(`round ${round}, ${label}`);
          console.log(`  ${line('first search ', first)}`);
          console.log(`  ${line('second search', second)}`);
          console.log(
            `  peer: grep -ci on the same lines ${(grepMs / 1000).toFixed(2)} s (${grep.stdout.trim()})`,
          );
        } finally {
          await stop(s);
        }
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
