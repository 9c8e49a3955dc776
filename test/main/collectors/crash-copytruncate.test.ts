/**
 * copytruncate under SIGKILL: the collecting process is killed at random points while a
 * writer appends fast and rotates by copy-then-truncate. The method itself makes a window
 * unavoidable (lines written after the last read and before the truncation are gone), so
 * the topic must hold, per generation of the file, a prefix of its lines in order and none
 * twice, the last generation complete, and any loss must come with a reported truncation.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { children, killAtRandomPoints, startChild, Writer } from './fixtures/crash-harness';
import { linesByGeneration, openBroker, readAll, tempDir, waitFor } from './helpers';

afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('collector crash safety with copytruncate', () => {
  it('loses only the unavoidable window, never duplicates, and reports the loss', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const logs = join(dir, 'logs');
      mkdirSync(logs);
      const dataDir = join(dir, 'data');
      const path = join(logs, 'app.log');
      // Only the live name: the copies hold lines already read and would be read twice.
      const config = {
        type: 'file',
        id: 'ct',
        topic: 'ct-logs',
        include: [path],
        scanIntervalMs: 100,
      };
      const writer = new Writer(path, 'copytruncate');
      let reported = await killAtRandomPoints(dataDir, config, writer, 4);
      writer.stop();
      const last = startChild(dataDir, config);
      await last.ready;
      const size = statSync(path).size;
      await waitFor(
        'the last generation read to its end',
        () => last.positions.get(path) === size,
        30_000,
      );
      reported += last.truncations;
      last.proc.kill('SIGTERM');
      await last.exited;

      const broker = await openBroker(dataDir);
      try {
        const got = linesByGeneration(await readAll(broker, 'ct-logs'));
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
      } finally {
        await broker.close();
      }
    } finally {
      await cleanup();
    }
  }, 120_000); // child start-up dominates; generous for a busy CI machine
});
