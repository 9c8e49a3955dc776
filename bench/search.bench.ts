/**
 * Search benchmark (`npm run bench search`): N log lines (default 2,000,000;
 * `--messages N` or BENCH_SEARCH_MESSAGES overrides, BENCH_QUICK=1 uses 300,000) written
 * into a topic by kcat through the Kafka listener (batches as a real client makes them), the
 * same lines in the text file kcat read; then `messages.search` for text (ignoring case, the
 * UI's default, and case-sensitive) and regexes through the headless server's WebSocket API
 * (the UI's path) beside `grep -ci` / `grep -c` / `grep -cE` / `grep -ciE` on the file, best
 * of 3 each. The same regex written with its literals inside groups, which the literal
 * pre-filter does not read, shows the engine alone on every line.
 *
 * With `--messages`, the data lives in /tmp/logdock-bench-search-<N> and is reused by the
 * next run with the same N (10 M messages take a minute to write and ~2.5 GB of disk, which
 * is checked first). BENCH_SEARCH_LOAD=1 runs every case, ours and grep's, while a file
 * collector ingests in this process (fixtures/ingest-load.ts), issue 18's "under the same
 * load"; `npm run bench scale` always does. BENCH_SEARCH_CASES=cs,ci-none (the keys of
 * SearchCase) runs only those cases, for alternating runs of two checkouts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, statfsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiClient } from '../src/common/api/contract';
import type { SearchQuery } from '../src/common/api/messages';
import { sharedWorkerPool } from '../src/main/workers/pool';
import { best } from './fixtures/best';
import { openWebSocketApi } from './fixtures/ws-api';
import { kcatProduceArgs } from './protocol.bench';
import { startIngestLoad } from './fixtures/ingest-load';

const quick = process.env.BENCH_QUICK === '1';
const flag = process.argv.indexOf('--messages');
const TOPIC = 'search-bench';
/** Bytes of disk one message takes, text file and log together, with room to spare. */
const BYTES_PER_MESSAGE = 300;

const line = (i: number) =>
  `2026-05-01T10:00:00.${String(i % 1000).padStart(3, '0')}Z INFO req=${i} user=u${i % 997} GET /api/items/${i % 5000} 200 ${i % 400}ms`;

function search(api: ApiClient, query: SearchQuery) {
  return new Promise<{ ms: number; hits: number }>((resolve, reject) => {
    let hits = 0;
    const started = performance.now();
    const stop = api.subscribe(
      'messages.search',
      { topic: TOPIC, query, maxResults: 100_000 },
      (e) => {
        if (e.type === 'hits') hits += e.hits.length;
        if (e.type === 'done') {
          stop();
          resolve({ ms: performance.now() - started, hits });
        }
        if (e.type === 'error') reject(new Error(e.message));
      },
      (err) => reject(new Error(err.message)),
    );
  });
}

function grep(flags: string, regex: string, file: string) {
  const started = performance.now();
  const res = spawnSync('grep', [flags, regex, file], { encoding: 'utf8' });
  return { ms: performance.now() - started, hits: Number(res.stdout.trim()) };
}

