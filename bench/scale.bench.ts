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
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { WebSocketApiClient } from '../src/common/transport/websocket-client';
import {
  connectApi,
  serveArgs,
  spawnLogdock,
  waitForUrl,
} from '../test/main/cli/commands/serve-process';
import { BIG_TOPIC, ensureScaleData } from './scale/build-data';
import { missing, mb, ms, perSec, printSummary, secs, times, type Row } from './scale/summary';
import { killAll, killChild, track } from './fixtures/children';
import { measureKafka } from './protocol.bench';
import { measureTail } from './collectors.bench';
import { measureSearch } from './search.bench';
import { measureProduce } from './cli.bench';
import { measureLoop } from './loop.bench';
import { soak } from './soak.bench';
import type { RetentionFigures } from './scale/retention-pass';
// @ts-expect-error: a plain .mjs helper of the launcher, without types
import { newestMtime } from '../bin/freshness.mjs';

const ROOT = join(import.meta.dirname, '..');
const say = (line: string): void => console.log(line);

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
  const run = spawnLogdock(['serve', ...serveArgs(dataDir)], { detached: true });
  track(run.child, true);
  // Polled every 5 ms: the time to the address is one of the figures.
  await waitForUrl(run, 600_000, 5);
  const startMs = performance.now() - started;
  const api = await connectApi(dataDir);
  const info = await api.call('system.info', {});
  return { child: run.child, startMs, api, kafka: info.kafkaListener!, err: run.err };
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
    return track(child, true);
  });
}

interface StartFigures {
  findMs: number;
  cleanMs: number;
  crashMs: number;
  idleRss: number;
  idleFds: number;
  search: { ms: number; maxRss: number; bytes: number; grepMs: number; catMs: number };
  searchFds: number;
}

async function measureStarts(dataDir: string): Promise<StartFigures> {
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
  const idleRss = rssOf(clean.child.pid!);
  const idleFds = fdsOf(clean.child.pid!);
  say(`idle 5 s later: RSS ${mb(idleRss)} (target < 300 MB), ${idleFds} open descriptors`);
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
  const searchFds = fdsOf(clean.child.pid!);
  say(
    `after the search: ${searchFds} open descriptors (segment files bounded by maxOpenSegmentFiles 512)`,
  );

  // Crash mid-write: kcat producing into three topics, then SIGKILL.
  const kcats = await producers(clean.kafka, join(dataDir, '..'));
  await new Promise((r) => setTimeout(r, 5000));
  await stop(clean, 'SIGKILL');
  for (const k of kcats) killChild(k);
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
  return {
    findMs: find.ms,
    cleanMs: clean.startMs,
    crashMs: crashed.startMs,
    idleRss,
    idleFds,
    search: { ms: found.ms, maxRss: found.maxRss, bytes, grepMs: grep.ms, catMs: cat.ms },
    searchFds,
  };
}

/**
 * The longest event-loop stall while a retention pass (the one the interval runs: retention
 * everywhere, compaction where due) goes over every partition, the first (which loads every
 * sealed segment's timestamps) and a second; beside the same process idle for as long,
 * which shows what this shared machine's scheduling alone costs. `longest turn ... of CPU`
 * is the most CPU the main thread used in one turn (fixtures/loop-stalls.ts): the pass's own
 * synchronous work, apart from waiting for a core or for GC helper threads.
 */
/** The retention stall, measured in a child process of its own (scale/retention-pass.ts). */
function measureRetention(dataDir: string): RetentionFigures {
  const script = join(ROOT, 'bench/scale/retention-pass.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, dataDir], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{'))
    throw new Error(`retention pass failed (${r.status}): ${(r.stderr ?? '').slice(-2000)}`);
  const figures = JSON.parse(last) as RetentionFigures;
  say(figures.line);
  return figures;
}

/** The sections, in order; BENCH_SCALE_PART=kafka,search (comma-separated) runs only those. */
const PARTS = ['data', 'kafka', 'tail', 'search', 'cli', 'loop', 'soak'] as const;
type Part = (typeof PARTS)[number];

function wantedParts(): Set<Part> {
  const asked = process.env.BENCH_SCALE_PART?.split(',').map((p) => p.trim());
  if (!asked) return new Set(PARTS);
  const unknown = asked.filter((p) => !PARTS.includes(p as Part));
  if (unknown.length)
    throw new Error(`BENCH_SCALE_PART: unknown ${unknown.join(', ')} (${PARTS.join(', ')})`);
  return new Set(asked as Part[]);
}

const quick = process.env.BENCH_QUICK === '1';
/** The umbrella's soak is short unless asked (the 30-minute one: `npm run bench soak`). */
const SOAK_MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? (quick ? 1 : 5));

