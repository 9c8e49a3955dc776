/**
 * Open file descriptors are bounded (issue 18): more partitions than the limit, every one
 * written and read, and the process holds at most the limit of segment files open.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readlinkSync } from 'node:fs';
import { openBroker } from '../../../src/main/broker';
import { waitFor } from '../../wait';
import { useBrokerDir } from './helpers';

const fx = useBrokerDir();

/**
 * Descriptors of this process open on `.log` files under `dir` (Linux: /proc/self/fd). A file
 * the LRU closed is closed through libuv's pool, so its descriptor goes a moment later: the
 * count is waited on (`settlesWithin`) rather than read once.
 */
function openLogFiles(dir: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir) && target.endsWith('.log')) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

/** Waits until at most `max` descriptors are open on the dir's `.log` files. */
function settlesWithin(dir: string, max: number): Promise<boolean> {
  return waitFor(
    () => openLogFiles(dir) <= max,
    () => `at most ${max} .log descriptors (${openLogFiles(dir)} open)`,
    30_000,
  );
}

describe.skipIf(process.platform !== 'linux')('open segment files', () => {
  it('stay within maxOpenSegmentFiles with four times as many partitions, all readable', async () => {
    const limit = 16;
    const b = await openBroker({ dataDir: fx.dir, scrub: false, maxOpenSegmentFiles: limit });
    fx.broker = b;
    await b.createTopic('wide', { partitions: limit * 4, configs: { 'segment.bytes': 1024 } });
    for (let round = 0; round < 3; round++) {
      for (let p = 0; p < limit * 4; p++) {
        await b.send([
          { topic: 'wide', partition: p, value: Buffer.from(`p${p} r${round} ${'x'.repeat(400)}`) },
        ]);
      }
    }
    // Every partition has several segments now; read all of each, in turn and at once.
    const readAll = async (p: number) =>
      (await b.readRecords('wide', p, 0, { maxRecords: 100 })).map((r) =>
        r.value!.toString().split(' ').slice(0, 2).join(' '),
      );
    for (let p = 0; p < limit * 4; p++) {
      expect(await readAll(p)).toEqual([0, 1, 2].map((r) => `p${p} r${r}`));
      await settlesWithin(fx.dir, limit + 1);
    }
    const together = await Promise.all(Array.from({ length: limit * 4 }, (_, p) => readAll(p)));
    expect(together.every((v) => v.length === 3)).toBe(true);
    await readAll(0); // the next use trims what a burst left open
    expect(b.openSegmentFiles()).toBeLessThanOrEqual(limit);
    await settlesWithin(fx.dir, limit + 1);
  });
});
