/**
 * Collectors benchmark: tailing one file of 1,000,000 lines and 100 files at once into a
 * topic (lines/s, MB/s), and the delay from a line's write to its delivery to a consumer
 * waiting on the topic (p50, p99), and 5,000 small files matched by one glob (time,
 * descriptors, idle CPU; BENCH_MANY_FILES to change the count). In the same run, Debian's rsyslog (imfile → omfile) on
 * the same input, as the reference. Sizes can be lowered with BENCH_LINES (BENCH_QUICK=1:
 * 200,000) for a quick look. measureTail() is the headline pair alone (`bench scale`).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../src/main/broker/broker';
import { LocalCluster } from '../src/main/cluster';
import { CollectorManager } from '../src/main/collectors';
import { silentLogger } from '../src/main/logger';
import { ingestWorkerPool } from '../src/main/workers/pool';
import { ownCpuMs, procCpuMs, threadCpuMs } from './cpu-time';

const LINES = Number(
  process.env.BENCH_LINES ?? (process.env.BENCH_QUICK === '1' ? 200_000 : 1_000_000),
);
const FILES = 100;
const LATENCY_SAMPLES = 300;

function line(i: number): string {
  // ~100 bytes, like a typical application log line.
  return `2026-01-01T00:00:00.000Z INFO [worker-${i % 16}] request ${i} handled in ${i % 997} ms path=/api/v1/items\n`;
}

async function writeLines(path: string, from: number, count: number): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  let buf = '';
  for (let i = from; i < from + count; i++) {
    buf += line(i);
    if (buf.length > 1 << 20) {
      bytes += buf.length;
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  bytes += buf.length;
  out.write(buf);
  await new Promise<void>((r) => out.end(() => r()));
  return bytes;
}

function totalEnd(broker: Broker, topic: string): number {
  try {
    return broker.describeTopic(topic).partitions.reduce((n, p) => n + p.logEndOffset, 0);
  } catch {
    return 0;
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 2));
  }
  return true;
}

/** A broker on `dir`/data and a started collector manager on it (no default source). */
export async function openCollectors(
  dir: string,
): Promise<{ broker: Broker; manager: CollectorManager }> {
  const dataDir = join(dir, 'data');
  const broker = await Broker.open({ dataDir, logger: silentLogger });
  const manager = new CollectorManager({
    cluster: new LocalCluster(broker),
    dataDir,
    defaultSource: false,
  });
  await manager.start();
  // As `logdock serve` does a second after it starts: the thread that encodes tailed lines.
  ingestWorkerPool().warm();
  await until(() => ingestWorkerPool().allReady(), 60_000);
  return { broker, manager };
}

/** Adds a file source on `dir`/logs/*.log into `topic`; seconds until `total` records are in. */
async function collectAll(
  dir: string,
  broker: Broker,
  manager: CollectorManager,
  topic: string,
  total: number,
  timeoutMs: number,
  onPoll: () => void = () => {},
): Promise<{ ok: boolean; s: number }> {
  const t0 = performance.now();
  await manager.add({ type: 'file', id: topic, topic, include: [join(dir, 'logs', '*.log')] });
  const ok = await until(() => {
    onPoll();
    return totalEnd(broker, topic) >= total;
  }, timeoutMs);
  return { ok, s: (performance.now() - t0) / 1000 };
}

