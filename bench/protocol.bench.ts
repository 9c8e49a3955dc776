/**
 * Kafka listener benchmark (`npx tsx bench/run.ts protocol`). In one run:
 *   - kcat (librdkafka) producing 100-byte records to Logdock, and consuming them back,
 *     in records/s and MB/s (wall clock of the kcat process, connection setup included);
 *   - produce-to-consume latency (p50, p99) with a waiting kcat consumer through a spawned
 *     `logdock serve` (fixtures/serve-latency.ts, also `npm run bench latency`);
 *   - the in-process API (`broker.send`) as the reference;
 *   - redis-server's XADD with pipelining (`redis-benchmark -P 1000`), the peer a user would
 *     otherwise reach for, on the same machine in the same run.
 * The latency is measured twice on the same server: with its file collector idle, and while
 * it ingests a paced writer's file, the condition of issue 18's target.
 * Environment: BENCH_RECORDS (default 1,000,000; BENCH_QUICK=1 200,000), BENCH_LATENCY_SAMPLES
 * (default 1,000), BENCH_ROUNDS (kcat rounds, default 3; quick 1), BENCH_LOAD_RATE.
 * It prints figures and asserts nothing.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { openBroker } from '../src/main/broker';
import { startKafkaServer } from '../src/main/protocol';
import { startKafkaSink, type KafkaSink } from './fixtures/kafka-sink';
import { track } from './fixtures/children';
import { ownCpuMs, procCpuMs } from './cpu-time';
import {
  serveArgs,
  spawnLogdock,
  stopLogdock,
  waitForUrl,
} from '../test/main/cli/commands/serve-process';
import { waitFor } from '../test/wait';
import { describeLatency, measureServeLatency, type LatencyFigure } from './fixtures/serve-latency';

const quick = process.env.BENCH_QUICK === '1';
const RECORDS = Number(process.env.BENCH_RECORDS ?? (quick ? 200_000 : 1_000_000));
const RECORD_BYTES = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3));

function exec(
  cmd: string,
  args: string[],
  input?: string,
): Promise<{ ms: number; stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ ms: performance.now() - started, stdout, stderr, code }));
    child.on('error', (err) => resolve({ ms: 0, stdout, stderr: String(err), code: -1 }));
    child.stdin.end(input ?? '');
  });
}

function rate(records: number, ms: number): string {
  const perSec = (records / ms) * 1000;
  const mb = (perSec * RECORD_BYTES) / 1e6;
  return `${Math.round(perSec).toLocaleString('en-US')} records/s, ${mb.toFixed(1)} MB/s (${records} records in ${ms.toFixed(0)} ms)`;
}

/** A kcat run's wall clock and CPU time, and the broker's CPU time meanwhile. */
interface KcatRun {
  ms: number;
  code: number | null;
  stderr: string;
  kcatCpuMs: number;
  brokerCpuMs: number;
}

/** CPU time (user + system, ms) this process has used, its threads included. */

/**
 * Runs kcat under bash, whose `times` reports the CPU time (user + system) of the children
 * it waited for: kcat's own, which the wall clock alone cannot tell apart from the broker's
 * (`brokerCpuMs` reads the broker's). The bash around it costs a few milliseconds of the
 * wall clock, alike for every broker.
 */