/** The large data dir's figures: starts, RSS, descriptors, the retention stall. */
async function dataRows(): Promise<Row[]> {
  const targets = ['< 2 s', '< 5 s', '< 300 MB', '< 500 MB', 'bounded (< 1,024)', 'max < 20 ms'];
  const names = [
    'serve: address after a clean shutdown',
    'serve: address after a SIGKILL mid-write',
    'main-process RSS, idle',
    `main-process RSS while searching ${BIG_TOPIC}`,
    'open descriptors, idle / after that search',
    'event-loop stall during a retention pass over every partition',
  ];
  const data = await ensureScaleData(say);
  if (!data) return names.map((n, i) => missing(n, targets[i], 'no data dir (disk)'));
  const built = join(ROOT, 'out/main/cli.js');
  say(
    existsSync(built) && newestMtime(built) >= newestMtime(join(ROOT, 'src'))
      ? 'serve runs the built bundle (out/main/cli.js)'
      : 'serve runs the sources through tsx (slower to start; `npm run build` first for the figures a user sees)',
  );
  say(`data dir ${data.dataDir}: ${mb(data.bytes)} of batches`);
  const f = await measureStarts(data.dataDir);
  const r = measureRetention(data.dataDir);
  const find = `find walks the dir in ${secs(f.findMs)}`;
  return [
    {
      figure: names[0],
      value: secs(f.cleanMs),
      peer: find,
      ratio: '',
      target: targets[0],
      met: f.cleanMs < 2000,
    },
    {
      figure: names[1],
      value: secs(f.crashMs),
      peer: find,
      ratio: '',
      target: targets[1],
      met: f.crashMs < 5000,
    },
    {
      figure: names[2],
      value: mb(f.idleRss),
      peer: '',
      ratio: '',
      target: targets[2],
      met: f.idleRss < 300e6,
    },
    {
      figure: `${names[3]} (${mb(f.search.bytes)})`,
      value: `${mb(f.search.maxRss)}; search ${secs(f.search.ms)}`,
      peer: `grep -a -c on its segments ${secs(f.search.grepMs)}`,
      ratio: times(f.search.grepMs / f.search.ms),
      target: targets[3],
      met: f.search.maxRss < 500e6,
    },
    {
      figure: names[4],
      value: `${f.idleFds} / ${f.searchFds}`,
      peer: 'maxOpenSegmentFiles 512',
      ratio: '',
      target: targets[4],
      met: Math.max(f.idleFds, f.searchFds) < 1024,
    },
    {
      figure: names[5],
      value: `${ms(r.max)}${r.turnCpu === null ? '' : ` (longest turn ${ms(r.turnCpu)} of CPU)`}`,
      peer: `the process idle as long: max ${ms(r.idleMax)}`,
      ratio: '',
      target: targets[5],
      met: r.max < 20,
    },
  ];
}

async function kafkaRows(): Promise<Row[]> {
  const k = await measureKafka();
  const xadd = `redis-server XADD -P 1000 ${perSec(k.xadd, 'records')}`;
  return [
    {
      figure: `kcat produce, ${k.records.toLocaleString('en')} records of 100 B, best of rounds`,
      value: perSec(k.produce, 'records'),
      // kcat's own ceiling here (a sink that only acknowledges), same runs, same arguments.
      peer: `${xadd}; kcat into a sink ${perSec(k.sink, 'records')} (${times(k.sink / k.xadd)} XADD)`,
      ratio: times(k.produce / k.xadd),
      target: '>= 4x XADD',
      met: k.produce / k.xadd >= 4,
    },
    {
      figure: `kcat consume of the same`,
      value: perSec(k.consume, 'records'),
      peer: xadd,
      ratio: times(k.consume / k.xadd),
      target: '>= 2,000,000 records/s',
      met: k.consume >= 2e6,
    },
    {
      figure: `produce -> consume p99, waiting kcat consumer, ${k.loaded.condition}`,
      value: `${k.loaded.p99} ms (p50 ${k.loaded.p50} ms)`,
      peer: `same server, collector idle: p99 ${k.quiet.p99} ms (p50 ${k.quiet.p50} ms)`,
      ratio: '',
      target: 'p99 < 10 ms',
      met: k.loaded.p99 < 10,
    },
  ];
}

async function tailRows(): Promise<Row[]> {
  const t = await measureTail();
  return [
    {
      figure: `tailing one file of ${t.lines.toLocaleString('en')} lines`,
      value: perSec(t.logdock, 'lines'),
      peer: Number.isNaN(t.rsyslog)
        ? 'rsyslog not run'
        : `rsyslog imfile -> omfile ${perSec(t.rsyslog, 'lines')}`,
      ratio: times(t.logdock / t.rsyslog),
      target: '>= 6x rsyslog',
      met: Number.isNaN(t.rsyslog) ? null : t.logdock / t.rsyslog >= 6,
    },
  ];
}