async function throughput(name: string, files: number, linesPerFile: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'logdock-bench-collectors-'));
  try {
    mkdirSync(join(dir, 'logs'));
    let bytes = 0;
    for (let f = 0; f < files; f++)
      bytes += await writeLines(join(dir, 'logs', `f${f}.log`), f * linesPerFile, linesPerFile);
    const { broker, manager } = await openCollectors(dir);
    const total = files * linesPerFile;
    const cpu0 = ownCpuMs();
    const main0 = threadCpuMs();
    const { ok, s } = await collectAll(dir, broker, manager, 'bench', total, 600_000);
    const cpu = ownCpuMs() - cpu0;
    // The main thread's share: what the UI's event loop gave to the tail.
    const mainMs = threadCpuMs() - main0;
    await manager.close();
    await broker.close();
    const rate = total / s;
    console.log(
      `${name}: ${ok ? '' : 'INCOMPLETE '}${total.toLocaleString()} lines, ${(bytes / 1e6).toFixed(0)} MB in ${s.toFixed(2)} s → ` +
        `${Math.round(rate).toLocaleString()} lines/s, ${(bytes / 1e6 / s).toFixed(1)} MB/s; ${cpuPerLine(cpu, total)}, main thread ${mainMs.toFixed(0)} ms`,
    );
    return rate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function latency(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'logdock-bench-latency-'));
  try {
    mkdirSync(join(dir, 'logs'));
    const file = join(dir, 'logs', 'live.log');
    writeFileSync(file, '');
    const { broker, manager } = await openCollectors(dir);
    await manager.add({ type: 'file', id: 'live', topic: 'live', include: [file] });
    const samples: number[] = [];
    let next = 0;
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const t0 = performance.now();
      appendFileSync(file, line(i));
      // A consumer waiting on the topic: woken by the append.
      while (!(await broker.waitForData('live', 0, next, 5000))) {
        /* keep waiting */
      }
      samples.push(performance.now() - t0);
      next++;
      await new Promise((r) => setTimeout(r, 2 + (i % 5)));
    }
    await manager.close();
    await broker.close();
    samples.sort((a, b) => a - b);
    const q = (p: number) =>
      samples[Math.min(samples.length - 1, Math.floor(p * samples.length))].toFixed(2);
    console.log(
      `write → consumer latency over ${LATENCY_SAMPLES} lines: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MANY_FILES = Number(process.env.BENCH_MANY_FILES ?? 5000);
const IDLE_MS = 5000;

/** Descriptors this process holds (Linux); null elsewhere. */
function openDescriptors(): number | null {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

/**
 * Issue 15.6: thousands of small files matched by one glob. Time to collect 10 lines of
 * each, descriptors held meanwhile and after, and CPU used while nothing is written.
 */
export async function manyFiles(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'logdock-bench-many-'));
  try {
    mkdirSync(join(dir, 'logs'));
    for (let f = 0; f < MANY_FILES; f++) {
      let text = '';
      for (let i = 0; i < 10; i++) text += line(f * 10 + i);
      writeFileSync(join(dir, 'logs', `f${f}.log`), text);
    }
    const { broker, manager } = await openCollectors(dir);
    const before = openDescriptors() ?? 0;
    let peak = 0;
    const total = MANY_FILES * 10;
    const { ok, s } = await collectAll(dir, broker, manager, 'many', total, 120_000, () => {
      peak = Math.max(peak, (openDescriptors() ?? 0) - before);
    });
    // Let the last checkpoint write and reconcile walk finish: then nothing changes.
    await new Promise((r) => setTimeout(r, 2000));
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const cpu = process.cpuUsage(cpu0);
    const idle = ((cpu.user + cpu.system) / 1000 / (performance.now() - w0)) * 100;
    const held = (openDescriptors() ?? 0) - before;
    const got = totalEnd(broker, 'many');
    await manager.close();
    await broker.close();
    console.log(
      `${MANY_FILES.toLocaleString()} files × 10 lines: ${ok ? '' : 'INCOMPLETE (120 s cap) '}` +
        `${got.toLocaleString()} of ${total.toLocaleString()} lines in ${s.toFixed(2)} s; ` +
        `descriptors: peak +${peak}, idle +${held}; idle CPU over ${IDLE_MS / 1000} s (from 2 s after): ${idle.toFixed(1)} % of a core`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rsyslog(): Promise<number | null> {
  const rsyslogd = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => existsSync(p));
  if (!rsyslogd) {
    console.log('rsyslog: not installed, skipped');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'logdock-bench-rsyslog-'));
  try {
    const input = join(dir, 'in.log');
    const output = join(dir, 'out.log');
    const bytes = await writeLines(input, 0, LINES);
    mkdirSync(join(dir, 'work'));
    const conf = join(dir, 'rsyslog.conf');
    writeFileSync(
      conf,
      [
        `global(workDirectory="${join(dir, 'work')}")`,
        'module(load="imfile" mode="inotify")',
        `template(name="raw" type="string" string="%msg%\\n")`,
        `input(type="imfile" File="${input}" Tag="bench" ruleset="out" readMode="0")`,
        `ruleset(name="out") { action(type="omfile" file="${output}" template="raw" asyncWriting="on" ioBufferSize="256k" flushOnTXEnd="off") }`,
        '',
      ].join('\n'),
    );
    const check = spawnSync(rsyslogd, ['-N1', '-f', conf], { encoding: 'utf8' });
    if (check.status !== 0) {
      console.log(
        `rsyslog: config rejected, skipped: ${(check.stderr || check.stdout).trim().split('\n').slice(-1)[0]}`,
      );
      return null;
    }
    const t0 = performance.now();
    const proc = spawn(rsyslogd, ['-n', '-f', conf, '-i', join(dir, 'rsyslog.pid')], {
      stdio: 'ignore',
    });
    // The output holds each line's message plus a newline: done when it reaches the input's size
    // (rsyslog drops nothing here; its message excludes the trailing newline it adds back).
    const ok = await until(
      () => existsSync(output) && statSync(output).size >= bytes - LINES * 0,
      600_000,
    );
    const s = (performance.now() - t0) / 1000;
    const cpu = proc.pid === undefined ? NaN : procCpuMs(proc.pid);
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    const rate = LINES / s;
    console.log(
      `rsyslog imfile → omfile (reference): ${ok ? '' : 'INCOMPLETE '}${LINES.toLocaleString()} lines in ${s.toFixed(2)} s → ` +
        `${Math.round(rate).toLocaleString()} lines/s, ${(bytes / 1e6 / s).toFixed(1)} MB/s; ${cpuPerLine(cpu, LINES)}`,
    );
    return rate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * CPU time (all threads, user + system) beside the rate: on the shared machine the wall
 * clock follows the load, CPU per line far less, for us and for rsyslog alike.
 */
function cpuPerLine(cpuMs: number, lines: number): string {
  return `CPU ${Math.round(cpuMs)} ms (${((cpuMs * 1000) / lines).toFixed(2)} µs/line)`;
}

/** Tailing one file of LINES lines beside rsyslog imfile -> omfile on the same input: lines/s. */
export async function measureTail(): Promise<{ lines: number; logdock: number; rsyslog: number }> {
  const logdock = await throughput('one file', 1, LINES);
  const ref = await rsyslog();
  if (ref)
    console.log(`logdock / rsyslog (one file): ${(logdock / ref).toFixed(2)}× (target >= 6×)`);
  return { lines: LINES, logdock, rsyslog: ref ?? NaN };
}

export async function run(): Promise<void> {
  await measureTail();
  await throughput(`${FILES} files`, FILES, Math.floor(LINES / FILES));
  await latency();
  await manyFiles();
}
