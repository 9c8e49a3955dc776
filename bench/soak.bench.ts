/**
 * Renderer memory soak (`npm run bench soak`): the browser view follows a topic while kcat
 * produces into it at 10,000 messages/s through the Kafka listener of `logdock serve`, in
 * Chromium (playwright-core, the e2e harness). Every interval it forces a GC in the page and
 * prints the renderer's JS heap beside the rate the topic actually grew at, so that growth
 * shows as a rising column; at the end, start / max / end and the rate followed.
 * Duration: 30 minutes alone (`npm run bench soak`); BENCH_QUICK=1 runs 3; BENCH_SOAK_MINUTES
 * sets it (`npm run bench scale` runs it shorter by default, see scale.bench.ts).
 * Target: < 200 MB and no growth. Prints figures; asserts nothing.
 *
 * The producer survives: a kcat that exits (a loaded server falling behind, a delivery
 * timeout) is restarted with the reason printed, and lines are fed only while its stdin
 * drains, so the bench never buffers without bound. kcat and the server run in their own
 * process groups, killed on any exit of the bench (fixtures/children.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { startApp, waitFor } from '../test/e2e/harness';
import { killChild, track } from './fixtures/children';

const quick = process.env.BENCH_QUICK === '1';
export const SOAK_MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? (quick ? 3 : 30));
const RATE = 10_000;
const TOPIC = 'soak';
/** Bytes waiting in kcat's stdin above which the producer waits (kcat is behind). */
const MAX_PENDING = 4 << 20;

const line = (i: number) =>
  `{"time":"${new Date().toISOString()}","level":"${i % 97 === 0 ? 'ERROR' : 'INFO'}","msg":"request ${i} served","path":"/api/items/${i % 1000}","latency_ms":${i % 500}}\n`;

/** kcat reading lines from stdin, fed RATE lines a second in steps of 100 ms; restarted when it exits. */
function pacedProducer(bootstrap: string) {
  let kcat: ChildProcess;
  let stopping = false;
  let restarts = 0;
  let sent = 0;
  let stderr = '';
  const start = () => {
    stderr = '';
    kcat = track(
      spawn('kcat', ['-b', bootstrap, '-P', '-t', TOPIC, '-X', 'linger.ms=5'], {
        stdio: ['pipe', 'ignore', 'pipe'],
        detached: true,
      }),
      true,
    );
    kcat.stdin!.on('error', () => {}); // EPIPE when it died: the exit handler restarts it
    kcat.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-400)));
    kcat.once('exit', (code, signal) => {
      if (stopping) return;
      restarts++;
      console.log(
        `  kcat exited (${code ?? signal}) after ${sent.toLocaleString('en-US')} lines sent: ` +
          `${stderr.trim().split('\n').slice(-2).join(' | ') || 'no message'}; restarting it`,
      );
      start();
    });
  };
  start();
  const started = Date.now();
  const timer = setInterval(() => {
    const stdin = kcat.stdin!;
    if (stdin.destroyed || stdin.writableLength > MAX_PENDING) return; // behind: wait
    // At most a second's worth at once, so catching up after a stall stays paced.
    const due = Math.min(Math.floor(((Date.now() - started) / 1000) * RATE), sent + RATE);
    let chunk = '';
    for (; sent < due; sent++) chunk += line(sent);
    if (chunk) stdin.write(chunk);
  }, 100);
  return {
    sent: () => sent,
    restarts: () => restarts,
    stop: async () => {
      stopping = true;
      clearInterval(timer);
      const exited = new Promise((r) => kcat.once('exit', r));
      kcat.stdin!.end();
      const deadline = setTimeout(() => killChild(kcat), 10_000);
      await exited;
      clearTimeout(deadline);
    },
  };
}

export interface SoakFigures {
  minutes: number;
  /** Heap (MB, after a GC) when following began, the highest, and the last. */
  startMB: number;
  maxMB: number;
  endMB: number;
  /** Messages/s the topic grew by over the run, and lines/s handed to kcat. */
  storedRate: number;
  sentRate: number;
  restarts: number;
}

/** Follows the topic for `minutes`, printing the heap every interval; returns the figures. */
export async function soak(minutes = SOAK_MINUTES): Promise<SoakFigures> {
  const sampleMs = Math.max(15_000, (minutes * 60_000) / 20);
  const app = await startApp({ detached: true });
  track(app.server, true);
  try {
    const { clusters } = (await app.api.call('clusters.list', {})) as {
      clusters: { kind: string; bootstrapServers: string[] }[];
    };
    const bootstrap = clusters.find((c) => c.kind === 'local')!.bootstrapServers[0];
    await app.api.call('topics.create', { name: TOPIC, partitions: 1 } as never);
    const stored = async () =>
      (await app.api.call('topics.list', {})).topics.find((t) => t.name === TOPIC)?.messageCount ??
      0;
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
    const producer = pacedProducer(bootstrap);
    console.log(
      `following topic ${TOPIC} at ${RATE.toLocaleString('en-US')} messages/s for ${minutes} min; renderer JS heap after a GC, every ${sampleMs / 1000} s:`,
    );
    const started = Date.now();
    const samples = [await heapMB()];
    console.log(`    0.0 min: ${samples[0].toFixed(1)} MB (following began)`);
    let before = { at: started, count: 0 };
    try {
      while (Date.now() - started < minutes * 60_000) {
        await new Promise((r) => setTimeout(r, sampleMs));
        const mb = await heapMB();
        samples.push(mb);
        const now = { at: Date.now(), count: await stored() };
        const rate = ((now.count - before.count) / (now.at - before.at)) * 1000;
        before = now;
        const following = await page.getByTestId('tail-toggle').textContent();
        console.log(
          `  ${((now.at - started) / 60_000).toFixed(1).padStart(5)} min: ${mb.toFixed(1)} MB; ` +
            `${Math.round(rate).toLocaleString('en-US')} messages/s stored since the last sample ` +
            `(${now.count.toLocaleString('en-US')} stored, ${producer.sent().toLocaleString('en-US')} sent, ${following})`,
        );
      }
    } finally {
      await producer.stop();
    }
    const seconds = (before.at - started) / 1000;
    const figures: SoakFigures = {
      minutes,
      startMB: samples[0],
      maxMB: Math.max(...samples),
      endMB: samples[samples.length - 1],
      storedRate: before.count / seconds,
      sentRate: producer.sent() / ((Date.now() - started) / 1000),
      restarts: producer.restarts(),
    };
    console.log(
      `renderer heap over ${minutes} min: start ${figures.startMB.toFixed(1)} MB, max ${figures.maxMB.toFixed(1)} MB, ` +
        `end ${figures.endMB.toFixed(1)} MB (target < 200 MB, no growth); rate followed ${Math.round(figures.storedRate).toLocaleString('en-US')} ` +
        `messages/s stored of ${RATE.toLocaleString('en-US')} asked (${Math.round(figures.sentRate).toLocaleString('en-US')}/s handed to kcat, ` +
        `${figures.restarts} kcat restarts)`,
    );
    return figures;
  } finally {
    await app.close().catch(() => {});
    killChild(app.server); // if closing failed half-way
  }
}

export async function run(): Promise<void> {
  await soak();
}
