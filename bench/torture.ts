/**
 * `npm run torture`: a fault script (issue 15, "Done when"), a few minutes. It runs Logdock
 * the way users do (`logdock serve`, kcat, files tailed by a collector) and breaks things:
 *
 *  A. SIGKILL loops while kcat produces (acks=all) and a collector tails a growing file;
 *  B. a hostile regular expression searched through the API during ingest;
 *  C. flipped bytes in a sealed segment, the active segment and an index, then the scrub
 *     and a kcat consumer over everything;
 *  D. a full disk (a small tmpfs as the data dir; skipped, saying why, when it cannot be
 *     mounted), and space coming back;
 *  E. a reused pid in the lock and api.json after a crash;
 *  F. copytruncate with copies the tail glob also matches.
 *
 * It prints, per part, acked vs stored, duplicates, what recovery and the scrub reported,
 * and the longest stall of the Kafka listener (ApiVersions answered every 20 ms): the
 * event loop serving everyone. It asserts nothing; it reports.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { promises as fs, mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { openBroker } from '../src/main/broker';
import { createLogger } from '../src/main/logger';
import { startKafkaServer } from '../src/main/protocol';
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../src/common/transport/wire';
import { serveArgs, spawnLogdock, waitForUrl } from '../test/main/cli/commands/serve-process';
import { waitFor } from '../test/wait';

const ROOT = resolve(import.meta.dirname, '..');
const root = mkdtempSync(join(tmpdir(), 'logdock-torture-'));
const children = new Set<ChildProcess>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const report: string[] = [];
function say(line: string): void {
  console.log(line);
  report.push(line);
}

// ------------------------------------------------------------------ processes

interface Serve {
  child: ChildProcess;
  kafka: string;
  url: string;
  output: () => string;
}

async function startServe(dataDir: string, extra: string[] = []): Promise<Serve> {
  const run = spawnLogdock(['serve', ...serveArgs(dataDir), ...extra]);
  children.add(run.child);
  run.child.on('exit', () => children.delete(run.child));
  const output = () => run.out() + run.err();
  const url = await waitForUrl(run, 60_000);
  // The listener's line is logged on the other stream: it may arrive after the address.
  const kafka = await waitFor(
    () => /\[kafka\] listening on (\S+)/.exec(output())?.[1],
    () => `the Kafka listener's address:\n${output()}`,
    { timeoutMs: 60_000, intervalMs: 25 },
  );
  return { child: run.child, kafka, url, output };
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once('exit', () => r());
    child.kill(signal);
  });
}

/** kcat -P with acks=all: resolves true when every line was acknowledged (exit code 0). */
function kcatProduce(broker: string, topic: string, lines: string[]): Promise<boolean> {
  return new Promise((r) => {
    const child = spawn(
      'kcat',
      ['-P', '-b', broker, '-t', topic, '-X', 'acks=all', '-X', 'message.timeout.ms=4000', '-q'],
      { stdio: ['pipe', 'ignore', 'ignore'] },
    );
    children.add(child);
    child.on('exit', (code) => {
      children.delete(child);
      r(code === 0);
    });
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(lines.join('\n') + '\n');
  });
}

/**
 * kcat -C of a whole topic: the values, and kcat's error lines (asynchronously: the Kafka
 * listener may live in this very process).
 */
function kcatConsume(
  broker: string,
  topic: string,
  timeoutMs = 60_000,
): Promise<{ values: string[]; errors: string[] }> {
  return new Promise((done) => {
    const child = spawn(
      'kcat',
      ['-C', '-b', broker, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\n'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.add(child);
    const out: Buffer[] = [];
    let err = '';
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', () => {
      clearTimeout(timer);
      children.delete(child);
      done({
        values: Buffer.concat(out)
          .toString()
          .split('\n')
          .filter((l) => l !== ''),
        errors: err.split('\n').filter((l) => l.trim() !== ''),
      });
    });
  });
}

/**
 * Sends ApiVersions v0 every 20 ms and keeps the longest answer time: a blocked event loop
 * shows here, whatever blocked it.
 */