async function timedKcat(args: string[], brokerCpuMs: () => number): Promise<KcatRun> {
  const before = brokerCpuMs();
  const res = await exec('bash', [
    '-c',
    'kcat "$@"; code=$?; times >&2; exit $code',
    'kcat',
    ...args,
  ]);
  const used = brokerCpuMs() - before;
  // `times` prints the shell's then its children's user and system times (e.g. 0m0.551s).
  const lines = res.stderr.trimEnd().split('\n');
  const seconds = [...(lines.at(-1) ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map(
    (m) => Number(m[1]) * 60 + Number(m[2]),
  );
  return {
    ms: res.ms,
    code: res.code,
    stderr: lines.slice(0, -2).join('\n'),
    kcatCpuMs: (seconds[0] + seconds[1]) * 1000,
    brokerCpuMs: used,
  };
}

/** A broker kcat produces into: where it listens, its CPU time, what a topic holds. */
interface ProduceTarget {
  name: string;
  bootstrap: string;
  cpuMs: () => number;
  /** Records stored (acknowledged, for the sink) so far in `topic`. */
  stored: (topic: string) => Promise<number>;
}

/**
 * Produces `file` into `topic` of `target` with kcat (acks=1) and prints the rate with kcat's
 * and the broker's CPU time. Returns records/s (0 when kcat failed).
 */
async function produceRound(
  target: ProduceTarget,
  topic: string,
  file: string,
  label: string,
): Promise<number> {
  const before = await target.stored(topic);
  const run = await timedKcat(kcatProduceArgs(target.bootstrap, topic, file, '1'), target.cpuMs);
  const records = (await target.stored(topic)) - before;
  if (run.code !== 0) {
    console.log(`${label} failed: ${run.stderr}`);
    return 0;
  }
  const cpu = `CPU: kcat ${(run.kcatCpuMs / 1000).toFixed(2)} s, ${target.name} ${(run.brokerCpuMs / 1000).toFixed(2)} s`;
  console.log(`${label} ${rate(records, run.ms)}; ${cpu}`);
  return (records / run.ms) * 1000;
}

/**
 * kcat arguments that produce every line of `file` into `topic` in large batches;
 * `idempotent` turns on librdkafka's idempotent producer.
 */
export function kcatProduceArgs(
  bootstrap: string,
  topic: string,
  file: string,
  acks: '1' | 'all',
  { idempotent = false }: { idempotent?: boolean } = {},
) {
  return [
    '-b',
    bootstrap,
    '-P',
    '-t',
    topic,
    '-l',
    file,
    '-X',
    `acks=${acks}`,
    ...(idempotent ? ['-X', 'enable.idempotence=true'] : []),
    '-X',
    'linger.ms=5',
    '-X',
    'batch.num.messages=10000',
    '-X',
    'queue.buffering.max.messages=1000000',
  ];
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function writeRecordsFile(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  const line = 'x'.repeat(RECORD_BYTES - 1) + '\n';
  const chunk = line.repeat(10_000);
  for (let written = 0; written < n; written += 10_000) {
    if (!out.write(n - written >= 10_000 ? chunk : line.repeat(n - written)))
      await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function redisXadd(): Promise<{ text: string; rate: number }> {
  const port = await freePort();
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
    { stdio: 'ignore' },
  );
  try {
    for (let i = 0; i < 100; i++) {
      const ping = await exec('redis-cli', ['-p', String(port), 'ping']);
      if (ping.stdout.includes('PONG')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const value = 'x'.repeat(RECORD_BYTES);
    const res = await exec('redis-benchmark', [
      '-p',
      String(port),
      '-P',
      '1000',
      '-n',
      String(RECORDS),
      '-q',
      'XADD',
      'bench',
      '*',
      'v',
      value,
    ]);
    const m = /([\d.]+) requests per second/.exec(res.stdout);
    return m
      ? {
          rate: Number(m[1]),
          text: `${Math.round(Number(m[1])).toLocaleString('en-US')} records/s (redis-benchmark -P 1000, ${RECORDS} XADD of ${RECORD_BYTES} bytes)`,
        }
      : { rate: NaN, text: `failed: ${res.stdout} ${res.stderr}` };
  } finally {
    server.kill('SIGKILL');
    await once(server, 'close');
  }
}

/**
 * The same kcat rounds into `logdock serve` (bin/logdock.mjs, built: `npm run build`), the
 * process a user runs: its HTTP API, metrics and maintenance timers alive beside the
 * listener, its CPU time read from /proc. Topics are created by kcat's Metadata (auto
 * create, one partition). Returns the best records/s, NaN when serve did not start.
 */
async function produceIntoServe(dir: string, file: string): Promise<number> {
  const run = spawnLogdock(['serve', ...serveArgs(join(dir, 'served'))], { detached: true });
  track(run.child, true);
  try {
    await waitForUrl(run, 120_000);
    // The listener's line is logged on the other stream: it may arrive after the address.
    const kafka = await waitFor(
      () => /\[kafka\] listening on (\S+)/.exec(run.out() + run.err())?.[1],
      () => `the Kafka listener's address:\n${run.err()}`,
      { timeoutMs: 60_000, intervalMs: 25 },
    );
    const pid = run.child.pid!;
    const target: ProduceTarget = {
      name: 'serve',
      bootstrap: kafka,
      cpuMs: () => procCpuMs(pid),
      stored: (topic) => endOffset(kafka, topic),
    };
    let best = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const label = `kcat produce into logdock serve #${round}:`;
      best = Math.max(best, await produceRound(target, `serve-${round}`, file, label));
    }
    return best;
  } catch (err) {
    console.log(`kcat produce into logdock serve: not measured (${(err as Error).message})`);
    return NaN;
  } finally {
    await stopLogdock(run);
  }
}

/** The end offset of partition 0 of `topic` (0 when it does not exist yet), asked with kcat -Q. */
async function endOffset(bootstrap: string, topic: string): Promise<number> {
  const res = await exec('kcat', ['-b', bootstrap, '-Q', '-t', `${topic}:0:-1`]);
  return Number(/ offset (\d+)/.exec(res.stdout)?.[1] ?? 0);
}

export interface KafkaFigures {
  records: number;
  /** Best records/s of the rounds. */
  produce: number;
  /** Best records/s of the same kcat runs into a sink that only acknowledges (kcat's ceiling). */
  sink: number;
  /** Best records/s of the same kcat runs into a `logdock serve` process (NaN: not measured). */
  serve: number;
  consume: number;
  /** redis-server XADD records/s (-P 1000), NaN when it failed. */
  xadd: number;
  /** Produce -> consume latency (ms) with a waiting consumer while the collectors ingest. */
  loaded: LatencyFigure;
  /** The same with the collector idle. */
  quiet: LatencyFigure;
}

/** Prints every figure of the Kafka listener beside redis-server's; returns the headline ones. */
export async function measureKafka(): Promise<KafkaFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'logdock-bench-protocol-'));
  const broker = await openBroker({ dataDir: dir });
  const server = await startKafkaServer(broker, { port: 0 });
  const bootstrap = `127.0.0.1:${server.address().port}`;
  const sink: KafkaSink = await startKafkaSink();
  try {
    const file = join(dir, 'records.txt');
    await writeRecordsFile(file, RECORDS);
    // The machine is shared: three rounds, each figure printed, the best one summarised.
    // Each round also produces the same file with the same arguments into a sink that only
    // acknowledges: kcat's own ceiling on this machine, beside Logdock's figure.
    let bestProduce = 0;
    let bestConsume = 0;
    let bestSink = 0;
    const logdock: ProduceTarget = {
      name: 'broker',
      bootstrap,
      cpuMs: ownCpuMs,
      stored: async (topic) => broker.describeTopic(topic).partitions[0].logEndOffset,
    };
    const intoSink: ProduceTarget = {
      name: 'sink',
      bootstrap: `127.0.0.1:${sink.port}`,
      cpuMs: ownCpuMs,
      stored: async () => sink.records(),
    };
    for (let round = 1; round <= ROUNDS; round++) {
      const topic = `bench-${round}`;
      await broker.createTopic(topic, { partitions: 1 });
      const produced = await produceRound(
        logdock,
        topic,
        file,
        `kcat produce (acks=1) #${round}:   `,
      );
      bestProduce = Math.max(bestProduce, produced);
      const sunk = await produceRound(
        intoSink,
        topic,
        file,
        `kcat into a sink that only acknowledges #${round}:`,
      );
      bestSink = Math.max(bestSink, sunk);
      const consume = await exec('kcat', [
        '-b',
        bootstrap,
        '-C',
        '-t',
        topic,
        '-o',
        'beginning',
        '-e',
        '-q',
        '-f',
        '.',
        '-X',
        'fetch.message.max.bytes=4194304',
        // At the end of the log a fetch waits up to fetch.wait.max.ms (500 ms by default)
        // before kcat sees the end and exits: keep that wait out of the throughput figure.
        '-X',
        'fetch.wait.max.ms=10',
        // Let librdkafka keep fetching ahead instead of pausing at 100,000 queued records.
        '-X',
        'queued.min.messages=1000000',
      ]);
      if (consume.code === 0)
        bestConsume = Math.max(bestConsume, (consume.stdout.length / consume.ms) * 1000);
      console.log(
        `kcat consume #${round}:             ${consume.code === 0 ? rate(consume.stdout.length, consume.ms) : `failed: ${consume.stderr}`}`,
      );
      await broker.deleteTopic(topic);
    }
    console.log(
      `kcat best of ${ROUNDS}:               produce ${Math.round(bestProduce).toLocaleString('en-US')} records/s, consume ${Math.round(bestConsume).toLocaleString('en-US')} records/s; into the sink ${Math.round(bestSink).toLocaleString('en-US')} records/s (Logdock at ${((bestProduce / bestSink) * 100).toFixed(0)}% of it)`,
    );

    // The listener as a user meets it: a separate `logdock serve` process, same kcat runs.
    const bestServe = await produceIntoServe(dir, file);

    await broker.createTopic('bench-all', { partitions: 1 });
    const produceAll = await exec('kcat', kcatProduceArgs(bootstrap, 'bench-all', file, 'all'));
    const storedAll = broker.describeTopic('bench-all').partitions[0].logEndOffset;
    console.log(
      `kcat produce (acks=all, fsync): ${produceAll.code === 0 ? rate(storedAll, produceAll.ms) : `failed: ${produceAll.stderr}`}`,
    );

    await broker.createTopic('inproc', { partitions: 1 });
    const value = Buffer.alloc(RECORD_BYTES, 'x');
    const started = performance.now();
    const batch = 10_000;
    for (let i = 0; i < RECORDS; i += batch) {
      await broker.send(
        Array.from({ length: Math.min(batch, RECORDS - i) }, () => ({
          topic: 'inproc',
          partition: 0,
          value,
        })),
        { acks: 1 },
      );
    }
    console.log(`in-process broker.send:      ${rate(RECORDS, performance.now() - started)}`);

    const xadd = await redisXadd();
    console.log(`redis-server XADD:           ${xadd.text}`);
    console.log(
      `kcat produce / redis XADD:   ${(bestProduce / xadd.rate).toFixed(2)}x (target >= 4x; into logdock serve: ${(bestServe / xadd.rate).toFixed(2)}x; kcat into the sink: ${(bestSink / xadd.rate).toFixed(2)}x)`,
    );
    const { quiet, loaded } = await measureServeLatency();
    console.log(`produce-to-consume latency through logdock serve, waiting kcat consumer:`);
    console.log(`  ${describeLatency(quiet)}`);
    console.log(`  ${describeLatency(loaded)} (target p99 < 10 ms)`);
    return {
      records: RECORDS,
      produce: bestProduce,
      sink: bestSink,
      serve: bestServe,
      consume: bestConsume,
      xadd: xadd.rate,
      loaded,
      quiet,
    };
  } finally {
    await sink.close();
    await server.close();
    await broker.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await measureKafka();
}
