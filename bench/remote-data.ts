/**
 * The topic the remote-cluster bench browses and searches: N log lines (10 M; BENCH_QUICK=1
 * 1 M; LOGDOCK_BENCH_REMOTE_MESSAGES to change) written by kcat into a `logdock serve`, whose
 * data directory then serves as the second Logdock. Made once under
 * /tmp/logdock-bench-remote-<N>/ (data/ and the same lines in lines.txt, for grep) and reused
 * while its marker file is there; free disk space is checked first.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RemoteCluster } from '../src/main/remote/cluster';
import { serveArgs, stopLogdock } from '../test/main/cli/commands/serve-process';
import { serveWithKafka } from '../test/main/shipping/serve-kafka';
import { kcatProduceArgs } from './protocol.bench';

const quick = process.env.BENCH_QUICK === '1';
export const REMOTE_COUNT = Number(
  process.env.LOGDOCK_BENCH_REMOTE_MESSAGES ?? (quick ? 1_000_000 : 10_000_000),
);
export const REMOTE_TOPIC = 'remote-bench';
/** Disk a message takes: its line in the log (with batch and index overhead) and in lines.txt. */
const BYTES_PER_MESSAGE = 400;

/** Line i: an access-log line of ~110 bytes, as a collector would ship it. */
export function remoteLine(i: number): string {
  const level = i % 97 === 0 ? 'ERROR' : i % 13 === 0 ? 'WARN' : 'INFO';
  return `2026-05-01T10:00:00.${String(i % 1000).padStart(3, '0')}Z ${level} req=${i} user=u${i % 997} GET /api/items/${i % 5000} 200 ${i % 400}ms`;
}

export interface RemoteData {
  dataDir: string;
  textFile: string;
}

export async function prepareRemoteData(): Promise<RemoteData> {
  const root = join(tmpdir(), `logdock-bench-remote-${REMOTE_COUNT}`);
  const data: RemoteData = { dataDir: join(root, 'data'), textFile: join(root, 'lines.txt') };
  const marker = join(root, '.complete');
  if (existsSync(marker)) return data;
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const fs = await statfs(root);
  const free = fs.bavail * fs.bsize;
  const need = REMOTE_COUNT * BYTES_PER_MESSAGE;
  if (free < need) {
    throw new Error(
      `${root}: ${(free / 1e9).toFixed(1)} GB free, the bench data needs about ${(need / 1e9).toFixed(1)} GB`,
    );
  }
  const started = Date.now();
  await writeLines(data.textFile);
  const served = await serveWithKafka(serveArgs(data.dataDir));
  try {
    const admin = new RemoteCluster({
      name: 'bench',
      client: { clientId: 'bench-remote-data', bootstrapBrokers: [served.bootstrap] },
    });
    // Kept for good: the data is reused by later runs, days later.
    await admin
      .createTopic(REMOTE_TOPIC, { partitions: 1, configs: { 'retention.ms': -1 } })
      .finally(() => admin.close());
    const res = await kcat(kcatProduceArgs(served.bootstrap, REMOTE_TOPIC, data.textFile, '1'));
    if (res.code !== 0) throw new Error(`kcat could not fill ${REMOTE_TOPIC}: ${res.stderr}`);
  } finally {
    await stopLogdock(served.run);
  }
  await writeFile(marker, String(REMOTE_COUNT));
  console.log(
    `  wrote ${REMOTE_COUNT.toLocaleString('en-US')} messages with kcat into ${data.dataDir} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return data;
}

async function writeLines(path: string): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < REMOTE_COUNT; i += 10_000) {
    let text = '';
    for (let j = i; j < Math.min(REMOTE_COUNT, i + 10_000); j++) text += remoteLine(j) + '\n';
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export function kcat(args: string[]): Promise<{ code: number | null; ms: number; stderr: string }> {
  const start = performance.now();
  const child = spawn('kcat', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.once('exit', (code) => resolve({ code, ms: performance.now() - start, stderr })),
  );
}
