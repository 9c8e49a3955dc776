/**
 * Replay benchmarks (`npm run bench replay`): replays a topic of N small log-like messages
 * (default 1,000,000; BENCH_REPLAY_MESSAGES overrides, BENCH_QUICK=1 uses 100,000) into a
 * new topic, into a new topic through a search filter, and into a JSON Lines file. Prints
 * messages/s and the peak heap and RSS growth seen while each job ran, sampled every 50 ms:
 * replay reads and writes one chunk at a time, so the growth must not follow N.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBroker, type Broker } from '../src/main/broker';
import { LocalCluster } from '../src/main/cluster';
import type { ReplayRange, ReplayTarget } from '../src/common/api/replay';
import { ReplayManager } from '../src/main/replay/manager';
import { compileQuery } from '../src/main/search/query';

const quick = process.env.BENCH_QUICK === '1';
const N = Number(process.env.BENCH_REPLAY_MESSAGES ?? (quick ? 100_000 : 1_000_000));
const MiB = 1024 * 1024;

async function fill(broker: Broker): Promise<void> {
  await broker.createTopic('source', { partitions: 4 });
  const t0 = Date.now() - N;
  const batch = 5000;
  for (let i = 0; i < N; i += batch) {
    const records = [];
    for (let j = i; j < Math.min(N, i + batch); j++) {
      const level = j % 100 === 0 ? 'error' : 'info';
      records.push({
        topic: 'source',
        partition: j % 4,
        key: Buffer.from(`req-${j % 1000}`),
        value: Buffer.from(
          `{"time":${t0 + j},"level":"${level}","msg":"request ${j} served","latency_ms":${j % 400}}`,
        ),
        timestamp: t0 + j,
      });
    }
    await broker.send(records);
  }
}

async function measure(
  manager: ReplayManager,
  label: string,
  range: ReplayRange,
  target: ReplayTarget,
) {
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  let heapPeak = heap0;
  let rssPeak = rss0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    heapPeak = Math.max(heapPeak, m.heapUsed);
    rssPeak = Math.max(rssPeak, m.rss);
  }, 50);
  const started = performance.now();
  const job = await manager.start(range, target);
  const done = await manager.wait(job.id);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  console.log(
    `${label.padEnd(34)} ${done.state} read ${done.scanned} wrote ${done.written} in ${seconds.toFixed(1)} s: ` +
      `${Math.round(done.scanned / seconds).toLocaleString('en')} msg/s read; ` +
      `peak growth heap ${((heapPeak - heap0) / MiB).toFixed(1)} MiB, RSS ${((rssPeak - rss0) / MiB).toFixed(1)} MiB`,
  );
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'logdock-bench-replay-'));
  const broker = await openBroker({ dataDir: dir });
  try {
    const t = performance.now();
    await fill(broker);
    const size = broker.describeTopic('source').partitions.reduce((n, p) => n + p.sizeBytes, 0);
    console.log(
      `source: ${N.toLocaleString('en')} messages, ${(size / MiB).toFixed(0)} MiB on disk, filled in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const manager = new ReplayManager(new LocalCluster(broker), { compileFilter: compileQuery });
    const all: ReplayRange = {
      topic: 'source',
      from: { kind: 'earliest' },
      to: { kind: 'latest' },
    };
    await measure(manager, 'into a new topic (all kept)', all, {
      kind: 'topic',
      topic: 'copy',
      keepKeys: true,
      keepHeaders: true,
      keepTimestamps: true,
      keepPartitions: true,
    });
    await measure(
      manager,
      'filtered (level == "error")',
      { ...all, filter: { filter: 'level == "error"', caseSensitive: false } },
      {
        kind: 'topic',
        topic: 'errors',
        keepKeys: true,
        keepHeaders: true,
        keepTimestamps: true,
        keepPartitions: false,
      },
    );
    const file = join(dir, 'replay.jsonl');
    await measure(manager, 'into a JSON Lines file', all, { kind: 'file', path: file });
    console.log(`file: ${((await stat(file)).size / MiB).toFixed(0)} MiB`);
  } finally {
    await broker.close();
    await rm(dir, { recursive: true, force: true });
  }
}
