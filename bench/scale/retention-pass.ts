/**
 * The retention stall of `npm run bench scale`, measured in a process of its own: a process
 * that holds the broker over the large data dir and runs a retention pass over every
 * partition twice, with the same process idle as long as the first pass as the peer. Run
 * apart from the umbrella, whose own process carries the WebSocket clients, child pipes and
 * garbage of the sections before it (their collections landed inside the passes measured
 * there, up to ~70 ms of CPU in one turn, against ~6 ms here).
 * Usage: tsx bench/scale/retention-pass.ts DATA_DIR — prints one JSON line.
 */
import { openBroker } from '../../src/main/broker';
import { silentLogger } from '../../src/main/logger';
import { loopStalls, stallLine } from '../fixtures/loop-stalls';
import { mb, secs } from './summary';

export interface RetentionFigures {
  line: string;
  max: number;
  idleMax: number;
  turnCpu: number | null;
}

export async function measureRetention(dataDir: string): Promise<RetentionFigures> {
  const broker = await openBroker({ dataDir, logger: silentLogger, scrub: false });
  try {
    const partitions = broker
      .listTopics({ includeInternal: true })
      .reduce((n, t) => n + t.partitions.length, 0);
    const first = await loopStalls(() => broker.runMaintenance({ force: false }));
    const idle = await loopStalls(() => new Promise((r) => setTimeout(r, first.ms)));
    const second = await loopStalls(() => broker.runMaintenance({ force: false }));
    const line =
      `retention pass over ${partitions} partitions (a process of its own): first ${secs(first.ms)}, event loop ${stallLine(first)}; ` +
      `second ${secs(second.ms)}, ${stallLine(second)} (target max < 20 ms); ` +
      `peer: the same process idle for ${secs(first.ms)}: ${stallLine(idle)}; RSS after ${mb(process.memoryUsage().rss)}`;
    const cpu = [first.maxTurnCpuMs, second.maxTurnCpuMs];
    const turnCpu = cpu.includes(null) ? null : Math.max(...(cpu as number[]));
    return { line, max: Math.max(first.max, second.max), idleMax: idle.max, turnCpu };
  } finally {
    await broker.close();
  }
}

if (process.argv[2] && import.meta.filename === process.argv[1]) {
  const figures = await measureRetention(process.argv[2]);
  console.log(JSON.stringify(figures));
}