async function searchRows(): Promise<Row[]> {
  // The issue's 10 M messages written by kcat (reused from /tmp/logdock-bench-search-10000000
  // when there); a quick run writes 300,000 into a temp dir.
  const env = process.env.BENCH_SEARCH_MESSAGES;
  const messages = env ? Number(env) : quick ? 300_000 : 10_000_000;
  const result = await measureSearch({ messages, kept: !quick && !env, loaded: true });
  const wanted = [
    ['ci', 'search ignoring case (the UI default)', 1],
    ['cs', 'search case-sensitive', 1],
    ['regex', 'regex search', 0.5],
  ] as const;
  return wanted.map(([key, label, goal]) => {
    const target = `>= ${goal}x grep`;
    const c = result?.cases.find((x) => x.key === key);
    if (!result || !c) return missing(label, target, 'not run (disk)');
    const ratio = c.grepMs / c.oursMs;
    return {
      figure: `${label}, ${result.messages.toLocaleString('en')} msgs by kcat, both ${result.condition}`,
      value: secs(c.oursMs),
      peer: `${c.grep} ${secs(c.grepMs)}`,
      ratio: times(ratio),
      target,
      met: ratio >= goal,
    };
  });
}

async function cliRows(): Promise<Row[]> {
  const p = await measureProduce(false);
  return [
    {
      figure: `logdock produce, no server, ${p.lines.toLocaleString('en')} stdin lines (start included)`,
      value: `${perSec(p.direct, 'lines')} (once started ${Number.isNaN(p.started) ? 'lost in the noise' : perSec(p.started, 'lines')})`,
      peer: `kcat into the Kafka listener ${perSec(p.kcat, 'lines')}; cat ${perSec(p.cat, 'lines')}`,
      ratio: times(p.direct / p.kcat),
      target: '>= 1,000,000 lines/s',
      met: p.direct >= 1e6,
    },
  ];
}

async function loopRows(): Promise<Row[]> {
  const { lines, idle, ingestOnly, loaded } = await measureLoop();
  const phases = [
    {
      f: ingestOnly,
      load: `under ingest of ${lines.toLocaleString('en')} lines + kcat (issue 18's load)`,
    },
    { f: loaded, load: `under ingest of ${lines.toLocaleString('en')} lines + kcat + searches` },
  ];
  return phases.flatMap(({ f, load }) => [
    // From a client process of its own where there is one (served): what a UI meets.
    {
      figure: `topics.list p99 (WebSocket${f.own ? ', a client process of its own' : ''}) ${load}`,
      value: ms(f.own?.p99 ?? f.p99),
      peer:
        `${f.own ? `from the bench's process (kcat's and Chromium's session): ${ms(f.p99)}; less the client's own waits for a core: ${ms(f.own.p99LessOwnWaits)}; ` : ''}` +
        `idle: ${ms(idle.own?.p99 ?? idle.p99)}`,
      ratio: '',
      target: '< 20 ms',
      met: (f.own?.p99 ?? f.p99) < 20,
    },
    {
      figure: `longest browser frame (following) ${load}`,
      value: Number.isNaN(f.longestFrame) ? 'no Chromium' : ms(f.longestFrame),
      peer: `idle: ${ms(idle.longestFrame)}`,
      ratio: '',
      target: '< 50 ms',
      met: Number.isNaN(f.longestFrame) ? null : f.longestFrame < 50,
    },
  ]);
}

async function soakRows(): Promise<Row[]> {
  const s = await soak(SOAK_MINUTES);
  return [
    {
      figure: `renderer heap after ${s.minutes} min (issue: 30) following ${Math.round(s.storedRate).toLocaleString('en')} msg/s stored`,
      value: `end ${s.endMB.toFixed(1)} MB, max ${s.maxMB.toFixed(1)} MB`,
      peer: `when following began ${s.startMB.toFixed(1)} MB`,
      ratio: '',
      // "No growth": the end within 20 MB of the start (the first minute fills the view).
      target: '< 200 MB, no growth',
      met: s.maxMB < 200 && s.endMB - s.startMB < 20,
    },
  ];
}

const SECTIONS: Record<Part, () => Promise<Row[]>> = {
  data: dataRows,
  kafka: kafkaRows,
  tail: tailRows,
  search: searchRows,
  cli: cliRows,
  loop: loopRows,
  soak: soakRows,
};

export async function run(): Promise<void> {
  const parts = wantedParts();
  const rows: Row[] = [];
  say(
    `${quick ? 'QUICK run (BENCH_QUICK=1: smaller sizes)' : 'full run'}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; ` +
      `soak ${SOAK_MINUTES} min (BENCH_SOAK_MINUTES; the issue's 30: \`npm run bench soak\`)`,
  );
  try {
    for (const part of PARTS) {
      if (!parts.has(part)) continue;
      say(`\n--- scale: ${part} ---`);
      try {
        rows.push(...(await SECTIONS[part]()));
      } catch (err) {
        say(`section ${part} failed: ${(err as Error).stack ?? String(err)}`);
        rows.push(
          missing(`section ${part}`, '', `failed: ${(err as Error).message.split('\n')[0]}`),
        );
      }
    }
  } finally {
    killAll();
  }
  say(
    `\n=== scale: every figure of issue 18 with its peer of this run (load average now ${loadavg()[0].toFixed(1)}) ===`,
  );
  printSummary(rows, say);
}