function probeStalls(hostPort: string): { stop: () => number } {
  const [host, port] = hostPort.split(':');
  let worst = 0;
  let stopped = false;
  void (async () => {
    while (!stopped) {
      const t0 = performance.now();
      await new Promise<void>((done) => {
        const s = connect({ host, port: Number(port) });
        const req = Buffer.alloc(14);
        req.writeInt32BE(10, 0); // size
        req.writeInt16BE(18, 4); // ApiVersions
        req.writeInt16BE(0, 6);
        req.writeInt32BE(1, 8);
        req.writeInt16BE(-1, 12); // null client id
        s.on('connect', () => s.write(req));
        s.on('data', () => s.destroy());
        s.on('close', () => done());
        s.on('error', () => done());
        s.setTimeout(30_000, () => s.destroy());
      });
      worst = Math.max(worst, performance.now() - t0);
      await sleep(20);
    }
  })();
  return {
    stop: () => {
      stopped = true;
      return worst;
    },
  };
}

/** Counts of ids in `values` against those acked. */
function tally(values: string[], acked: Set<string>, prefix: string): string {
  const seen = new Map<string, number>();
  for (const v of values) if (v.startsWith(prefix)) seen.set(v, (seen.get(v) ?? 0) + 1);
  let missing = 0;
  for (const id of acked) if (!seen.has(id)) missing++;
  let dups = 0;
  for (const n of seen.values()) dups += n - 1;
  return `acked ${acked.size}, stored ${seen.size} distinct (${values.length} records), acked but missing ${missing}, duplicates ${dups}`;
}

function recoveryLines(out: string): string[] {
  return out
    .split('\n')
    .filter((l) => /recovered |corrupt batch|scrub pass|disk full|disk space is back/.test(l))
    .map((l) => l.replace(/^\S+ /, ''));
}

async function logdockCli(args: string[]): Promise<string> {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/logdock.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return (r.stdout + r.stderr).trim();
}

// ------------------------------------------------------------------ A, B

async function sigkillLoops(): Promise<{ dir: string }> {
  say('\n== A. SIGKILL loops under kcat producers and a file collector');
  const dir = join(root, 'a');
  await fs.mkdir(join(dir, 'in'), { recursive: true });
  await logdockCli([
    'topics',
    '--create',
    '--topic',
    'kc',
    '--config',
    'segment.bytes=262144',
    '--data-dir',
    dir,
  ]);
  const logFile = join(dir, 'in', 'app.log');
  await fs.writeFile(logFile, '');
  const acked = new Set<string>();
  let lineNo = 0;
  let worst = 0;
  const recovery: string[] = [];
  const rounds = 6;
  for (let round = 0; round < rounds; round++) {
    const serve = await startServe(dir, ['--tail', `app=${logFile}`]);
    const probe = probeStalls(serve.kafka);
    let running = true;
    const producer = (async () => {
      for (let run = 0; running; run++) {
        const ids = Array.from({ length: 2000 }, (_, i) => `kc-${round}-${run}-${i}`);
        if (await kcatProduce(serve.kafka, 'kc', ids)) for (const id of ids) acked.add(id);
      }
    })();
    const writer = (async () => {
      while (running) {
        const lines = Array.from({ length: 200 }, () => `f-${lineNo++}`);
        await fs.appendFile(logFile, lines.join('\n') + '\n');
        await sleep(50);
      }
    })();
    await sleep(1500 + Math.random() * 1500);
    await kill(serve.child, 'SIGKILL');
    running = false;
    await Promise.all([producer, writer]);
    worst = Math.max(worst, probe.stop());
    recovery.push(...recoveryLines(serve.output()));
  }
  const serve = await startServe(dir, ['--tail', `app=${logFile}`]);
  recovery.push(...recoveryLines(serve.output()));
  // Let the collector catch up with the file.
  let app = await kcatConsume(serve.kafka, 'app');
  for (let i = 0; i < 60 && new Set(app.values).size < lineNo; i++) {
    await sleep(500);
    app = await kcatConsume(serve.kafka, 'app');
  }
  const kc = await kcatConsume(serve.kafka, 'kc');
  say(`${rounds} SIGKILLs`);
  say(`kcat producer (acks=all): ${tally(kc.values, acked, 'kc-')}`);
  const written = new Set(Array.from({ length: lineNo }, (_, i) => `f-${i}`));
  say(`file collector: lines written ${lineNo}; ${tally(app.values, written, 'f-')}`);
  const recovered = recovery.filter((l) => l.includes('recovered '));
  const dropped = recovered.filter((l) => l.includes('dropped') && !l.includes('nothing dropped'));
  say(
    `recovery reported: ${recovered.length} partition recoveries after the SIGKILLs, ${dropped.length} of them dropping a torn tail`,
  );
  for (const l of dropped.slice(0, 4)) say(`  ${l}`);
  say(`longest Kafka listener stall: ${worst.toFixed(0)} ms`);

  await hostileRegex(serve);
  await kill(serve.child, 'SIGTERM');
  return { dir };
}

