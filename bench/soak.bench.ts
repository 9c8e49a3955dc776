/**
 * Renderer memory soak (`npm run bench soak`): the browser view follows a topic while kcat
 * produces into it at 10,000 messages/s through the Kafka listener of `logdock serve`, in
 * Chromium (playwright-core, the e2e harness). Every interval it forces a GC in the page and
 * prints the renderer's JS heap, so that growth shows as a rising column; at the end, the
 * growth from the first sample after warm-up to the last. 30 minutes by default;
 * BENCH_QUICK=1 runs 3; BENCH_SOAK_MINUTES sets it. Target: < 200 MB and no growth.
 * Prints figures; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { startApp, waitFor } from '../test/e2e/harness';

const quick = process.env.BENCH_QUICK === '1';
const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? (quick ? 3 : 30));
const RATE = 10_000;
const SAMPLE_MS = Math.max(15_000, (MINUTES * 60_000) / 20);
const TOPIC = 'soak';

const line = (i: number) =>
  `{"time":"${new Date().toISOString()}","level":"${i % 97 === 0 ? 'ERROR' : 'INFO'}","msg":"request ${i} served","path":"/api/items/${i % 1000}","latency_ms":${i % 500}}\n`;

/** kcat reading lines from stdin, fed RATE lines a second in steps of 100 ms. */
function pacedProducer(bootstrap: string) {
  const kcat = spawn('kcat', ['-b', bootstrap, '-P', '-t', TOPIC, '-X', 'linger.ms=5'], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const started = Date.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * RATE);
    let chunk = '';
    for (; sent < due; sent++) chunk += line(sent);
    if (chunk) kcat.stdin.write(chunk);
  }, 100);
  return {
    sent: () => sent,
    stop: async () => {
      clearInterval(timer);
      kcat.stdin.end();
      await new Promise((r) => kcat.on('close', r));
    },
  };
}

export async function run(): Promise<void> {
  const app = await startApp();
  try {
    const { clusters } = (await app.api.call('clusters.list', {})) as {
      clusters: { kind: string; bootstrapServers: string[] }[];
    };
    const bootstrap = clusters.find((c) => c.kind === 'local')!.bootstrapServers[0];
    await app.api.call('topics.create', { name: TOPIC, partitions: 1 } as never);
    const producer = pacedProducer(bootstrap);
    const page = app.page;
    await page.goto(`${app.origin}/#/topics/${TOPIC}?partition=0&offset=0`);
    await waitFor(() => page.getByTestId('tail-toggle').count(), 'the topic view', 60_000);
    await page.getByTestId('tail-toggle').click();
    const cdp = await page.context().newCDPSession(page);
    const heapMB = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      return heap.usedSize / 1048576;
    };
    console.log(
      `following topic ${TOPIC} at ${RATE.toLocaleString('en-US')} messages/s for ${MINUTES} min; renderer JS heap after a GC:`,
    );
    const started = Date.now();
    const samples: number[] = [];
    while (Date.now() - started < MINUTES * 60_000) {
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
      const mb = await heapMB();
      samples.push(mb);
      const { topics } = await app.api.call('topics.list', {});
      const stored = topics.find((t) => t.name === TOPIC)?.messageCount ?? 0;
      const following = await page.getByTestId('tail-toggle').textContent();
      console.log(
        `  ${((Date.now() - started) / 60_000).toFixed(1).padStart(5)} min: ${mb.toFixed(1)} MB ` +
          `(${stored.toLocaleString('en-US')} stored, ${producer.sent().toLocaleString('en-US')} sent, ${following})`,
      );
    }
    await producer.stop();
    const warm = samples[Math.min(1, samples.length - 1)];
    const last = samples[samples.length - 1];
    console.log(
      `renderer heap: max ${Math.max(...samples).toFixed(1)} MB; from ${warm.toFixed(1)} MB (second sample) to ${last.toFixed(1)} MB: ` +
        `${(last - warm >= 0 ? '+' : '') + (last - warm).toFixed(1)} MB (target < 200 MB, no growth)`,
    );
  } finally {
    await app.close();
  }
}
