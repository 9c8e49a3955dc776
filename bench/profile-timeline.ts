/**
 * Where a merged seek's time goes (not part of `npm run bench`): opens the timeline bench's
 * data in process and times timeline.locate + the first window at ten times, counting the
 * cluster calls each makes. Usage: npx tsx bench/profile-timeline.ts [dataDir]
 */
import { join } from 'node:path';
import { openBroker } from '../src/main/broker';
import { locateInTimeline, readTimelineWindow } from '../src/main/browse/timeline';
import { LocalCluster } from '../src/main/cluster';

const TOPICS = ['web', 'api', 'db'];
const dir = process.argv[2] ?? join(process.cwd(), 'bench-data', 'timeline-3000000');

async function main() {
  const broker = await openBroker({ dataDir: dir, initialRebalanceDelayMs: 0 });
  const cluster = new LocalCluster(broker);
  const calls = new Map<string, { n: number; ms: number }>();
  const source = new Proxy(cluster, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const t0 = performance.now();
        const out = v.apply(target, args);
        const note = () => {
          const c = calls.get(String(prop)) ?? { n: 0, ms: 0 };
          c.n++;
          c.ms += performance.now() - t0;
          calls.set(String(prop), c);
        };
        if (out instanceof Promise) return out.finally(note);
        note();
        return out;
      };
    },
  });
  const first = await readTimelineWindow(cluster, TOPICS, 0, 1, 16);
  const total = first.total;
  const last = await readTimelineWindow(cluster, TOPICS, total - 1, 1, 16);
  const t0 = first.rows[0].timestamp;
  const t1 = last.rows[0].timestamp;
  const samples: number[] = [];
  for (let k = 0; k < 10; k++) {
    const t = Math.floor(t0 + ((k + 0.5) / 10) * (t1 - t0));
    calls.clear();
    const s = performance.now();
    const { index } = await locateInTimeline(source, TOPICS, { kind: 'timestamp', timestamp: t });
    const l = performance.now();
    const page = Math.floor(index / 100) * 100;
    await readTimelineWindow(source, TOPICS, page, 200, 400);
    const e = performance.now();
    samples.push(e - s);
    console.log(
      `t=${t}: locate ${(l - s).toFixed(1)} ms, windows ${(e - l).toFixed(1)} ms;`,
      [...calls].map(([k, c]) => `${k} ${c.n}x ${c.ms.toFixed(0)}ms`).join(', '),
    );
  }
  samples.sort((a, b) => a - b);
  console.log(
    `locate + first window: p50 ${samples[5].toFixed(1)} ms, max ${samples[9].toFixed(1)} ms`,
  );
  await broker.close();
}
void main();
