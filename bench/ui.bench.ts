/**
 * Inspection UI benchmark (`npm run bench ui`), in Chromium against headless mode, on a
 * topic of 10 million messages (LOGDOCK_BENCH_MESSAGES to change; BENCH_QUICK=1 uses
 * 200 000). Prints:
 *  1. seek by offset and by timestamp → first rows painted (ms, each sample and p50/max),
 *     with the user's defaults: the JSON fields as columns and the histogram above the
 *     table (counted before the seeks are timed);
 *  2. the longest main-thread task (PerformanceObserver long tasks) while scrolling fast
 *     for 10 s (wheel-like steps, then random jumps of the scrollbar), beside the same figure for
 *     a plain DOM table rewritten every frame (the floor the machine's load sets), and how many frames
 *     showed a loading row, in all and per half (at 10 M rows a 2 400 px step is a move of
 *     ~6 000 rows: the scaled scrollbar treats it as a jump, see scroll-math.ts);
 *  3. the renderer's JS heap after that (after a GC);
 *  4. the main process's search scan rate over the whole topic (a needle that is not
 *     there, so every message is scanned), and in the same run `grep -c` over the same
 *     messages written one per line to a text file, as the reference.
 *  5. the timeline (ui-timeline.ts): three topics written by kcat, merged, seek by time.
 * The data is generated once into bench-data/ui-<n>/ and reused by later runs.
 * BENCH_UI_PART=topic or =timeline runs only that part.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { openBroker } from '../src/main/broker';
import { ROOT, startApp, waitFor, type RunningApp } from '../test/e2e/harness';
import { runTimeline } from './ui-timeline';

const quick = process.env.BENCH_QUICK === '1';
export const COUNT = Number(process.env.LOGDOCK_BENCH_MESSAGES ?? (quick ? 200_000 : 10_000_000));
const T0 = Date.parse('2026-01-01T00:00:00Z');
const STEP_MS = 10; // one message every 10 ms: 10 M messages span about 28 hours
const NEEDLE = 'no-such-needle-anywhere';
export const TOPIC = 'bench';

function message(i: number): string {
  const level = i % 97 === 0 ? 'ERROR' : i % 13 === 0 ? 'WARN' : 'INFO';
  return `{"time":"${new Date(T0 + i * STEP_MS).toISOString()}","level":"${level}","msg":"request ${i} served","path":"/api/items/${i % 1000}","latency_ms":${i % 500}}`;
}

/** Writes the topic (through the broker, as collectors do) and the same lines as a text file. */
export async function prepare(dir: string, textFile: string): Promise<void> {
  const marker = join(dir, '.bench-complete');
  if (existsSync(marker)) return;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const started = Date.now();
  const broker = await openBroker({ dataDir: dir });
  await broker.createTopic(TOPIC, { partitions: 1, configs: { 'retention.ms': -1 } });
  const text = createWriteStream(textFile);
  const BATCH = 5000;
  for (let i = 0; i < COUNT; i += BATCH) {
    const records = [];
    let lines = '';
    for (let j = i; j < Math.min(COUNT, i + BATCH); j++) {
      const m = message(j);
      records.push({
        topic: TOPIC,
        partition: 0,
        timestamp: T0 + j * STEP_MS,
        value: Buffer.from(m),
      });
      lines += m + '\n';
    }
    await broker.send(records);
    if (!text.write(lines)) await once(text, 'drain');
    if (i % 1_000_000 === 0)
      console.log(`  generating: ${i.toLocaleString('en-US')} of ${COUNT.toLocaleString('en-US')}`);
  }
  await new Promise<void>((resolve) => text.end(resolve));
  await broker.close();
  await writeFile(marker, String(COUNT));
  console.log(
    `  generated ${COUNT.toLocaleString('en-US')} messages in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

export function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const p50 = s[Math.floor(s.length / 2)];
  return `p50 ${p50.toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms (${samples.map((x) => x.toFixed(0)).join(', ')})`;
}

/** Types into the seek box, clicks Go, and times until the row is in the DOM and a frame has been painted. */
export async function timeSeek(
  app: RunningApp,
  kind: 'offset' | 'time',
  value: string,
  offset: number,
): Promise<number> {
  return app.page.evaluate(
    async ({ kind, value, offset }) => {
      const input = document.querySelector<HTMLInputElement>(`[data-testid="seek-${kind}"]`)!;
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      setValue.call(input, value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const selector = `[data-testid="msg-row"][data-offset="${offset}"][aria-selected="true"]`;
      const start = performance.now();
      document.querySelector<HTMLButtonElement>(`[data-testid="seek-${kind}-go"]`)!.click();
      return new Promise<number>((resolve) => {
        const painted = () => requestAnimationFrame(() => resolve(performance.now() - start));
        if (document.querySelector(selector)) return painted();
        const observer = new MutationObserver(() => {
          if (!document.querySelector(selector)) return;
          observer.disconnect();
          painted();
        });
        observer.observe(document.body, { subtree: true, childList: true, attributes: true });
      });
    },
    { kind, value, offset },
  );
}

export function localTime(ts: number): string {
  const d = new Date(ts);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/**
 * The peer of the scrolling figure, in the same page and run: a plain DOM table of the same
 * number of rows (no React, no data, no requests) whose rows get new text and a new
 * position every frame for 10 s, with the long tasks observed meanwhile. What it shows is
 * the floor the machine's load puts under any page's tasks.
 */
async function plainTableFloor(app: RunningApp): Promise<{ maxTask: number; tasks: number }> {
  return app.page.evaluate(async () => {
    const durations: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) durations.push(e.duration);
    });
    observer.observe({ type: 'longtask', buffered: false });
    const box = document.createElement('div');
    box.style.cssText =
      'position:fixed;inset:40px;overflow:hidden;background:#fff;z-index:1000;font:12px monospace';
    const rows = Array.from({ length: 40 }, () => {
      const row = document.createElement('div');
      row.style.cssText = 'position:absolute;left:0;right:0;height:24px;white-space:nowrap';
      box.appendChild(row);
      return row;
    });
    document.body.appendChild(box);
    const until = performance.now() + 10_000;
    let n = 0;
    await new Promise<void>((resolve) => {
      const step = () => {
        n += 37;
        rows.forEach((row, i) => {
          row.style.transform = `translateY(${i * 24 - (n % 24)}px)`;
          row.textContent = `${n + i} 2026-01-01 00:00:00.000 INFO {"time":"2026-01-01T00:00:00Z","level":"INFO","msg":"request ${n + i} served","path":"/api/items/${(n + i) % 1000}","latency_ms":${(n + i) % 500}}`;
        });
        if (performance.now() < until) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });
    await new Promise((r) => setTimeout(r, 500));
    observer.disconnect();
    box.remove();
    return {
      maxTask: Math.max(0, ...durations),
      tasks: durations.filter((d) => d > 50).length,
    };
  });
}

async function scrollFast(app: RunningApp): Promise<{
  maxTask: number;
  tasks: number;
  frames: number;
  placeholders: number;
  /** Frames and placeholder frames of the first half (wheel-like steps). */
  wheel: { frames: number; placeholders: number };
}> {
  return app.page.evaluate(async () => {
    const durations: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) durations.push(e.duration);
    });
    observer.observe({ type: 'longtask', buffered: false });
    const el = document.querySelector<HTMLElement>('[data-testid="msg-table"]')!;
    let frames = 0;
    let placeholders = 0;
    const wheel = { frames: 0, placeholders: 0 };
    const until = performance.now() + 10_000;
    const half = performance.now() + 5_000;
    await new Promise<void>((resolve) => {
      const step = () => {
        frames++;
        const loading = document.querySelector('[data-testid="msg-row-loading"]') !== null;
        if (loading) placeholders++;
        const now = performance.now();
        if (now < half) {
          wheel.frames++;
          if (loading) wheel.placeholders++;
        }
        if (now < half)
          el.scrollTop = (el.scrollTop + 2400) % el.scrollHeight; // fast wheel
        else el.scrollTop = Math.random() * el.scrollHeight; // dragging the scrollbar around
        if (now < until) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });
    // Let the last windows arrive, then collect the long tasks reported so far.
    await new Promise((r) => setTimeout(r, 500));
    observer.disconnect();
    return {
      maxTask: Math.max(0, ...durations),
      tasks: durations.length,
      frames,
      placeholders,
      wheel,
    };
  });
}

async function searchRate(
  app: RunningApp,
): Promise<{ scanned: number; bytes: number; ms: number }> {
  return new Promise((resolve, reject) => {
    let last = { scanned: 0, scannedBytes: 0 };
    const stop = app.api.subscribe(
      'messages.search',
      { topic: TOPIC, query: { text: NEEDLE, caseSensitive: true } },
      (e) => {
        if (e.type === 'progress') last = e;
        if (e.type === 'done') {
          stop();
          resolve({ scanned: e.scanned, bytes: last.scannedBytes, ms: e.elapsedMs });
        }
        if (e.type === 'error') reject(new Error(e.message));
      },
      (err) => reject(new Error(err.message)),
    );
  });
}

function grepRate(file: string): { ms: number; out: string } {
  const started = process.hrtime.bigint();
  const res = spawnSync('grep', ['-c', NEEDLE, file], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, out: res.stdout.trim() };
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

function printProfile(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
  for (const [name, ms] of top) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${name}`);
}

export async function run(): Promise<void> {
  const part = process.env.BENCH_UI_PART;
  if (part !== 'timeline') await runTopic();
  if (part !== 'topic') await runTimeline();
}

async function runTopic(): Promise<void> {
  const dir = join(ROOT, 'bench-data', `ui-${COUNT}`);
  const textFile = join(ROOT, 'bench-data', `ui-${COUNT}.txt`);
  await mkdir(join(ROOT, 'bench-data'), { recursive: true });
  await prepare(dir, textFile);
  const app = await startApp({ dataDir: dir });
  try {
    const page = app.page;
    // tsx names functions with an `__name` helper that does not exist in the page.
    await page.addInitScript('globalThis.__name = (f) => f');
    await page.evaluate('globalThis.__name = (f) => f');
    await page.goto(`${app.origin}/#/topics/${TOPIC}?partition=0&offset=0`);
    await waitFor(
      () => page.locator('[data-testid="msg-row"][data-offset="0"]').count(),
      'the first row',
      120_000,
    );
    // The user's defaults: JSON values show their common fields as columns, and the
    // histogram above the table counts the topic; seeks are timed once it has.
    const columns = await page.getByTestId('msg-table').getAttribute('data-columns');
    await waitFor(
      async () =>
        (await page.getByTestId('browser-timeline').getAttribute('data-counted')) !== null,
      'the histogram counted',
      300_000,
    );
    const counted = await page.getByTestId('browser-timeline').getAttribute('data-counted');
    console.log(
      `topic ${TOPIC}: ${COUNT.toLocaleString('en-US')} messages, 1 partition; field columns: ${columns || 'none'}; histogram on (${Number(counted).toLocaleString('en-US')} messages counted)`,
    );

    // Warm up once (JIT, first index reads), then measure.
    await timeSeek(app, 'offset', String(Math.floor(COUNT / 3)), Math.floor(COUNT / 3));
    const offsets = Array.from(
      { length: 10 },
      (_, k) => Math.floor(((k + 0.5) / 10) * (COUNT - 1)) + k,
    );
    const byOffset: number[] = [];
    for (const o of offsets) byOffset.push(await timeSeek(app, 'offset', String(o), o));
    console.log(`seek by offset → first rows painted: ${stats(byOffset)}`);
    const byTime: number[] = [];
    // Different places from the offset seeks, so that no window is already loaded.
    for (const o of offsets) {
      const target = (o + Math.floor(COUNT / 20)) % COUNT;
      byTime.push(await timeSeek(app, 'time', localTime(T0 + target * STEP_MS), target));
    }
    console.log(`seek by timestamp → first rows painted: ${stats(byTime)}`);

    // BENCH_PROFILE=1: a CPU profile of the renderer while scrolling, top functions by self time.
    const profiler =
      process.env.BENCH_PROFILE === '1' ? await page.context().newCDPSession(page) : null;
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.start');
    }
    const scroll = await scrollFast(app);
    if (profiler)
      printProfile((await profiler.send('Profiler.stop')).profile as unknown as CpuProfile);
    const floor = await plainTableFloor(app);
    console.log(
      `fast scrolling for 10 s: longest main-thread task ${scroll.maxTask.toFixed(0)} ms (${scroll.tasks} tasks over 50 ms; ` +
        `peer, a plain DOM table of 40 rows rewritten every frame in the same page: ${floor.maxTask.toFixed(0)} ms, ${floor.tasks} tasks over 50 ms), ` +
        `${scroll.frames} frames, ${scroll.placeholders} frames still showing a loading row ` +
        `(wheel-like steps: ${scroll.wheel.placeholders} of ${scroll.wheel.frames}; ` +
        `random scrollbar jumps: ${scroll.placeholders - scroll.wheel.placeholders} of ${scroll.frames - scroll.wheel.frames})`,
    );

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as {
      usedSize: number;
      totalSize: number;
    };
    console.log(
      `renderer JS heap: ${(heap.usedSize / 1048576).toFixed(1)} MB used, ${(heap.totalSize / 1048576).toFixed(1)} MB allocated`,
    );

    // Both sides run twice, alternating: the first pass also brings the files into the
    // page cache, so that the best of each compares scanning, not the disk.
    const searches: { scanned: number; bytes: number; ms: number }[] = [];
    const greps: { ms: number; out: string }[] = [];
    for (let pass = 0; pass < 2; pass++) {
      searches.push(await searchRate(app));
      greps.push(grepRate(textFile));
    }
    const search = searches.reduce((a, b) => (b.ms < a.ms ? b : a));
    const grep = greps.reduce((a, b) => (b.ms < a.ms ? b : a));
    const textBytes = (await stat(textFile)).size;
    const oursMBs = search.bytes / 1048576 / (search.ms / 1000);
    const grepMBs = textBytes / 1048576 / (grep.ms / 1000);
    console.log(
      `search (main process, text not present, every message scanned), best of ${searches.map((x) => (x.ms / 1000).toFixed(2)).join(' / ')} s: ` +
        `${search.scanned.toLocaleString('en-US')} messages in ${(search.ms / 1000).toFixed(2)} s = ` +
        `${Math.round(search.scanned / (search.ms / 1000)).toLocaleString('en-US')} msg/s, ${oursMBs.toFixed(0)} MB/s of message bytes`,
    );
    console.log(
      `grep -c over the same ${COUNT.toLocaleString('en-US')} lines (${(textBytes / 1048576).toFixed(0)} MB), best of ${greps.map((x) => (x.ms / 1000).toFixed(2)).join(' / ')} s: ` +
        `${Math.round(COUNT / (grep.ms / 1000)).toLocaleString('en-US')} lines/s, ${grepMBs.toFixed(0)} MB/s (count ${grep.out})`,
    );
    console.log(
      `search / grep throughput: ${((search.scanned / search.ms / (COUNT / grep.ms)) * 100).toFixed(0)} % (target ≥ 33 %)`,
    );
  } finally {
    await app.close();
  }
}
