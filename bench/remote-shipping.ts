/**
 * The shipping figure of `npm run bench remote`: lines/s a `logdock serve --ship` forwards
 * with acks=all (idempotent) to a second `logdock serve` over loopback, beside kcat
 * (librdkafka, idempotent, acks=all) producing the same lines to the same second Logdock in
 * the same run. The lines are written into the shipping Logdock's local topic by kcat first,
 * then it is restarted with --ship, and the forwarding rate is measured on the remote topic:
 * from the first forwarded records seen there to the last (polled every 20 ms), so the
 * process start is not counted. BENCH_QUICK=1: 200 000 lines instead of 1 000 000.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RemoteCluster } from '../src/main/remote/cluster';
import { serveArgs, stopLogdock } from '../test/main/cli/commands/serve-process';
import { serveWithKafka, type ServedLogdock } from '../test/main/shipping/serve-kafka';
import { kcatProduceArgs } from './protocol.bench';
import { kcat } from './remote-data';

const LINES = process.env.BENCH_QUICK ? 200_000 : 1_000_000;

export async function shippingBench(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'logdock-bench-ship-'));
  const running: ServedLogdock[] = [];
  const serve = async (args: string[]) => {
    const served = await serveWithKafka(args);
    running.push(served);
    return served;
  };
  try {
    const file = join(root, 'lines.txt');
    await writeLines(file, LINES);
    const far = await serve(serveArgs(join(root, 'remote')));
    const localDir = join(root, 'local');
    const filler = await serve(serveArgs(localDir));
    const filled = await kcat(kcatProduceArgs(filler.bootstrap, 'app', file, '1'));
    if (filled.code !== 0) throw new Error(`kcat could not fill the local topic: ${filled.stderr}`);
    await stopLogdock(filler.run);

    const peer = await kcat(
      kcatProduceArgs(far.bootstrap, 'kcat-peer', file, 'all', { idempotent: true }),
    );
    const shipper = await serve([
      ...serveArgs(localDir),
      '--ship',
      `app=kafka://${far.bootstrap}/app-remote`,
    ]);
    const shipped = await forwardingRate(far.bootstrap, 'app-remote', LINES);
    await stopLogdock(shipper.run);

    console.log(
      `shipping: ${LINES.toLocaleString('en-US')} lines of 100 bytes, 1 partition, to a second Logdock over loopback, acks=all`,
    );
    console.log(`  logdock serve --ship (idempotent, acks=all): ${fmt(shipped.lines, shipped.ms)}`);
    console.log(
      `  kcat -P to the same Logdock (peer; idempotent, acks=all, wall clock incl. connect): ${peer.code === 0 ? fmt(LINES, peer.ms) : `failed: ${peer.stderr}`}`,
    );
  } finally {
    for (const s of running.reverse()) await stopLogdock(s.run);
    await rm(root, { recursive: true, force: true });
  }
}

function fmt(lines: number, ms: number): string {
  const perSec = (lines * 1000) / ms;
  return `${Math.round(perSec).toLocaleString('en-US')} lines/s, ${((lines * 100) / ms / 1000).toFixed(1)} MB/s (${lines} lines in ${ms.toFixed(0)} ms)`;
}

async function forwardingRate(
  bootstrap: string,
  topic: string,
  total: number,
): Promise<{ lines: number; ms: number }> {
  const remote = new RemoteCluster({
    name: 'bench',
    client: { clientId: 'bench-ship', bootstrapBrokers: [bootstrap] },
  });
  try {
    const deadline = Date.now() + 600_000;
    let first: { at: number; count: number } | null = null;
    for (;;) {
      const count = await remote
        .describeTopic(topic)
        .then((t) => t.partitions.reduce((n, p) => n + p.logEndOffset, 0))
        .catch(() => 0);
      const at = performance.now();
      if (count > 0 && !first) first = { at, count };
      if (count >= total && first) return { lines: total - first.count, ms: at - first.at };
      if (Date.now() > deadline) throw new Error(`only ${count} of ${total} lines shipped`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await remote.close();
  }
}

async function writeLines(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < n; i++) {
    const head = `line ${i} `;
    if (!out.write(head + 'x'.repeat(99 - head.length) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
