/**
 * CLI benchmarks (`npm run bench cli`): `logdock produce` of N stdin lines (default
 * 1,000,000; BENCH_CLI_LINES overrides, BENCH_QUICK=1 uses 100,000), run as a user runs
 * it (bin/logdock.mjs, stdin from a file), once into a data directory no Logdock serves and
 * once through a running `logdock serve` on another one (its API, pipelined batches).
 * Prints lines/s of each, the ratio, and the peak RSS of the produce process. The process's
 * start (loading the bundle or, without a fresh build, the TypeScript sources through tsx,
 * and opening the data directory) is timed alone with an empty stdin and shown apart, with
 * the rate of the lines once started. Peers in the same run: `wc -l` and `cat > /dev/null`
 * on the same file, and kcat producing it into a Logdock's Kafka listener.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import {
  ROOT,
  serveArgs,
  spawnLogdock,
  stopLogdock,
  waitForUrl,
} from '../test/main/cli/commands/serve-process';
import { silentLogger } from '../src/main/logger';
import { openServices } from '../src/main/services';
import { best } from './fixtures/best';
import { kcatProduceArgs } from './protocol.bench';

const quick = process.env.BENCH_QUICK === '1';
const N = Number(process.env.BENCH_CLI_LINES ?? (quick ? 100_000 : 1_000_000));

async function writeLines(path: string): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < N; i++) {
    const line = `2026-05-01T10:00:00.${String(i % 1000).padStart(3, '0')}Z INFO req=${i} user=u${i % 997} GET /api/items/${i % 5000} 200 ${i % 400}ms\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Runs `logdock produce` with stdin from `input`; seconds and peak RSS (GNU time, if there). */
async function produce(
  input: string,
  dataDir: string,
): Promise<{ seconds: number; rssMiB: number | null; err: string }> {
  const time = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'maxrss=%M'] : [];
  const args = [
    process.execPath,
    join(ROOT, 'bin', 'logdock.mjs'),
    'produce',
    '--topic',
    'bench',
    '--data-dir',
    dataDir,
  ];
  const [cmd, ...rest] = [...time, ...args];
  const fd = openSync(input, 'r');
  const started = performance.now();
  const child = spawn(cmd, rest, { cwd: ROOT, stdio: [fd, 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const seconds = (performance.now() - started) / 1000;
  closeSync(fd);
  if (code !== 0) throw new Error(`logdock produce failed (${code}): ${err}`);
  const kib = /maxrss=(\d+)/.exec(err)?.[1];
  return { seconds, rssMiB: kib ? Number(kib) / 1024 : null, err };
}

type Produced = Awaited<ReturnType<typeof produce>>;
const withMs = (r: Produced): Produced & { ms: number } => ({ ...r, ms: r.seconds * 1000 });

const perSec = (n: number, seconds: number) =>
  `${Math.round(n / seconds).toLocaleString('en')} lines/s`;

function line(
  label: string,
  r: { seconds: number; rssMiB: number | null },
  startSeconds?: number,
): number {
  const rate = N / r.seconds;
  const started =
    startSeconds === undefined
      ? ''
      : `; the start alone (empty stdin) ${startSeconds.toFixed(2)} s, the lines ` +
        (r.seconds > startSeconds ? perSec(N, r.seconds - startSeconds) : 'lost in the noise');
  console.log(
    `${label.padEnd(36)} ${N.toLocaleString('en')} lines in ${r.seconds.toFixed(2)} s: ` +
      `${perSec(N, r.seconds)}${started}` +
      (r.rssMiB === null ? '' : `, peak RSS ${r.rssMiB.toFixed(0)} MiB`),
  );
  return rate;
}

/** Seconds `cmd args` takes with stdin from `input` (its output discarded). */
async function timed(cmd: string, args: string[], input: string): Promise<number> {
  const fd = openSync(input, 'r');
  const started = performance.now();
  const child = spawn(cmd, args, { stdio: [fd, 'ignore', 'inherit'] });
  await once(child, 'exit');
  closeSync(fd);
  return (performance.now() - started) / 1000;
}

/** kcat producing every line of `input` into a Logdock's Kafka listener (in this process). */
async function kcatProduce(dir: string, input: string): Promise<number> {
  const services = await openServices({
    dataDir: join(dir, 'kcat'),
    mode: 'test',
    logger: silentLogger,
    kafka: { enabled: true, host: '127.0.0.1', port: 0 },
  });
  try {
    await services.broker.createTopic('bench', { partitions: 1 });
    const args = kcatProduceArgs(services.kafkaListener!, 'bench', input, '1');
    const started = performance.now();
    const child = spawn('kcat', args, { stdio: ['ignore', 'ignore', 'inherit'] });
    await once(child, 'exit');
    return (performance.now() - started) / 1000;
  } finally {
    await services.close();
  }
}

export interface ProduceFigures {
  lines: number;
  /** Lines/s of `logdock produce` into a data dir no Logdock serves (start included). */
  direct: number;
  /** The same once started (the start alone subtracted), NaN when lost in the noise. */
  started: number;
  /** Peers on the same file: lines/s of cat > /dev/null, wc -l, kcat into the Kafka listener. */
  cat: number;
  wc: number;
  kcat: number;
}

/** Every figure of `logdock produce` beside its peers; `throughServer` adds the served case. */
export async function measureProduce(throughServer = true): Promise<ProduceFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'logdock-bench-cli-'));
  try {
    const input = join(dir, 'lines.txt');
    await writeLines(input);
    const bundle = existsSync(join(ROOT, 'out', 'main', 'cli.js')) ? 'built bundle' : 'no build';
    console.log(`logdock runs from: ${bundle} (bin/logdock.mjs falls back to tsx when stale)`);
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    // Best of 3 each (this machine is shared): the start alone, then the lines.
    const start = (await best(async () => withMs(await produce(empty, join(dir, 'start')))))
      .seconds;
    let round = 0;
    const directRun = await best(async () =>
      withMs(await produce(input, join(dir, `direct-${round++}`))),
    );
    const direct = line('produce, no Logdock running', directRun, start);
    const wc = await timed('wc', ['-l'], input);
    const cat = await timed('cat', [], input);
    console.log(
      `peers: wc -l ${perSec(N, wc)} (${wc.toFixed(2)} s), cat > /dev/null ${perSec(N, cat)} (${cat.toFixed(2)} s)`,
    );
    const kcat = await kcatProduce(dir, input);
    console.log(`kcat produce into the Kafka listener: ${perSec(N, kcat)} (${kcat.toFixed(2)} s)`);
    const figures: ProduceFigures = {
      lines: N,
      direct,
      started: directRun.seconds > start ? N / (directRun.seconds - start) : NaN,
      cat: N / cat,
      wc: N / wc,
      kcat: N / kcat,
    };
    if (!throughServer) return figures;
    const served = join(dir, 'served');
    const server = spawnLogdock(['serve', ...serveArgs(served)]);
    try {
      await waitForUrl(server);
      const api = line('produce through a running Logdock', await produce(input, served));
      console.log(`through a running Logdock / no Logdock: ${(api / direct).toFixed(2)}x`);
    } finally {
      await stopLogdock(server);
    }
    return figures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await measureProduce();
}
