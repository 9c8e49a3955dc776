import { describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { RecoveryReport } from '../../../src/main/storage';
import { CLEAN_SHUTDOWN_FILE, loadLog, recoverLog } from '../../../src/main/storage/log-loader';
import type { SegmentSettings } from '../../../src/main/storage/segment';
import { appendGarbage, smallConfig, usePartitionDir, value } from './helpers';

const fx = usePartitionDir();

function fresh(): { report: RecoveryReport; settings: SegmentSettings } {
  return {
    report: { recovered: false, truncatedBytes: 0, truncatedAt: null, rebuiltIndexes: [] },
    settings: { indexIntervalBytes: 256, onIndexRebuilt: () => undefined },
  };
}

/** `n` records over several segments, the first 3 deleted, closed cleanly. */
async function writeLog(n: number): Promise<void> {
  const log = await fx.openLog(smallConfig());
  for (let i = 0; i < n; i++) await log.appendRecords([{ value: value(i), timestamp: i }]);
  await log.deleteRecords(3);
  await log.close();
}

describe('loadLog', () => {
  it('gives a new directory one empty active segment and asks for partition.meta', async () => {
    await fs.mkdir(fx.dir, { recursive: true });
    const { report, settings } = fresh();
    const loaded = await loadLog(fx.dir, settings, report, 0);
    expect(loaded.segments.map((s) => s.baseOffset)).toEqual([0]);
    expect([loaded.logStartOffset, loaded.logEndOffset, loaded.metaStale]).toEqual([0, 0, true]);
    expect(report.recovered).toBe(false);
  });

  it('trusts a clean shutdown: no recovery, the marker kept until the first change, offsets from partition.meta', async () => {
    await writeLog(100);
    const { report, settings } = fresh();
    const loaded = await loadLog(fx.dir, settings, report, 0);
    expect(report.recovered).toBe(false);
    expect(loaded.metaStale).toBe(false);
    expect([loaded.logStartOffset, loaded.logEndOffset]).toEqual([3, 100]);
    expect(loaded.segments.length).toBeGreaterThan(1);
    expect(loaded.cleanMarker).toBe(true);
    expect(loaded.recovery).toBeNull();
    expect(await fs.readdir(fx.dir)).toContain(CLEAN_SHUTDOWN_FILE);
  });

  it('recovers without the marker, cuts a torn tail, and removes leftovers of interrupted writes', async () => {
    await writeLog(100);
    await fs.rm(join(fx.dir, CLEAN_SHUTDOWN_FILE));
    const logs = (await fs.readdir(fx.dir)).filter((n) => n.endsWith('.log')).sort();
    await appendGarbage(join(fx.dir, logs[logs.length - 1]), 37);
    await fs.writeFile(join(fx.dir, 'partition.meta.tmp'), '');
    await fs.writeFile(join(fx.dir, `${logs[0]}.cleaned`), 'half a compaction');
    const { report, settings } = fresh();
    const loaded = await loadLog(fx.dir, settings, report, 0);
    // The scan is left to recoverLog (run in the background by the broker); until then the
    // end is the recovery point partition.meta gave.
    expect(report.recovered).toBe(true);
    expect(report.truncatedBytes).toBe(0);
    expect(loaded.recovery).not.toBeNull();
    expect(loaded.logEndOffset).toBe(100);
    await recoverLog(loaded, settings, report, 0);
    expect(loaded.recovery).toBeNull();
    expect(report.truncatedBytes).toBe(37);
    expect(loaded.metaStale).toBe(true);
    expect([loaded.logStartOffset, loaded.logEndOffset, loaded.recoveryPoint]).toEqual([
      3, 100, 100,
    ]);
    const names = await fs.readdir(fx.dir);
    expect(names.filter((n) => n.endsWith('.tmp') || n.endsWith('.cleaned'))).toEqual([]);
  });
});
