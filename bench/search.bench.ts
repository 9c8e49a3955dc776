/**
 * Search benchmark (`npm run bench search`): N log lines (default 2,000,000;
 * BENCH_SEARCH_MESSAGES overrides, BENCH_QUICK=1 uses 300,000) produced into a topic, the
 * same lines in a text file; then `messages.search` for text (ignoring case, the UI's
 * default, and case-sensitive) and regexes through the headless server's WebSocket API (the
 * UI's path) beside `grep -ci` / `grep -c` / `grep -cE` / `grep -ciE` on the file, best of
 * 3 each. The same regex written with its literals inside groups, which the literal
 * pre-filter does not read, shows the engine alone on every line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiClient } from '../src/common/api/contract';
import type { SearchQuery } from '../src/common/api/messages';
import { sharedWorkerPool } from '../src/main/workers/pool';
import { best } from './fixtures/best';
import { fillTopic } from './fixtures/fill-topic';
import { openWebSocketApi } from './fixtures/ws-api';

const quick = process.env.BENCH_QUICK === '1';
const N = Number(process.env.BENCH_SEARCH_MESSAGES ?? (quick ? 300_000 : 2_000_000));
const TOPIC = 'search-bench';

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

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'logdock-bench-search-'));
  const dataDir = join(dir, 'data');
  const textFile = join(dir, 'lines.txt');
  try {
    await fillTopic({ dataDir, textFile, topic: TOPIC, count: N, line });
    const { api, close } = await openWebSocketApi(dataDir, dir);
    try {
      sharedWorkerPool().warm(); // as `logdock serve` does a second after start
      const cases = [
        ['text, ignoring case (the UI default)', { text: 'USER=U5 get' }, '-ci', 'USER=U5 get'],
        ['text, ignoring case, no hit', { text: 'No-Such-Needle' }, '-ci', 'No-Such-Needle'],
        ['text, case-sensitive', { text: 'user=u5 GET', caseSensitive: true }, '-c', 'user=u5 GET'],
        [
          'regex, case-sensitive',
          { regex: 'req=12345[0-9]+ user', caseSensitive: true },
          '-cE',
          'req=12345[0-9]+ user',
        ],
        ['regex, ignoring case', { regex: 'REQ=12345[0-9]+ USER' }, '-ciE', 'REQ=12345[0-9]+ USER'],
        [
          'regex, no literal read',
          { regex: '(?:req=12345)[0-9]+(?: user)', caseSensitive: true },
          '-cE',
          'req=12345[0-9]+ user',
        ],
      ] as const;
      console.log(
        `${N.toLocaleString('en')} messages; search through the WebSocket API vs grep on the same lines, best of 3`,
      );
      for (const [label, query, flags, pattern] of cases) {
        const ours = await best(() => search(api, { caseSensitive: false, ...query }));
        const theirs = await best(() => grep(flags, pattern, textFile));
        console.log(
          `${label.padEnd(38)} ${JSON.stringify(pattern)}: ${(ours.ms / 1000).toFixed(2)} s (${ours.hits} hits) vs grep ${flags} ` +
            `${(theirs.ms / 1000).toFixed(2)} s (${theirs.hits}): ${(theirs.ms / ours.ms).toFixed(2)}x grep's speed`,
        );
      }
    } finally {
      await close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
