import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openBroker } from '../src/main/broker';
import { silentLogger } from '../src/main/logger';
const dataDir = process.argv[2];
const t0 = performance.now();
const broker = await openBroker({ dataDir, logger: silentLogger, scrub: false });
console.log('open', (performance.now() - t0).toFixed(0), 'ms');
for (const label of ['first', 'second']) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t = performance.now();
  await broker.runMaintenance({ force: false });
  h.disable();
  console.log(label, ((performance.now() - t) / 1000).toFixed(2), 's; max', (h.max / 1e6).toFixed(1), 'ms; p99', (h.percentile(99) / 1e6).toFixed(1));
}
await broker.close();
