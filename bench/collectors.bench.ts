/**
 * Collectors benchmark: tailing one file of 1,000,000 lines and 100 files at once into a
 * topic (lines/s, MB/s), and the delay from a line's write to its delivery to a consumer
 * waiting on the topic (p50, p99). In the same run, Debian's rsyslog (imfile → omfile) on
 * the same input, as the reference. Sizes can be lowered with BENCH_LINES for a quick look.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../src/main/broker/broker';
import { CollectorManager } from '../src/main/collectors';
import { silentLogger } from '../src/main/logger';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
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
async function openCollectors(dir: string): Promise<{ broker: Broker; manager: CollectorManager }> {
  const dataDir = join(dir, 'data');
  const broker = await Broker.open({ dataDir, logger: silentLogger });
  const manager = new CollectorManager({ broker, dataDir, defaultSource: false });
  await manager.start();
  return { broker, manager };
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
    const t0 = performance.now();
    await manager.add({
      type: 'file',
      id: 'bench',
      topic: 'bench',
      include: [join(dir, 'logs', '*.log')],
    });
    const ok = await until(() => totalEnd(broker, 'bench') >= total, 600_000);
    const s = (performance.now() - t0) / 1000;
    await manager.close();
    await broker.close();
    const rate = total / s;
    console.log(
      `${name}: ${ok ? '' : 'INCOMPLETE '}${total.toLocaleString()} lines, ${(bytes / 1e6).toFixed(0)} MB in ${s.toFixed(2)} s → ` +
        `${Math.round(rate).toLocaleString()} lines/s, ${(bytes / 1e6 / s).toFixed(1)} MB/s`,
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
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    const rate = LINES / s;
    console.log(
      `rsyslog imfile → omfile (reference): ${ok ? '' : 'INCOMPLETE '}${LINES.toLocaleString()} lines in ${s.toFixed(2)} s → ` +
        `${Math.round(rate).toLocaleString()} lines/s, ${(bytes / 1e6 / s).toFixed(1)} MB/s`,
    );
    return rate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const one = await throughput('one file', 1, LINES);
  await throughput(`${FILES} files`, FILES, Math.floor(LINES / FILES));
  await latency();
  const ref = await rsyslog();
  if (ref) console.log(`logdock / rsyslog (one file): ${(one / ref).toFixed(2)}×`);
}
