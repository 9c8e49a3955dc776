/**
 * Event-loop benchmark (`npm run bench loop`): does the process answer the UI while it works
 * hard? One `logdock serve`-like process (services + WebSocket API, Kafka listener on a free
 * port) takes, all at once: a file collector tailing 1,000,000 lines, kcat producing
 * 1,000,000 records through the Kafka listener, and case-insensitive searches over a
 * 2,000,000-message topic through the API, one after another. Meanwhile a WebSocket client
 * sends `topics.list` every 25 ms and times each answer (p50, p99, max), and
 * perf_hooks.monitorEventLoopDelay samples the main event loop's delay (p99, max) and
 * eventLoopUtilization tells how busy the main thread was. Chromium, when there, shows the
 * UI (built: `npm run build`) following the kcat topic, and the longest gap between two
 * of its frames is recorded too (fixtures/frames.ts). The same figures on the idle process
 * come first, as the reference. BENCH_QUICK=1 (or BENCH_LINES, BENCH_SEARCH_MESSAGES) makes
 * it smaller. Prints figures; asserts nothing. measureLoop() returns them (`bench scale`).
 * BENCH_LOOP_PROFILE=1 takes the loaded phase's slow answers apart (fixtures/turn-profile.ts:
 * what the main thread ran, waited for and was blocked in meanwhile).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { ApiClient } from '../src/common/api/contract';
import type { Services } from '../src/main/services';
import { openWebSocketApi } from './fixtures/ws-api';
import { kcatProduceArgs } from './protocol.bench';
import { ingestWorkerPool, sharedWorkerPool } from '../src/main/workers/pool';
import { ensureBuilt, ROOT, waitFor } from '../test/e2e/harness';
import { describeLongFrames, openFramesPage, type FramesPage } from './fixtures/frames';
import { startTurnProfiler, type Window } from './fixtures/turn-profile';

const quick = process.env.BENCH_QUICK === '1';
const LINES = Number(process.env.BENCH_LINES ?? (quick ? 200_000 : 1_000_000));
const SEARCH_MESSAGES = Number(process.env.BENCH_SEARCH_MESSAGES ?? (quick ? 300_000 : 2_000_000));
const PING_MS = 25;
/** BENCH_LOOP_PROFILE=1: answers slower than this are taken apart (fixtures/turn-profile.ts). */
const SLOW_MS = 20;
const profiling = process.env.BENCH_LOOP_PROFILE === '1';

const logLine = (i: number) =>
  `2026-01-01T00:00:00.000Z INFO [worker-${i % 16}] request ${i} handled in ${i % 997} ms path=/api/v1/items\n`;