/** The lines in a text file, then kcat producing that file into the topic. */
async function fill(dir: string, api: Awaited<ReturnType<typeof openWebSocketApi>>, N: number) {
  const textFile = join(dir, 'lines.txt');
  const out = createWriteStream(textFile);
  for (let i = 0; i < N; i += 10_000) {
    let text = '';
    for (let j = i; j < Math.min(N, i + 10_000); j++) text += line(j) + '\n';
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  await api.services.broker.createTopic(TOPIC, { partitions: 1 });
  const started = performance.now();
  const kcat = spawn('kcat', kcatProduceArgs(api.services.kafkaListener!, TOPIC, textFile, '1'), {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const [code] = (await once(kcat, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`kcat exited with ${code}`);
  const end = api.services.broker.describeTopic(TOPIC).partitions[0].logEndOffset;
  if (end !== N) throw new Error(`kcat wrote ${end} messages, not ${N}`);
  console.log(
    `kcat wrote ${N.toLocaleString('en')} messages in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

export interface SearchCase {
  key: 'ci' | 'ci-none' | 'cs' | 'regex' | 'regex-ci' | 'regex-engine';
  label: string;
  oursMs: number;
  grepMs: number;
  grep: string;
}

/**
 * Every case through the API beside grep on the same lines; `messages` (default: --messages,
 * BENCH_SEARCH_MESSAGES, 2 M or quick 300 k) and `kept` (reuse /tmp/logdock-bench-search-<N>),
 * `loaded` (under the ingest load). Null when the disk is too full.
 */
export async function measureSearch(
  opts: { messages?: number; kept?: boolean; loaded?: boolean } = {},
): Promise<{ messages: number; condition: string; cases: SearchCase[] } | null> {
  const kept = opts.kept ?? flag !== -1;
  const N =
    opts.messages ??
    Number(
      (flag !== -1 ? process.argv[flag + 1] : undefined) ??
        process.env.BENCH_SEARCH_MESSAGES ??
        (quick ? 300_000 : 2_000_000),
    );
  const dir = kept
    ? join(tmpdir(), `logdock-bench-search-${N}`)
    : await mkdtemp(join(tmpdir(), 'logdock-bench-search-'));
  const ready = join(dir, 'ready');
  const reuse = kept && existsSync(ready);
  if (!reuse) {
    await rm(dir, { recursive: true, force: true });
    const { bavail, bsize } = statfsSync(tmpdir());
    const need = N * BYTES_PER_MESSAGE;
    if (bavail * bsize < need + 2 ** 30) {
      console.log(
        `search: ${N.toLocaleString('en')} messages need ~${(need / 2 ** 30).toFixed(1)} GiB and 1 GiB to spare; ${tmpdir()} has ${((bavail * bsize) / 2 ** 30).toFixed(1)} GiB free: skipped`,
      );
      return null;
    }
    await mkdir(dir, { recursive: true });
  }
  const dataDir = join(dir, 'data');
  const textFile = join(dir, 'lines.txt');
  try {
    const opened = await openWebSocketApi(dataDir, dir, {
      kafka: { enabled: true, host: '127.0.0.1', port: 0 },
    });
    const { api, close } = opened;
    try {
      if (reuse)
        console.log(`reusing ${N.toLocaleString('en')} messages written by kcat in ${dir}`);
      else {
        await fill(dir, opened, N);
        if (kept) await writeFile(ready, '');
      }
      sharedWorkerPool().warm(); // as `logdock serve` does a second after start
      const cases = [
        [
          'ci',
          'text, ignoring case (the UI default)',
          { text: 'USER=U5 get' },
          '-ci',
          'USER=U5 get',
        ],
        [
          'ci-none',
          'text, ignoring case, no hit',
          { text: 'No-Such-Needle' },
          '-ci',
          'No-Such-Needle',
        ],
        [
          'cs',
          'text, case-sensitive',
          { text: 'user=u5 GET', caseSensitive: true },
          '-c',
          'user=u5 GET',
        ],
        [
          'regex',
          'regex, case-sensitive',
          { regex: 'req=12345[0-9]+ user', caseSensitive: true },
          '-cE',
          'req=12345[0-9]+ user',
        ],
        [
          'regex-ci',
          'regex, ignoring case',
          { regex: 'REQ=12345[0-9]+ USER' },
          '-ciE',
          'REQ=12345[0-9]+ USER',
        ],
        [
          'regex-engine',
          'regex, no literal read',
          { regex: '(?:req=12345)[0-9]+(?: user)', caseSensitive: true },
          '-cE',
          'req=12345[0-9]+ user',
        ],
      ] as const;
      const load =
        (opts.loaded ?? process.env.BENCH_SEARCH_LOAD === '1') ? await startIngestLoad() : null;
      const results: SearchCase[] = [];
      try {
        console.log(
          `${N.toLocaleString('en')} messages; search through the WebSocket API vs grep on the same lines, best of 3, ` +
            (load ? `both ${load.describe()}` : 'no other load'),
        );
        const only = process.env.BENCH_SEARCH_CASES?.split(',').map((k) => k.trim());
        for (const [key, label, query, flags, pattern] of cases) {
          if (only && !only.includes(key)) continue;
          const ours = await best(() => search(api, { caseSensitive: false, ...query }));
          const theirs = await best(() => grep(flags, pattern, textFile));
          results.push({ key, label, oursMs: ours.ms, grepMs: theirs.ms, grep: `grep ${flags}` });
          console.log(
            `${label.padEnd(38)} ${JSON.stringify(pattern)}: ${(ours.ms / 1000).toFixed(2)} s (${ours.hits} hits) vs grep ${flags} ` +
              `${(theirs.ms / 1000).toFixed(2)} s (${theirs.hits}): ${(theirs.ms / ours.ms).toFixed(2)}x grep's speed`,
          );
        }
      } finally {
        await load?.stop();
      }
      const condition = load ? load.describe() : 'no other load';
      if (load) console.log(`  meanwhile: ${condition}`);
      return { messages: N, condition, cases: results };
    } finally {
      await close();
    }
  } finally {
    if (!kept) await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await measureSearch();
}
