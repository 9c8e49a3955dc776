import { describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { CLEAN_SHUTDOWN_FILE, PartitionLog, segmentFileName } from '../../../src/main/storage';
import { smallConfig, unsetMaxTimestampSegment, usePartitionDir } from './helpers';

const fx = usePartitionDir();
const BATCHES = 40;

function openLog(): Promise<PartitionLog> {
  return fx.openLog(smallConfig({ segmentBytes: 1 << 20 }), { topic: 't', partition: 0 });
}

/** Lookups whose answer depends on the records' timestamps, not the headers'. */
async function expectTimeLookups(log: PartitionLog): Promise<void> {
  expect(await log.offsetForTimestamp(0)).toBe(0);
  expect(await log.offsetForTimestamp(1006)).toBe(2);
  expect(await log.offsetForTimestamp(1009)).toBe(2);
  expect(await log.offsetForTimestamp(1010)).toBe(3);
  expect(await log.offsetForTimestamp(1000 + 10 * 25 + 6)).toBe(3 * 25 + 2);
  expect(await log.offsetForTimestamp(1000 + 10 * (BATCHES - 1) + 9)).toBe(3 * BATCHES - 1);
  expect(await log.offsetForTimestamp(1000 + 10 * (BATCHES - 1) + 10)).toBeNull();
  expect(log.segments()[0].maxTimestamp).toBe(1000 + 10 * (BATCHES - 1) + 9);
}

describe('PartitionLog with batches whose header leaves MaxTimestamp unset', () => {
  it('seeks by time from record timestamps after recovery and after its time index is deleted', async () => {
    await fs.mkdir(fx.dir, { recursive: true });
    await fs.writeFile(join(fx.dir, segmentFileName(0, '.log')), unsetMaxTimestampSegment(BATCHES));
    // No clean-shutdown marker: the open recovers the segment and builds its indexes.
    let log = await openLog();
    expect(log.logEndOffset).toBe(3 * BATCHES);
    await expectTimeLookups(log);
    await log.close();
    fx.open.splice(0);

    // A clean reopen with the time index gone rebuilds it from the log.
    const timeIndex = join(fx.dir, segmentFileName(0, '.timeindex'));
    await fs.rm(timeIndex);
    log = await openLog();
    await expectTimeLookups(log);
    await log.close();
    fx.open.splice(0);
    // The rebuilt file holds entries up to the records' largest timestamp.
    const bytes = await fs.readFile(timeIndex);
    expect(bytes.length).toBeGreaterThan(12);
    expect(Number(bytes.readBigInt64BE(bytes.length - 12))).toBeGreaterThan(1000);

    // A clean reopen with the rebuilt index answers the same.
    log = await openLog();
    await expectTimeLookups(log);
  });

  it('rebuilds a time index written before the fix, whose first entry points before the segment', async () => {
    await fs.mkdir(fx.dir, { recursive: true });
    await fs.writeFile(join(fx.dir, segmentFileName(0, '.log')), unsetMaxTimestampSegment(BATCHES));
    // What the old code wrote for it: one entry (-1, relative offset -1), and a clean shutdown.
    const entry = Buffer.alloc(12);
    entry.writeBigInt64BE(-1n, 0);
    entry.writeInt32BE(-1, 8);
    await fs.writeFile(join(fx.dir, segmentFileName(0, '.timeindex')), entry);
    await fs.writeFile(join(fx.dir, CLEAN_SHUTDOWN_FILE), '');
    await expectTimeLookups(await openLog());
  });
});