async function writeFile(path: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  let buf = '';
  for (let i = 0; i < count; i++) {
    buf += line(i);
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

async function fillSearchTopic(services: Services): Promise<void> {
  await services.broker.createTopic('searched', { partitions: 2 });
  for (let i = 0; i < SEARCH_MESSAGES; i += 5000) {
    const records = [];
    for (let j = i; j < Math.min(SEARCH_MESSAGES, i + 5000); j++) {
      records.push({
        topic: 'searched',
        partition: j % 2,
        key: null,
        value: Buffer.from(
          `2026-05-01T10:00:00Z INFO req=${j} user=u${j % 997} GET /api/items/${j % 5000} 200`,
        ),
      });
    }
    await services.broker.send(records);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
    : NaN;
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

function kcatProduce(bootstrap: string, file: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn('kcat', kcatProduceArgs(bootstrap, 'produced', file, '1'), {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve) => child.on('close', () => resolve(performance.now() - t0)));
}

export interface LoopFigures {
  /** topics.list answer time over WebSocket, ms. */
  p99: number;
  max: number;
  /** The browser's longest frame, ms; NaN without Chromium or a built renderer. */
  longestFrame: number;
  longestTask: number;
}

async function measure(
  label: string,
  api: ApiClient,
  browser: FramesPage | null,
  work: () => Promise<string>,
): Promise<LoopFigures> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const profiler = profiling && label.startsWith('ingest') ? await startTurnProfiler() : null;
  const elu = performance.eventLoopUtilization();
  const ping = pinger(api);
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
  delay.disable();
  // The share of the time the main thread was busy: what is left of it is the UI's.
  const busy = performance.eventLoopUtilization(elu).utilization;
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  const figures = {
    p99: percentile(samples, 99),
    max: samples[samples.length - 1],
    longestFrame: seen?.longestFrame ?? NaN,
    longestTask: seen?.longestTask ?? NaN,
  };
  console.log(
    `${label}: topics.list over WebSocket p50 ${percentile(samples, 50).toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, ` +
      `max ${figures.max.toFixed(1)} ms (${samples.length} calls); event-loop delay p99 ${ms(delay.percentile(99))} ms, ` +
      `max ${ms(delay.max)} ms, busy ${(busy * 100).toFixed(0)} %` +
      (seen
        ? `; browser following a topic: longest frame ${seen.longestFrame.toFixed(0)} ms of ${seen.frames}, longest task ${seen.longestTask.toFixed(0)} ms`
        : '') +
      (what ? `; ${what}` : ''),
  );
  if (seen?.longFrames.length)
    console.log(`  longest frames: ${describeLongFrames(seen.longFrames)}`);
  if (profiler) console.log(await profiler.stop(ping.slow));
  return figures;
}

/** Idle, search only, then ingest + kcat + searches: the figures of each phase. */
export async function measureLoop(): Promise<{
  lines: number;
  idle: LoopFigures;
  loaded: LoopFigures;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'logdock-bench-loop-'));
  const dataDir = join(dir, 'data');
  mkdirSync(join(dir, 'logs'));
  ensureBuilt();
  const { api, services, url, close } = await openWebSocketApi(
    dataDir,
    join(ROOT, 'out', 'renderer'),
    { kafka: { enabled: true, host: '127.0.0.1', port: 0 } },
  );
  let browser: FramesPage | null = null;
  try {
    const kcatFile = join(dir, 'records.txt');
    await writeFile(kcatFile, LINES, (i) => `record ${i} ${'x'.repeat(80)}\n`);
    await fillSearchTopic(services);
    // As `logdock serve` does a second after start.
    sharedWorkerPool().warm();
    ingestWorkerPool().warm();
    await services.broker.createTopic('produced', { partitions: 1 });
    browser = await openFramesPage(url);
    if (browser) {
      // The UI's usual page under load: the kcat topic, followed as it grows.
      const page = browser.page;
      await page.goto(`${new URL(url).origin}/#/topics/produced?partition=0&offset=0`);
      await waitFor(() => page.getByTestId('tail-toggle').count(), 'the topic view', 60_000);
      await page.getByTestId('tail-toggle').click();
    }
    console.log(
      `${LINES.toLocaleString('en')} lines tailed + ${LINES.toLocaleString('en')} kcat records + searches over ${SEARCH_MESSAGES.toLocaleString('en')} messages`,
    );
    const idle = await measure(
      'idle                 ',
      api,
      browser,
      () => new Promise((r) => setTimeout(() => r(''), 2000)),
    );
    await measure('search only          ', api, null, async () => {
      const ms = await search(api, 'USER=U5 GET');
      return `one search ${(ms / 1000).toFixed(2)} s`;
    });
    // Written before the measurement: the writing would otherwise run on this same loop.
    await writeFile(join(dir, 'logs', 'app.log'), LINES, logLine);
    const loaded = await measure('ingest + kcat + search', api, browser, async () => {
      const ingest = (async () => {
        const t0 = performance.now();
        await services.collectors.add({
          type: 'file',
          id: 'app',
          topic: 'app',
          include: [join(dir, 'logs', '*.log')],
        });
        const end = () => {
          try {
            return services.broker
              .describeTopic('app')
              .partitions.reduce((n, p) => n + p.logEndOffset, 0);
          } catch {
            return 0;
          }
        };
        while (end() < LINES) await new Promise((r) => setTimeout(r, 20));
        return performance.now() - t0;
      })();
      const produce = kcatProduce(services.kafkaListener!, kcatFile);
      let searches = 0;
      let searching = true;
      const searchLoop = (async () => {
        while (searching) {
          await search(api, 'USER=U5 GET');
          searches++;
        }
      })();
      const [ingestMs, produceMs] = await Promise.all([ingest, produce]);
      searching = false;
      await searchLoop;
      return `ingest ${(ingestMs / 1000).toFixed(2)} s, kcat ${(produceMs / 1000).toFixed(2)} s, ${searches} searches`;
    });
    return { lines: LINES, idle, loaded };
  } finally {
    await browser?.close();
    await close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await measureLoop();
}
