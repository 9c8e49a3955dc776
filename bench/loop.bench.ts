/**
 * Event-loop benchmark (`npm run bench loop`): does the server answer the UI while it works
 * hard? A `logdock serve` process of its own (fixtures/loop-serve.ts: the built bundle, a
 * file collector on a folder by `--tail`, its Kafka listener on a free port) takes, all at
 * once: its file collector ingesting 1,000,000 lines, kcat producing 1,000,000 records
 * through the Kafka listener (issue 18's load, a phase of its own), then the same again with
 * case-insensitive searches over a 2,000,000-message topic (filled by kcat beforehand)
 * through the API, one after another. Meanwhile a WebSocket
 * client in this process sends `topics.list` every 25 ms and times each answer (p50, p99,
 * max), and so does a client process of its own (fixtures/loop-pinger.ts, the figure a UI
 * meets: the bench's process also spawns kcat and drives Chromium), while a probe loaded into the server (fixtures/loop-probe.mjs) samples its main
 * event loop's delay (p99, max) and how busy it was (eventLoopUtilization). This process
 * only pings, searches and times, as a user's UI (another process) does. Chromium, when
 * there, shows the UI (built: `npm run build`) following the kcat topic, and the longest gap
 * between two of its frames is recorded too (fixtures/frames.ts). The same figures on the
 * idle server come first, as the reference. BENCH_QUICK=1 (or BENCH_LINES,
 * BENCH_SEARCH_MESSAGES) makes it smaller. Prints figures; asserts nothing. measureLoop()
 * returns them (`bench scale`).
 * BENCH_LOOP_INPROCESS=1 runs the services in this process instead (fixtures/loop-inprocess.ts:
 * the client's work then lands on the server's thread, the figures before the served mode),
 * where BENCH_LOOP_PROFILE=1 takes the loaded phase's slow answers apart
 * (fixtures/turn-profile.ts: what the main thread ran, waited for and was blocked in meanwhile).
 * Served, LOOP_PROBE_THREADS=1 prints the server's busiest threads per phase (what each is,
 * its nice value, ms on a CPU / waiting for one), LOOP_PROBE_CPUPROF=<prefix> writes a CPU
 * profile of its main thread per phase, and BENCH_SERVE_NODE_OPTIONS passes flags to it alone.
 * BENCH_LOOP_NO_BROWSER=1 leaves Chromium out.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { ApiClient } from '../src/common/api/contract';
import { ensureBuilt, waitFor } from '../test/e2e/harness';
import { describeLongFrames, openFramesPage, type FramesPage } from './fixtures/frames';
import { openInProcess } from './fixtures/loop-inprocess';
import { kcatProduce, openServed } from './fixtures/loop-serve';
import type { LoopTarget, OwnProcessPinger } from './fixtures/loop-target';
import type { Window } from './fixtures/turn-profile';
import { writeLines } from './fixtures/write-lines';

const quick = process.env.BENCH_QUICK === '1';
const LINES = Number(process.env.BENCH_LINES ?? (quick ? 200_000 : 1_000_000));
const SEARCH_MESSAGES = Number(process.env.BENCH_SEARCH_MESSAGES ?? (quick ? 300_000 : 2_000_000));
const PING_MS = 25;
/** BENCH_LOOP_PROFILE=1: answers slower than this are taken apart (fixtures/turn-profile.ts). */
const SLOW_MS = 20;
const inProcess = process.env.BENCH_LOOP_INPROCESS === '1';
const profiling = inProcess && process.env.BENCH_LOOP_PROFILE === '1';

const logLine = (i: number) =>
  `2026-01-01T00:00:00.000Z INFO [worker-${i % 16}] request ${i} handled in ${i % 997} ms path=/api/v1/items\n`;

function percentile(sorted: number[], p: number): number {
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
    : NaN;
}

const pct = (share: number) => `${(share * 100).toFixed(0)} %`;

