/**
 * `npm run fuzz [iterations] [seed]`: the long run of the request-decoding fuzzer
 * (src/main/protocol/fuzz.ts). Seeds: a sample request of every version of every served API,
 * plus the requests kcat (librdkafka) really sends, captured from a listener on a temp dir.
 * CI runs bounded versions (test/main/protocol/fuzz*.test.ts). Exits non-zero and prints the
 * offending inputs (hex) when a decode fails with anything but a LogdockError.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBroker } from '../src/main/broker';
import { startKafkaServer } from '../src/main/protocol';
import { fuzzDecode, seedCorpus } from '../src/main/protocol/fuzz';

/** Runs kcat to completion without blocking the event loop (the listener is in this process). */
function kcat(args: string[], input = ''): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'ignore', 'ignore'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    child.on('error', () => resolve());
    child.stdin.end(input);
  });
}

/** Requests kcat sends for produce (plain and compressed), consume and metadata. */
async function captureKcat(): Promise<Buffer[]> {
  const captured: Buffer[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'logdock-fuzz-'));
  const broker = await openBroker({ dataDir: dir });
  const server = await startKafkaServer(broker, { port: 0, tap: (f) => captured.push(f) });
  const bootstrap = `127.0.0.1:${server.address().port}`;
  try {
    for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
      await kcat(['-b', bootstrap, '-P', '-t', 'fuzz', '-K:', '-z', codec], 'k:v\nk2:v2\n');
    }
    await kcat(['-b', bootstrap, '-C', '-t', 'fuzz', '-e', '-q', '-X', 'fetch.wait.max.ms=10']);
    await kcat(['-b', bootstrap, '-L']);
  } finally {
    await server.close();
    await broker.close();
    await rm(dir, { recursive: true, force: true });
  }
  return captured;
}

const iterations = Number(process.argv[2] ?? 2_000_000);
const seed = Number(process.argv[3] ?? Date.now() % 1_000_000);
const captured = await captureKcat();
const started = Date.now();
const stats = fuzzDecode(iterations, seed, seedCorpus(captured));
const seconds = (Date.now() - started) / 1000;
console.log(
  `fuzz: seed ${seed}, ${captured.length} captured kcat requests + schema samples, ${stats.iterations} inputs in ${seconds.toFixed(1)} s: ${stats.decoded} decoded, ${stats.rejected} rejected cleanly, ${stats.findings.length} findings`,
);
for (const f of stats.findings.slice(0, 20)) console.log(`FINDING ${f.input}\n${f.error}\n`);
process.exit(stats.findings.length > 0 ? 1 : 0);
