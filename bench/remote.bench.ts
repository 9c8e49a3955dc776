/**
 * Remote cluster benchmark (`npm run bench remote`): the message browser of one Logdock on a
 * topic held by a second Logdock, reached as a remote Kafka cluster over loopback, beside the
 * same seeks on the second Logdock's own (local) view of it, in Chromium against headless
 * mode. Uses the data of the ui bench (bench-data/ui-<n>, 10 M messages; BENCH_QUICK=1 200 000).
 * Prints seek by offset → first rows painted (p50/max) for both. First, the shipping figure
 * (./remote-shipping.ts); BENCH_REMOTE=shipping runs only that.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, startApp, waitFor, type RunningApp } from '../test/e2e/harness';
import { COUNT, prepare, stats, timeSeek, TOPIC } from './ui.bench';
import { shippingBench } from './remote-shipping';

async function seeks(app: RunningApp, prefix: string): Promise<number[]> {
  const page = app.page;
  await page.addInitScript('globalThis.__name = (f) => f');
  await page.goto(`${app.origin}/#${prefix}/topics/${TOPIC}?partition=0&offset=0`);
  await page.evaluate('globalThis.__name = (f) => f');
  await waitFor(
    () => page.locator('[data-testid="msg-row"][data-offset="0"]').count(),
    'the first row',
    120_000,
  );
  await timeSeek(app, 'offset', String(Math.floor(COUNT / 3)), Math.floor(COUNT / 3)); // warm-up
  const samples: number[] = [];
  for (let k = 0; k < 10; k++) {
    const o = Math.floor(((k + 0.5) / 10) * (COUNT - 1)) + k;
    samples.push(await timeSeek(app, 'offset', String(o), o));
  }
  return samples;
}

export async function run(): Promise<void> {
  await shippingBench();
  if (process.env.BENCH_REMOTE === 'shipping') return;
  const dir = join(ROOT, 'bench-data', `ui-${COUNT}`);
  await mkdir(join(ROOT, 'bench-data'), { recursive: true });
  await prepare(dir, join(ROOT, 'bench-data', `ui-${COUNT}.txt`));
  const holder = await startApp({ dataDir: dir });
  const viewer = await startApp();
  try {
    const listener = (await holder.api.call('system.info', {})).kafkaListener;
    if (!listener) throw new Error('the second Logdock has no Kafka listener');
    await viewer.api.call('clusters.add', { name: 'second', bootstrapServers: [listener] });
    console.log(`topic ${TOPIC}: ${COUNT.toLocaleString('en-US')} messages, 1 partition`);
    console.log(`seek by offset → first rows painted, local: ${stats(await seeks(holder, ''))}`);
    console.log(
      `seek by offset → first rows painted, remote over loopback: ${stats(await seeks(viewer, '/c/second'))}`,
    );
  } finally {
    await viewer.close();
    await holder.close();
  }
}