/**
 * This process's own side of each answer (it is the client): its event-loop delay and how
 * much of the phase its main thread was on a CPU or waiting for one. kcat and Chromium,
 * started by this process, share its session (and so, with Linux's autogroup, its share of
 * the CPUs): a slow answer may be this side's.
 */
function watchClient(): { stop(): string } {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const schedstat = () =>
    readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
  const [onCpu0, waiting0] = schedstat();
  const t0 = performance.now();
  return {
    stop() {
      delay.disable();
      const [onCpu, waiting] = schedstat();
      const wallNs = (performance.now() - t0) * 1e6;
      return (
        `client (this process): event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, ` +
        `max ${(delay.max / 1e6).toFixed(1)} ms, main thread on a CPU ${pct((onCpu - onCpu0) / wallNs)}, ` +
        `waiting for one ${pct((waiting - waiting0) / wallNs)}`
      );
    },
  };
}

/** Times `topics.list` every PING_MS until stopped; the delay of each answer in ms. */
function pinger(api: ApiClient): { stop: () => Promise<number[]>; slow: Window[] } {
  const samples: number[] = [];
  const slow: Window[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await api.call('topics.list', {});
      const t1 = performance.now();
      samples.push(t1 - t0);
      if (t1 - t0 > SLOW_MS) slow.push({ start: t0, end: t1 });
      await new Promise((r) => setTimeout(r, PING_MS));
    }
  })();
  return {
    slow,
    stop: async () => {
      running = false;
      await loop;
      return samples.sort((a, b) => a - b);
    },
  };
}

function search(api: ApiClient, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const stop = api.subscribe(
      'messages.search',
      { topic: 'searched', query: { text, caseSensitive: false }, maxResults: 1000 },
      (e) => {
        if (e.type === 'done') {
          stop();
          resolve(performance.now() - t0);
        }
        if (e.type === 'error') reject(new Error(e.message));
      },
      (err) => reject(new Error(err.message)),
    );
  });
}

export interface LoopFigures {
  /** topics.list answer time over WebSocket, ms. */
  p99: number;
  max: number;
  /** The browser's longest frame, ms; NaN without Chromium or a built renderer. */
  longestFrame: number;
  longestTask: number;
  /**
   * topics.list answer time from a client process of its own (fixtures/loop-pinger.ts), ms;
   * absent in-process. The figure a UI meets: this process's own pings also count its
   * stalls (spawning kcat, driving Chromium).
   */
  own?: {
    p50: number;
    p99: number;
    max: number;
    calls: number;
    /** p99 of each answer less the time the pinger itself waited for a core meanwhile. */
    p99LessOwnWaits: number;
  };
}

