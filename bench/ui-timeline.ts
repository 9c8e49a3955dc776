/**
 * The timeline part of `npm run bench ui`: three topics (web, api, db) of
 * LOGDOCK_BENCH_TIMELINE_MESSAGES messages each (default 3 000 000; BENCH_QUICK=1: 100 000),
 * written by kcat (librdkafka) through Logdock's Kafka listener, the three producers at once
 * so that their times interleave as services' logs do. Prints seek by time → first rows
 * painted in the merged view (#/timeline?topics=web,api,db) in Chromium, each sample and
 * p50/max, beside the same seek in one of the topics alone in the same run. The data is
 * written once into bench-data/timeline-<n>/ and reused by later runs.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { ROOT, startApp, waitFor, type RunningApp } from '../test/e2e/harness';

const quick = process.env.BENCH_QUICK === '1';
const PER_TOPIC = Number(
  process.env.LOGDOCK_BENCH_TIMELINE_MESSAGES ?? (quick ? 100_000 : 3_000_000),
);
const TOPICS = ['web', 'api', 'db'];

function line(topic: string, i: number): string {
  const level = i % 97 === 0 ? 'ERROR' : i % 13 === 0 ? 'WARN' : 'INFO';
  return `{"service":"${topic}","level":"${level}","msg":"request ${i} handled","request_id":"r${i}","latency_ms":${i % 500}}`;
}

async function writeLines(file: string, topic: string): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < PER_TOPIC; i += 10_000) {
    let chunk = '';
    for (let j = i; j < Math.min(PER_TOPIC, i + 10_000); j++) chunk += line(topic, j) + '\n';
    if (!out.write(chunk)) await once(out, 'drain');
  }
  await new Promise<void>((resolve) => out.end(resolve));
}

/** kcat producing every line of `file` to `topic`; resolves when it has exited cleanly. */
function kcatProduce(bootstrap: string, topic: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'kcat',
      ['-b', bootstrap, '-P', '-t', topic, '-l', '-z', 'lz4', '-X', 'linger.ms=20', file],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kcat -t ${topic} exited ${code}: ${err}`)),
    );
  });
}

/** Writes the three topics with kcat through the Kafka listener of a running Logdock. */
async function prepare(dir: string): Promise<void> {
  const marker = join(dir, '.bench-complete');
  if (existsSync(marker)) return;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const lines = join(ROOT, 'bench-data', `timeline-lines-${PER_TOPIC}`);
  await mkdir(lines, { recursive: true });
  await Promise.all(TOPICS.map((t) => writeLines(join(lines, `${t}.txt`), t)));
  const app = await startApp({ dataDir: dir });
  try {
    const started = Date.now();
    for (const name of TOPICS)
      await app.api.call('topics.create', {
        name,
        partitions: 1,
        configs: { 'retention.ms': '-1' },
      } as never);
    const { kafkaListener } = await app.api.call('system.info', {});
    if (!kafkaListener) throw new Error('the Kafka listener is off');
    await Promise.all(TOPICS.map((t) => kcatProduce(kafkaListener, t, join(lines, `${t}.txt`))));
    await waitFor(async () => {
      const { topics } = await app.api.call('topics.list', {});
      return TOPICS.every((t) => topics.find((x) => x.name === t)?.messageCount === PER_TOPIC);
    }, 'every message to be stored');
    console.log(
      `  kcat wrote ${TOPICS.length} x ${PER_TOPIC.toLocaleString('en-US')} messages in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  } finally {
    await app.close();
  }
  await rm(lines, { recursive: true, force: true });
  await writeFile(marker, String(PER_TOPIC));
}

/**
 * Types a time into the seek box, clicks Go, and times until a row other than the one
 * selected before is selected and a frame has been painted.
 */
