/**
 * Read-check benchmark (`npm run bench read-check`): what checking a read's batches (CRC,
 * offsets; storage/read-check.ts) costs the main thread, inline and on the ingest worker
 * thread, in the same run.
 *  1. Per read size (kcat-like batches of 100-byte records): the main thread's time for an
 *     inline check beside its time for the hop to the thread and back (posting, the answer's
 *     message event, the promise), and the hop's wall
 *     time. Where they cross is OFF_THREAD_READ_CHECK_BYTES. Main-thread time is its CPU time
 *     (Linux: /proc/thread-self/schedstat).
 *  2. Through the real path: a broker and its Kafka listener in this process, a topic of
 *     BENCH_RECORDS records (default 2,000,000; BENCH_QUICK=1: 500,000) written by kcat, then
 *     kcat consuming it from the start after a reopen (nothing checked yet), with the checks
 *     inline (Broker option inlineReadChecks, the reference) and on the thread, alternately,
 *     three times each: the main thread's CPU time during the consume, the event loop's delay
 *     (p99, max) and kcat's time. kcat is another process: what this process's main thread
 *     does is the listener's work. BENCH_READ_CHECK=sizes runs only 1. Prints figures;
 *     asserts nothing.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { offThreadReadCheck } from '../src/main/broker/read-check-off-thread';
import { openBroker } from '../src/main/broker';
import { sharedBuffer } from '../src/main/buffer-pool';
import { startKafkaServer } from '../src/main/protocol';
import { encodeRecordBatch } from '../src/main/storage';
import { checkBatches } from '../src/main/storage/check-batches';
import { waitFor } from '../test/wait';
import { track } from './fixtures/children';
import { kcatProduceArgs } from './protocol.bench';

const quick = process.env.BENCH_QUICK === '1';
const RECORDS = Number(process.env.BENCH_RECORDS ?? (quick ? 500_000 : 2_000_000));
const SIZES_KIB = [16, 32, 64, 128, 256, 1024];
const bounds = { baseOffset: 0, endOffset: Number.MAX_SAFE_INTEGER };

/** `bytes` (about) of batches of 160 records of 100 bytes, in shared memory as a Fetch reads them. */
function batchesOf(bytes: number): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  for (let base = 0; size < bytes; base += 160) {
    const records = Array.from({ length: 160 }, (_, i) => ({
      value: Buffer.from(
        `2026-05-01T10:00:00.000Z INFO req=${base + i} GET /api/items/${i} 200`.padEnd(100, '.'),
      ),
      timestamp: 1_700_000_000_000 + base + i,
    }));
    const batch = encodeRecordBatch(records, { baseOffset: base });
    parts.push(batch);
    size += batch.length;
  }
  const out = sharedBuffer(size);
  Buffer.concat(parts).copy(out);
  return out;
}

/** This thread's time on a CPU so far, ms (Linux: /proc/thread-self/schedstat, in ns). */
function threadCpuMs(): number {
  return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
}

/**
 * The main thread's CPU time over `fn`'s run (on a loaded machine its event-loop active
 * time also counts the time it waited for a core), and the wall time.
 */
async function mainThreadMs(fn: () => Promise<void>): Promise<{ busy: number; wall: number }> {
  const cpu0 = threadCpuMs();
  const t0 = performance.now();
  await fn();
  return { busy: threadCpuMs() - cpu0, wall: performance.now() - t0 };
}

/** Best (lowest) per-call figures of three rounds of `n` calls each. */
async function timeChecks(
  buf: Buffer,
  n: number,
): Promise<{ inline: number; main: number; wall: number; copied: number }> {
  const best = { inline: Infinity, main: Infinity, wall: Infinity, copied: Infinity };
  const own = Buffer.from(buf); // not shared: the thread gets a copy
  let sink = 0;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink += checkBatches(buf, bounds).good;
    best.inline = Math.min(best.inline, (performance.now() - t0) / n);
    // One at a time, as a read waits for its check: the loop is idle while the thread works.
    const hop = await mainThreadMs(async () => {
      for (let i = 0; i < n; i++) sink += (await offThreadReadCheck(buf, bounds)).good;
    });
    best.main = Math.min(best.main, hop.busy / n);
    best.wall = Math.min(best.wall, hop.wall / n);
    const copied = await mainThreadMs(async () => {
      for (let i = 0; i < n; i++) sink += (await offThreadReadCheck(own, bounds)).good;
    });
    best.copied = Math.min(best.copied, copied.busy / n);
  }
  if (sink === 0) throw new Error('nothing checked');
  return best;
}

