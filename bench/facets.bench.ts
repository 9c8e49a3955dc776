/**
 * Facets benchmark (`npm run bench facets`): N JSON log lines (default 1,000,000;
 * BENCH_FACETS_MESSAGES overrides, BENCH_QUICK=1 uses 200,000) produced into a topic and
 * written to a text file; then the top values of a field over the whole view with
 * `messages.aggregate` through the headless server's WebSocket API (the UI's path), beside
 * `jq -r .svc | sort | uniq -c` and `grep -o '"svc":"[^"]*"' | sort | uniq -c` on the same
 * lines, best of 3 each. Then the same with a filter (the facet over a search's hits).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiClient, SubParamsOf } from '../src/common/api/contract';
import { best } from './fixtures/best';
import { fillTopic } from './fixtures/fill-topic';
import { openWebSocketApi } from './fixtures/ws-api';

const quick = process.env.BENCH_QUICK === '1';
const N = Number(process.env.BENCH_FACETS_MESSAGES ?? (quick ? 200_000 : 1_000_000));
const TOPIC = 'facets-bench';
const T0 = Date.parse('2026-05-01T10:00:00Z');
const LEVELS = ['info', 'info', 'info', 'debug', 'warn', 'error'];

const line = (i: number) =>
  JSON.stringify({
    time: new Date(T0 + i).toISOString(),
    level: LEVELS[i % LEVELS.length],
    svc: `svc-${i % 37}`,
    msg: `GET /api/items/${i % 5000}`,
    status: i % 50 === 0 ? 500 : 200,
    latency_ms: i % 400,
  });

function facet(api: ApiClient, params: SubParamsOf<'messages.aggregate'>) {
  return new Promise<{ ms: number; top: string; counted: number }>((resolve, reject) => {
    const started = performance.now();
    const stop = api.subscribe(
      'messages.aggregate',
      params,
      (e) => {
        if (e.type === 'result' && e.final) {
          stop();
          const top = e.facet?.values[0];
          resolve({
            ms: performance.now() - started,
            top: `${top?.value} ${top?.count}`,
            counted: e.matched,
          });
        }
        if (e.type === 'error') reject(new Error(e.message));
      },
      (err) => reject(new Error(err.message)),
    );
  });
}

/** A shell pipeline's time and the first line of its output (the most common value). */
function pipeline(cmd: string) {
  const started = performance.now();
  const res = spawnSync('sh', ['-c', `${cmd} | sort | uniq -c | sort -rn | head -1`], {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C' },
  });
  return { ms: performance.now() - started, top: res.stdout.trim() };
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'logdock-bench-facets-'));
  const dataDir = join(dir, 'data');
  const textFile = join(dir, 'lines.jsonl');
  try {
    await fillTopic({ dataDir, textFile, topic: TOPIC, count: N, line, timestamp: (i) => T0 + i });
    const { api, close } = await openWebSocketApi(dataDir, dir);
    try {
      console.log(
        `${N.toLocaleString('en')} JSON messages; top values of "svc" through the WebSocket API vs shell pipelines on the same lines, best of 3`,
      );
      const print = (label: string, r: { ms: number; top: string }) =>
        console.log(`${label.padEnd(48)} ${(r.ms / 1000).toFixed(2)} s (top: ${r.top})`);
      print(
        'messages.aggregate, whole view',
        await best(() => facet(api, { topic: TOPIC, field: 'svc' })),
      );
      print(
        'messages.aggregate, hits of level == "error"',
        await best(() =>
          facet(api, { topic: TOPIC, field: 'svc', query: { filter: 'level == "error"' } }),
        ),
      );
      print('jq -r .svc | sort | uniq -c', await best(() => pipeline(`jq -r .svc ${textFile}`)));
      print(
        `grep -o '"svc":"[^"]*"' | sort | uniq -c`,
        await best(() => pipeline(`grep -o '"svc":"[^"]*"' ${textFile}`)),
      );
    } finally {
      await close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
