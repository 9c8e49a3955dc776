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
import { children, startChild, Writer } from './fixtures/crash-harness';
import { openBroker, readAll, tempDir, waitFor } from './helpers';

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
      let reported = 0;
      for (let i = 0; i < 4; i++) {
        const child = startChild(dataDir, config);
        await child.ready;
        if (i === 0) writer.start();
        const target = child.end + 1 + Math.floor(Math.random() * 400);
        await waitFor(
          'child progress',
          () => child.end >= target || child.proc.exitCode !== null,
          30_000,
        );
        child.proc.kill('SIGKILL');
        await child.exited;
        reported += child.truncations;
      }
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
        const got = new Map<number, number[]>();
        for (const r of await readAll(broker, 'ct-logs')) {
          const m = /^g(\d+) n(\d+) /.exec(r.value!.toString())!;
          const list = got.get(Number(m[1])) ?? [];
          list.push(Number(m[2]));
          got.set(Number(m[1]), list);
        }
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
