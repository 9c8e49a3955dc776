/**
 * OTLP receiver benchmark: log records/s from the OpenTelemetry JS SDK (batch processor,
 * OTLP/HTTP protobuf and JSON exporters, in a child process like a real service) into a
 * topic through the receiver of `logdock serve --otlp`, next to the same sender against a
 * bare Node HTTP server that reads each request and answers 200 without decoding it (the
 * SDK's own ceiling on this machine). BENCH_OTLP_RECORDS sets the count; BENCH_OTLP_ROUNDS
 * repeats each peer/receiver pair (default 1), as the figures swing with the machine's load.
 * Beside each rate: CPU time per record of the receiving side (this process, where the
 * bare server or the receiver runs) and of the sender (the SDK's child process), which
 * the load of a shared machine moves far less than the rate: with one export in flight
 * the two add up per request.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCollectors } from './collectors.bench';

const RECORDS = Number(process.env.BENCH_OTLP_RECORDS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_OTLP_ROUNDS ?? 1);
const SENDER = fileURLToPath(new URL('./fixtures/otlp-sender.ts', import.meta.url));

interface Sent {
  ms: number;
  failed: number;
  /** The sender's CPU time, and this process's during the send (the receiving side). */
  cpuMs: number;
  receiverCpuMs: number;
}

function send(url: string, protocol: string): Promise<Sent> {
  const before = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', SENDER, url, protocol, String(RECORDS)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`sender exited ${code}`));
      const used = process.cpuUsage(before);
      resolve({ ...(JSON.parse(out) as Sent), receiverCpuMs: (used.user + used.system) / 1000 });
    });
  });
}

function report(name: string, r: Sent, stored?: number): void {
  const rate = Math.round((RECORDS / r.ms) * 1000);
  const extra = stored === undefined ? '' : `, ${stored} stored`;
  const perRecord = (ms: number) => ((ms * 1000) / RECORDS).toFixed(1);
  console.log(
    `${name.padEnd(44)} ${rate.toLocaleString('en-US').padStart(9)} records/s (${RECORDS} in ${Math.round(r.ms)} ms, ${r.failed} failed${extra}); CPU µs/record: receiving ${perRecord(r.receiverCpuMs)}, sender ${perRecord(r.cpuMs)}`,
  );
}

async function nullServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': req.headers['content-type'] ?? 'application/x-protobuf',
      });
      res.end(req.headers['content-type'] === 'application/json' ? '{}' : '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/v1/logs`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export async function run(): Promise<void> {
  for (let round = 1; round <= ROUNDS; round++) {
    if (ROUNDS > 1) console.log(`round ${round}`);
    for (const protocol of ['proto', 'json']) await pair(protocol);
  }
}

/** The SDK against the bare server, then against the receiver, one right after the other. */
async function pair(protocol: string): Promise<void> {
  const peer = await nullServer();
  try {
    report(`SDK ${protocol} -> bare HTTP server (no decoding)`, await send(peer.url, protocol));
  } finally {
    await peer.close();
  }
  const dir = mkdtempSync(join(tmpdir(), 'logdock-bench-otlp-'));
  const { broker, manager } = await openCollectors(dir);
  try {
    const view = await manager.add({ type: 'otlp', id: 'otlp', topic: 'otel-logs', port: 0 });
    const url = `http://127.0.0.1:${view.status.listening?.tcp}/v1/logs`;
    const r = await send(url, protocol);
    const stored = broker
      .describeTopic('otel-logs')
      .partitions.reduce((n, p) => n + p.logEndOffset, 0);
    report(`SDK ${protocol} -> Logdock OTLP receiver`, r, stored);
  } finally {
    await manager.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