async function measure(
  label: string,
  target: LoopTarget,
  browser: FramesPage | null,
  own: OwnProcessPinger | null,
  work: () => Promise<string>,
): Promise<LoopFigures> {
  const probe = await target.probe(profiling && label.startsWith('ingest'));
  const client = watchClient();
  own?.start();
  const ping = pinger(target.api);
  let what: string;
  let seen: Awaited<ReturnType<Awaited<ReturnType<FramesPage['record']>>>> | undefined;
  try {
    const frames = await browser?.record();
    what = await work();
    seen = await frames?.();
  } catch (err) {
    await ping.stop().catch(() => {}); // the error that matters is this one
    throw err;
  }
  const samples = await ping.stop();
  const ownCalls = await own?.stop();
  const ownSamples = ownCalls && [...ownCalls.times].sort((a, b) => a - b);
  // Each answer less the time the pinger itself waited for a core meanwhile.
  const ownLessWaits =
    ownCalls && ownCalls.times.map((t, i) => t - ownCalls.waits[i]).sort((a, b) => a - b);
  // The server's main thread; the share of the time it was not busy is the UI's.
  const loop = await probe.stop(ping.slow);
  const clientSide = client.stop();
  const figures = {
    p99: percentile(samples, 99),
    max: samples[samples.length - 1],
    longestFrame: seen?.longestFrame ?? NaN,
    longestTask: seen?.longestTask ?? NaN,
    own: ownSamples && {
      p50: percentile(ownSamples, 50),
      p99: percentile(ownSamples, 99),
      max: ownSamples[ownSamples.length - 1] ?? NaN,
      calls: ownSamples.length,
      p99LessOwnWaits: percentile(ownLessWaits!, 99),
    },
  };
  console.log(
    `${label}: topics.list over WebSocket p50 ${percentile(samples, 50).toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, ` +
      `max ${figures.max.toFixed(1)} ms (${samples.length} calls); server event-loop delay p99 ${loop.delayP99Ms.toFixed(1)} ms, ` +
      `max ${loop.delayMaxMs.toFixed(1)} ms, busy ${(loop.utilization * 100).toFixed(0)} %` +
      (seen
        ? `; browser following a topic: longest frame ${seen.longestFrame.toFixed(0)} ms of ${seen.frames}, longest task ${seen.longestTask.toFixed(0)} ms`
        : '') +
      (what ? `; ${what}` : ''),
  );
  const th = loop.threads;
  if (th)
    console.log(
      `  server: main thread on a CPU ${pct(th.mainOnCpu)}, waiting for one ${pct(th.mainWaiting)}; ` +
        `CPU of its other threads ${th.cpuMsAtNice0.toFixed(0)} ms at nice 0, ${th.cpuMsNiced.toFixed(0)} ms lowered`,
    );
  if (loop.gc)
    console.log(
      `  server GC: ${loop.gc.majorCount} major (${loop.gc.majorMs.toFixed(0)} ms of pauses, longest ${loop.gc.majorMaxMs.toFixed(1)} ms), ` +
        `${loop.gc.minorCount} minor (${loop.gc.minorMs.toFixed(0)} ms)`,
    );
  if (loop.top)
    console.log(
      `  server threads by CPU: ${loop.top
        .filter((t) => t.cpuMs >= 1)
        .map(
          (t) =>
            `${t.main ? 'main' : `${t.tid} ${t.kind}`} nice ${t.nice} ${t.cpuMs.toFixed(0)}/${t.waitMs.toFixed(0)} ms`,
        )
        .join('; ')}`,
    );
  if (figures.own)
    console.log(
      `  topics.list from a client process of its own: p50 ${figures.own.p50.toFixed(1)} ms, ` +
        `p99 ${figures.own.p99.toFixed(1)} ms, max ${figures.own.max.toFixed(1)} ms (${figures.own.calls} calls); ` +
        `less its own waits for a core p99 ${figures.own.p99LessOwnWaits.toFixed(1)} ms, ` +
        `max ${ownLessWaits![ownLessWaits!.length - 1]?.toFixed(1)} ms`,
    );
  console.log(`  ${clientSide}`);
  if (seen?.longFrames.length)
    console.log(`  longest frames: ${describeLongFrames(seen.longFrames)}`);
  if (seen) console.log(`  ${seen.cpu}`);
  if (loop.profile) console.log(loop.profile);
  return figures;
}

/**
 * One loaded phase: LINES lines tailed (`logFile`, written beforehand beside the watched
 * folder, moved in when the phase starts) and LINES records produced by kcat, with
 * searches one after another meanwhile when `searching`. What it did, for the printed line.
 */
async function ingestAndProduce(
  t: LoopTarget,
  logFile: string,
  kcatFile: string,
  searching: boolean,
): Promise<string> {
  const before = await t.ingested();
  const ingest = (async () => {
    const t0 = performance.now();
    await t.startIngest(logFile);
    while ((await t.ingested()) < before + LINES) await new Promise((r) => setTimeout(r, 50));
    return performance.now() - t0;
  })();
  const produce = (async () => {
    const t0 = performance.now();
    await kcatProduce(t.kafka, 'produced', kcatFile);
    return performance.now() - t0;
  })();
  let searches = 0;
  let done = !searching;
  const searchLoop = (async () => {
    while (!done) {
      await search(t.api, 'USER=U5 GET');
      searches++;
    }
  })();
  const [ingestMs, produceMs] = await Promise.all([ingest, produce]);
  done = true;
  await searchLoop;
  return (
    `ingest ${(ingestMs / 1000).toFixed(2)} s, kcat ${(produceMs / 1000).toFixed(2)} s` +
    (searching ? `, ${searches} searches` : '')
  );
}