async function hostileRegex(serve: Serve): Promise<void> {
  say('\n== B. a hostile regex searched during ingest');
  const evil = ['a'.repeat(28) + '!', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'];
  await kcatProduce(serve.kafka, 'kc', evil);
  const probe = probeStalls(serve.kafka);
  let ingesting = true;
  const ingest = (async () => {
    for (let run = 0; ingesting; run++)
      await kcatProduce(
        serve.kafka,
        'kc',
        Array.from({ length: 1000 }, (_, i) => `b-${run}-${i}`),
      );
  })();
  const token = new URL(serve.url).searchParams.get('token')!;
  const wsUrl = serve.url.replace(/^http/, 'ws').replace(/\/\?.*$/, '/api');
  const ws = new WebSocket(wsUrl, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${token}`]);
  const t0 = performance.now();
  const outcome = await new Promise<string>((done) => {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as {
        t: string;
        event?: { type: string } & Record<string, unknown>;
        error?: { code: string; message: string };
      };
      if (m.t === 'ready') {
        ws.send(
          JSON.stringify({
            t: 'sub',
            id: 1,
            name: 'messages.search',
            params: { topic: 'kc', query: { regex: '^(a+)+$' } },
          }),
        );
      } else if (m.t === 'event' && m.event?.type === 'done') {
        done(`done: matched ${m.event.matched as number} of ${m.event.scanned as number}`);
      } else if (m.t === 'sub-error' || (m.t === 'event' && m.event?.type === 'error')) {
        done(`refused: ${JSON.stringify(m.error ?? m.event)}`);
      }
    });
    ws.on('error', (err) => done(`websocket error: ${err.message}`));
    setTimeout(() => done('no answer in 60 s'), 60_000).unref();
  });
  const secs = (performance.now() - t0) / 1000;
  ws.close();
  ingesting = false;
  await ingest;
  say(`search ^(a+)+$ over kc: ${outcome} in ${secs.toFixed(2)} s`);
  say(`longest Kafka listener stall meanwhile: ${probe.stop().toFixed(0)} ms`);
}

// ------------------------------------------------------------------ C

async function flipByte(file: string, position: number): Promise<void> {
  const fh = await fs.open(file, 'r+');
  const b = Buffer.alloc(8);
  await fh.read(b, 0, 8, position);
  for (let i = 0; i < 8; i++) b[i] ^= 0x5a;
  await fh.write(b, 0, 8, position);
  await fh.close();
}

async function flippedBytes(dir: string): Promise<void> {
  say('\n== C. flipped bytes in a sealed segment, the active segment and an index');
  const part = join(dir, 'kc-0');
  const logs = (await fs.readdir(part)).filter((n) => n.endsWith('.log')).sort();
  const indexes = (await fs.readdir(part)).filter((n) => n.endsWith('.index')).sort();
  const sealed = join(part, logs[Math.floor(logs.length / 2)]);
  const active = join(part, logs[logs.length - 1]);
  const sealedSize = (await fs.stat(sealed)).size;
  const activeSize = (await fs.stat(active)).size;
  await flipByte(sealed, Math.floor(sealedSize / 2));
  if (activeSize > 200) await flipByte(active, Math.floor(activeSize / 2));
  if (indexes.length > 0) await flipByte(join(part, indexes[0]), 0);
  say(
    `flipped 8 bytes in ${logs.length > 1 ? 'sealed ' + sealed.slice(root.length) : '(no sealed segment)'}, active ${active.slice(root.length)} (${activeSize} bytes), index ${indexes[0] ?? '-'}`,
  );
  const lines: string[] = [];
  const broker = await openBroker({
    dataDir: dir,
    scrub: { startDelayMs: 0, bytesPerSecond: 256 * 1024 * 1024 },
    logger: createLogger({ scope: 'broker', write: (l) => lines.push(l) }),
  });
  say(
    `recovery: ${recoveryLines(lines.join('\n')).join('; ') || 'nothing to recover (clean shutdown)'}`,
  );
  const server = await startKafkaServer(broker, { port: 0, log: () => undefined });
  const pass = () => lines.find((l) => l.includes('scrub pass'));
  for (let i = 0; i < 400 && !pass(); i++) await sleep(50);
  const health = broker.storageHealth();
  say(`scrub: ${pass()?.replace(/^\S+ /, '') ?? 'no pass finished'}`);
  for (const c of health.corrupt)
    say(
      `  corrupt: ${c.topic}-${c.partition} ${c.file.slice(root.length)} position ${c.position} offsets ${c.baseOffset}..${c.lastOffset}: ${c.reason}`,
    );
  const { values, errors } = await kcatConsume(`127.0.0.1:${server.address().port}`, 'kc', 20_000);
  say(
    `kcat -C over kc: ${values.length} records, ${errors.length} error lines${errors[0] ? `: ${errors[0]}` : ''}`,
  );
  // Logdock's own reader (as browse/search/export) over everything, past each bad batch.
  let read = 0;
  let met = 0;
  for (const p of broker.describeTopic('kc').partitions) {
    let offset = p.logStartOffset;
    while (offset < p.logEndOffset) {
      try {
        const records = await broker.readRecords('kc', p.partition, offset, { maxRecords: 5000 });
        if (records.length === 0) break;
        read += records.length;
        offset = records[records.length - 1].offset + 1;
      } catch (err) {
        met++;
        const f = broker.storageHealth().corrupt.at(-1);
        say(
          `  reader at kc-${p.partition} offset ${offset}: ${(err as Error).message.replace(root, '')}`,
        );
        if (!f || f.lastOffset === null || f.lastOffset < offset || f.lastOffset >= p.logEndOffset)
          break;
        offset = f.lastOffset + 1;
      }
    }
  }
  say(`Logdock's reader over kc: ${read} records read, ${met} corrupt batches met`);
  say(
    `corrupt batches known (UI banner, system.storage): ${broker.storageHealth().corrupt.length}`,
  );
  await server.close();
  await broker.close();
}

// ------------------------------------------------------------------ D

async function fullDisk(): Promise<void> {
  say('\n== D. a full disk (tmpfs of 16 MiB as the data dir)');
  const mnt = join(root, 'full');
  await fs.mkdir(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (err) {
    say(
      `skipped: cannot mount a tmpfs here (needs root): ${(err as Error).message.split('\n')[0]}`,
    );
    return;
  }
  try {
    const reserve = join(mnt, 'reserve');
    await fs.writeFile(reserve, Buffer.alloc(4 * 1024 * 1024));
    const dir = join(mnt, 'data');
    const s = await startServe(dir);
    const probe = probeStalls(s.kafka);
    const acked = new Set<string>();
    let refused = 0;
    for (let run = 0; refused < 3 && run < 200; run++) {
      const ids = Array.from({ length: 2000 }, (_, i) => `d-${run}-${i}-${'x'.repeat(200)}`);
      if (await kcatProduce(s.kafka, 'full', ids)) for (const id of ids) acked.add(id);
      else refused++;
    }
    const alive = s.child.exitCode === null;
    await fs.rm(reserve);
    await sleep(3000);
    const ids = Array.from({ length: 100 }, (_, i) => `d-after-${i}-${'x'.repeat(200)}`);
    const resumed = await kcatProduce(s.kafka, 'full', ids);
    if (resumed) for (const id of ids) acked.add(id);
    const { values } = await kcatConsume(s.kafka, 'full');
    say(
      `producing until refused: ${refused} kcat runs failed; server ${alive ? 'still up' : 'DIED'}`,
    );
    say(`after freeing 4 MiB: kcat run ${resumed ? 'acknowledged' : 'FAILED'}`);
    say(`kcat producer: ${tally(values, acked, 'd-')}`);
    for (const l of recoveryLines(s.output()).slice(0, 4)) say(`  ${l}`);
    say(`longest Kafka listener stall: ${probe.stop().toFixed(0)} ms`);
    await kill(s.child, 'SIGKILL');
    // Start on the full disk after a crash.
    await fs.writeFile(join(mnt, 'refill'), Buffer.alloc(16 * 1024 * 1024)).catch(() => undefined);
    try {
      const again = await startServe(dir);
      const back = await kcatConsume(again.kafka, 'full');
      say(
        `restart on the full disk after SIGKILL: serving, ${back.values.length} records readable`,
      );
      say(`  ${recoveryLines(again.output()).slice(0, 3).join('\n  ')}`);
      await kill(again.child, 'SIGTERM');
    } catch (err) {
      say(`restart on the full disk after SIGKILL FAILED: ${(err as Error).message.slice(0, 300)}`);
    }
    const tmps = spawnSync('find', [dir, '-name', '*.tmp'], { encoding: 'utf8' }).stdout.trim();
    say(`leftover .tmp files: ${tmps === '' ? 'none' : tmps}`);
  } finally {
    spawnSync('umount', [mnt]);
  }
}

// ------------------------------------------------------------------ E, F

async function reusedPid(dir: string): Promise<void> {
  say('\n== E. a reused pid after a crash');
  const serve = await startServe(dir);
  await kill(serve.child, 'SIGKILL');
  // Another process now has the dead server's pid: stand in with a live one.
  const other = spawn('sleep', ['60']);
  children.add(other);
  const pid = other.pid!;
  const lock = join(dir, '.lock');
  await fs.rm(lock, { force: true });
  await fs.writeFile(lock, `${pid}\n`);
  const api = JSON.parse(await fs.readFile(join(dir, 'api.json'), 'utf8').catch(() => '{}'));
  await fs.writeFile(join(dir, 'api.json'), JSON.stringify({ ...api, pid }));
  try {
    const again = await startServe(dir);
    say('logdock serve started despite the reused pid');
    await kill(again.child, 'SIGTERM');
  } catch (err) {
    say(
      `logdock serve refused to start: ${(err as Error).message
        .split('\n')
        .filter((l) => /use|lock|serves/.test(l))
        .join(' ')
        .slice(0, 300)}`,
    );
  }
  await kill(other, 'SIGKILL');
}

async function copytruncate(): Promise<void> {
  say('\n== F. copytruncate with copies the glob matches');
  const dir = join(root, 'f');
  const logs = join(dir, 'L');
  await fs.mkdir(logs, { recursive: true });
  const file = join(logs, 'app.log');
  await fs.writeFile(file, '');
  const serve = await startServe(join(dir, 'data'), ['--tail', `ct=${logs}/app.log*`]);
  let n = 0;
  for (let rotation = 1; rotation <= 5; rotation++) {
    for (let k = 0; k < 10; k++) {
      await fs.appendFile(file, Array.from({ length: 100 }, () => `c-${n++}`).join('\n') + '\n');
      await sleep(100);
    }
    await fs.copyFile(file, `${file}.${rotation}`);
    await fs.truncate(file, 0);
  }
  let got = await kcatConsume(serve.kafka, 'ct');
  for (let i = 0; i < 20 && new Set(got.values).size < n; i++) {
    await sleep(500);
    got = await kcatConsume(serve.kafka, 'ct');
  }
  const written = new Set(Array.from({ length: n }, (_, i) => `c-${i}`));
  say(`lines written ${n}, 5 rotations: ${tally(got.values, written, 'c-')}`);
  await kill(serve.child, 'SIGTERM');
}

// ------------------------------------------------------------------ main

const t0 = performance.now();
try {
  const { dir } = await sigkillLoops();
  await flippedBytes(dir);
  await fullDisk();
  await reusedPid(dir);
  await copytruncate();
} finally {
  for (const c of [...children]) c.kill('SIGKILL');
  await fs.rm(root, { recursive: true, force: true }).catch(() => undefined);
}
say(`\ntorture took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