async function perSize(): Promise<void> {
  console.log(
    'µs per read check, by read size, best of 3 (inline | on the thread: main thread, wall; main thread for bytes not in shared memory, copied)',
  );
  await timeChecks(batchesOf(64 * 1024), 200); // warm up both paths and start the thread
  const us = (ms: number, w: number) => (ms * 1000).toFixed(0).padStart(w);
  for (const kib of SIZES_KIB) {
    const t = await timeChecks(batchesOf(kib * 1024), Math.max(50, Math.round(40_000 / kib)));
    console.log(
      `  ${String(kib).padStart(5)} KiB: inline ${us(t.inline, 5)} | thread: main ${us(t.main, 4)}, wall ${us(t.wall, 5)}; copied: main ${us(t.copied, 4)}`,
    );
  }
}

async function writeLines(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < n; i++) {
    const line = `2026-05-01T10:00:00.${String(i % 1000).padStart(3, '0')}Z INFO req=${i} user=u${i % 97} GET /api/items/${i} 200 ${i % 997}ms\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function kcat(args: string[]): Promise<number> {
  const t0 = performance.now();
  const child = spawn('kcat', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  track(child);
  return new Promise((resolve, reject) =>
    child.on('close', (code) =>
      code === 0 ? resolve(performance.now() - t0) : reject(new Error(`kcat exited ${code}`)),
    ),
  );
}

/** Opens the broker on `dir` (checks inline or not), lets kcat consume `topic` from the start. */
async function consumeRound(dir: string, inline: boolean): Promise<string> {
  const broker = await openBroker({ dataDir: dir, inlineReadChecks: inline });
  const server = await startKafkaServer(broker, { port: 0 });
  try {
    const bootstrap = `127.0.0.1:${server.address().port}`;
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const args = ['-b', bootstrap, '-C', '-t', 'bench', '-o', 'beginning', '-e', '-q'];
    let kcatMs = 0;
    const { busy } = await mainThreadMs(async () => {
      kcatMs = await kcat(args);
    });
    delay.disable();
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    return `main thread CPU ${busy.toFixed(0)} ms, loop delay p99 ${ms(delay.percentile(99))} ms max ${ms(delay.max)} ms, kcat ${(kcatMs / 1000).toFixed(2)} s`;
  } finally {
    await server.close();
    await broker.close();
  }
}

async function throughKcat(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'logdock-bench-read-check-'));
  try {
    const file = join(dir, 'lines.txt');
    await writeLines(file, RECORDS);
    const broker = await openBroker({ dataDir: join(dir, 'data') });
    const server = await startKafkaServer(broker, { port: 0 });
    const bootstrap = `127.0.0.1:${server.address().port}`;
    await kcat(kcatProduceArgs(bootstrap, 'bench', file, '1'));
    await waitFor(
      () => broker.describeTopic('bench').partitions[0].logEndOffset === RECORDS,
      'every record stored',
      { timeoutMs: 120_000 },
    );
    await server.close();
    await broker.close();
    console.log(`kcat consuming ${RECORDS} stored records (~100 B) from the start, checks:`);
    for (let round = 0; round < 3; round++) {
      for (const inline of [true, false]) {
        const figures = await consumeRound(join(dir, 'data'), inline);
        console.log(`  ${inline ? 'inline (before)' : 'on the thread  '}: ${figures}`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await perSize();
  if (process.env.BENCH_READ_CHECK !== 'sizes') await throughKcat();
}