/** Idle, search only, ingest + kcat, then ingest + kcat + searches: the figures of each phase. */
export async function measureLoop(): Promise<{
  lines: number;
  idle: LoopFigures;
  /** Issue 18's load: the file collector's ingest and a kcat producer. */
  ingestOnly: LoopFigures;
  /** The same with searches one after another on top. */
  loaded: LoopFigures;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'logdock-bench-loop-'));
  mkdirSync(join(dir, 'logs'));
  ensureBuilt();
  let target: LoopTarget | null = null;
  let browser: FramesPage | null = null;
  let own: OwnProcessPinger | null = null;
  try {
    target = inProcess ? await openInProcess(dir) : await openServed(dir);
    const kcatFile = join(dir, 'records.txt');
    await writeLines(kcatFile, LINES, (i) => `record ${i} ${'x'.repeat(80)}\n`);
    await target.fill(
      'searched',
      2,
      SEARCH_MESSAGES,
      (j) => `2026-05-01T10:00:00Z INFO req=${j} user=u${j % 997} GET /api/items/${j % 5000} 200`,
    );
    await target.api.call('topics.create', { name: 'produced', partitions: 1 });
    own = (await target.ownPinger?.()) ?? null;
    // BENCH_LOOP_NO_BROWSER=1: no Chromium following a topic (how much the UI's own work weighs).
    browser = process.env.BENCH_LOOP_NO_BROWSER === '1' ? null : await openFramesPage(target.url);
    if (browser) {
      // The UI's usual page under load: the kcat topic, followed as it grows.
      const page = browser.page;
      await page.goto(`${new URL(target.url).origin}/#/topics/produced?partition=0&offset=0`);
      await waitFor(() => page.getByTestId('tail-toggle').count(), 'the topic view', 60_000);
      await page.getByTestId('tail-toggle').click();
    }
    console.log(
      `${target.kind}: ${LINES.toLocaleString('en')} lines tailed + ${LINES.toLocaleString('en')} kcat records + searches over ${SEARCH_MESSAGES.toLocaleString('en')} messages`,
    );
    const t = target;
    const idle = await measure(
      'idle                 ',
      t,
      browser,
      own,
      () => new Promise((r) => setTimeout(() => r(''), 2000)),
    );
    await measure('search only          ', t, null, own, async () => {
      const ms = await search(t.api, 'USER=U5 GET');
      return `one search ${(ms / 1000).toFixed(2)} s`;
    });
    // Issue 18's load (ingest + kcat), then the bench's harsher one with searches on top.
    // Each phase's file is written beforehand, beside the watched folder; their lines
    // differ from the first (the collector knows a file by its first bytes).
    const logFiles = [join(dir, 'app-1.log'), join(dir, 'app-2.log')];
    for (const [k, file] of logFiles.entries())
      await writeLines(file, LINES, (i) => logLine(k * LINES + i));
    const ingestOnly = await measure('ingest + kcat         ', t, browser, own, () =>
      ingestAndProduce(t, logFiles[0], kcatFile, false),
    );
    const loaded = await measure('ingest + kcat + search', t, browser, own, () =>
      ingestAndProduce(t, logFiles[1], kcatFile, true),
    );
    return { lines: LINES, idle, ingestOnly, loaded };
  } finally {
    own?.close();
    await browser?.close();
    await target?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  if (process.env.BENCH_LOOP_PROFILE === '1' && !inProcess)
    console.log(
      'BENCH_LOOP_PROFILE=1 profiles the in-process mode only: add BENCH_LOOP_INPROCESS=1',
    );
  await measureLoop();
}
