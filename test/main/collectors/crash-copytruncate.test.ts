/**
 * copytruncate under SIGKILL: the collecting process is killed at random points while a
 * writer appends fast and rotates by copy-then-truncate. The method itself makes a window
 * unavoidable (lines written after the last read and before the truncation are gone), so
 * the topic must hold, per generation of the file, a prefix of its lines in order and none
 * twice, the last generation complete, and any loss must come with a reported truncation.
 * With a glob that also matches the copies, the copies fill that window: every line once.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  children,
  killAtRandomPoints,
  lastRun,
  recordsIn,
  withLogsDir,
  Writer,
} from './fixtures/crash-harness';
import { linesByGeneration } from './helpers';

afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});

const config = (id: string, include: string) => ({
  type: 'file',
  id,
  topic: `${id}-logs`,
  include: [include],
  scanIntervalMs: 100,
});

describe('collector crash safety with copytruncate', () => {
  it(
    'loses only the unavoidable window, never duplicates, and reports the loss',
    () =>
      withLogsDir(async (logs, dataDir) => {
        const path = join(logs, 'app.log');
        // Only the live name: what a copytruncate takes before it was read is then lost.
        const ct = config('ct', path);
        const writer = new Writer(path, 'copytruncate');
        let reported = await killAtRandomPoints(dataDir, ct, writer, 4);
        writer.stop();
        const size = statSync(path).size;
        const last = await lastRun(dataDir, ct, (c) => c.positions.get(path) === size);
        expect(last.positions.get(path), 'the last generation read to its end').toBe(size);
        reported += last.truncations;

        const got = linesByGeneration(await recordsIn(dataDir, 'ct-logs'));
        let lost = 0;
        const lastGen = Math.max(...writer.perFile.keys());
        for (const [gen, count] of writer.perFile) {
          const lines = got.get(gen) ?? [];
          expect(lines, `generation ${gen}: in order, none twice, only a tail missing`).toEqual(
            Array.from({ length: lines.length }, (_, i) => i),
          );
          if (gen === lastGen) expect(lines.length).toBe(count);
          lost += count - lines.length;
        }
        if (lost > 0) expect(reported, `${lost} lines lost`).toBeGreaterThan(0);
      }),
    120_000,
  ); // child start-up dominates; generous for a busy CI machine

  it(
    'reads every line exactly once when the glob also matches the copies',
    () =>
      withLogsDir(async (logs, dataDir) => {
        const path = join(logs, 'app.log');
        // README's pattern: the live name and its copies app.log.0, app.log.1, ...
        const ctc = config('ctc', `${path}*`);
        const writer = new Writer(path, 'copytruncate');
        await killAtRandomPoints(dataDir, ctc, writer, 4);
        writer.stop();
        await lastRun(dataDir, ctc, (c) => c.end >= writer.written);

        const got = linesByGeneration(await recordsIn(dataDir, 'ctc-logs'));
        let duplicates = 0;
        let lost = 0;
        for (const [gen, count] of writer.perFile) {
          const lines = got.get(gen) ?? [];
          duplicates += lines.length - new Set(lines).size;
          lost += count - new Set(lines).size;
          expect(lines, `generation ${gen}: every line once, in order`).toEqual(
            Array.from({ length: count }, (_, i) => i),
          );
        }
        expect({ duplicates, lost }).toEqual({ duplicates: 0, lost: 0 });
      }),
    120_000,
  );
});