async function timeSeekByTime(app: RunningApp, value: string): Promise<number> {
  return app.page.evaluate(async (value) => {
    const input = document.querySelector<HTMLInputElement>('[data-testid="seek-time"]')!;
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setValue.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const selected = () =>
      document
        .querySelector('[data-testid="msg-row"][aria-selected="true"]')
        ?.getAttribute('data-index') ?? null;
    const before = selected();
    const start = performance.now();
    document.querySelector<HTMLButtonElement>('[data-testid="seek-time-go"]')!.click();
    return new Promise<number>((resolve) => {
      // A seek that paints nothing in 30 s is reported as such, not waited for forever.
      setTimeout(() => resolve(Number.NaN), 30_000);
      const done = () => {
        const now = selected();
        return now !== null && now !== before;
      };
      const painted = () => requestAnimationFrame(() => resolve(performance.now() - start));
      if (done()) return painted();
      const observer = new MutationObserver(() => {
        if (!done()) return;
        observer.disconnect();
        painted();
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    });
  }, value);
}

function localTime(ts: number): string {
  const d = new Date(ts);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  return `p50 ${s[Math.floor(s.length / 2)].toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms (${samples.map((x) => x.toFixed(0)).join(', ')})`;
}

/**
 * Ten seeks by time after one to warm up, to the times of messages spread over the view
 * (`timeOf(fraction)`), so that each lands on another row than the one before.
 */
async function seekSamples(
  app: RunningApp,
  timeOf: (fraction: number) => Promise<number>,
): Promise<number[]> {
  await timeSeekByTime(app, localTime(await timeOf(1 / 3)));
  const samples: number[] = [];
  for (let k = 0; k < 10; k++)
    samples.push(await timeSeekByTime(app, localTime(await timeOf((k + 0.5) / 10))));
  return samples;
}

async function openAndWait(app: RunningApp, hash: string): Promise<void> {
  await app.page.evaluate((h) => (location.hash = h), hash);
  console.log(`  opening ${hash}`);
  await waitFor(
    () => app.page.locator('[data-testid="msg-row"][aria-selected="true"]').count(),
    `the rows of ${hash}`,
    120_000,
  );
}

export async function runTimeline(): Promise<void> {
  const dir = join(ROOT, 'bench-data', `timeline-${PER_TOPIC}`);
  await mkdir(join(ROOT, 'bench-data'), { recursive: true });
  await prepare(dir);
  const app = await startApp({ dataDir: dir });
  try {
    await app.page.addInitScript('globalThis.__name = (f) => f');
    await app.page.evaluate('globalThis.__name = (f) => f');
    const { total } = await app.api.call('timeline.window', { topics: TOPICS, start: 0, count: 1 });
    /** The time of the message at `f` of the merged view, and of one topic alone. */
    const merged = async (f: number) => {
      const start = Math.floor(f * (total - 1));
      const w = await app.api.call('timeline.window', { topics: TOPICS, start, count: 1 });
      return w.rows[0].timestamp;
    };
    const alone = async (f: number) => {
      const start = Math.floor(f * (PER_TOPIC - 1));
      const w = await app.api.call('messages.window', { topic: TOPICS[1], start, count: 1 });
      return w.rows[0].timestamp;
    };
    const span = (await merged(1)) - (await merged(0));
    console.log(
      `timeline of ${TOPICS.join(', ')}: ${total.toLocaleString('en-US')} messages (${TOPICS.length} x ${PER_TOPIC.toLocaleString('en-US')}, written by kcat), spanning ${(span / 1000).toFixed(1)} s`,
    );
    await openAndWait(app, `#/timeline?topics=${TOPICS.join(',')}`);
    const mergedSeeks = await seekSamples(app, merged);
    console.log(`merged view, seek by time → first rows painted: ${stats(mergedSeeks)}`);
    await openAndWait(app, `#/topics/${TOPICS[1]}`);
    const aloneSeeks = await seekSamples(app, alone);
    console.log(
      `peer: topic ${TOPICS[1]} alone, seek by time → first rows painted: ${stats(aloneSeeks)}`,
    );
  } finally {
    await app.close();
  }
}
