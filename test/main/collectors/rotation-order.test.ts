/**
 * Order across a rotation after a crash: the collector is SIGKILLed while `app.log` still
 * has unread lines, the file is rotated to `app.log.1` and a new `app.log` is written; after
 * the restart every line of the older file must be produced before any of the newer one.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { children, lastRun, recordsIn, startChild, withLogsDir } from './fixtures/crash-harness';
import { linesByGeneration, waitFor } from './helpers';
import { familyOf } from '../../../src/main/collectors/rotation-order';

afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** `count` lines `g<gen> n<i> …` of about 100 bytes. */
function generation(gen: number, count: number): string {
  const pad = 'z'.repeat(90);
  let text = '';
  for (let i = 0; i < count; i++) text += `g${gen} n${i} ${pad}\n`;
  return text;
}

describe('rotation order after a crash', () => {
  it('groups rotated names with their live file, and unrelated numbered files apart', () => {
    const base = join('/l', 'app.log');
    for (const n of ['app.log.1', 'app.log.2.gz', 'app.log-20260101', 'app.log.2026-01-01'])
      expect(familyOf(join('/l', n)), n).toBe(base);
    expect(familyOf(join('/l', 'f1.log'))).not.toBe(familyOf(join('/l', 'f2.log')));
  });

  it(
    'drains the rotated file before reading its successor',
    () =>
      withLogsDir(async (logs, dataDir) => {
        const path = join(logs, 'app.log');
        const config = {
          type: 'file',
          id: 'order',
          topic: 'order-logs',
          include: [`${path}*`],
          scanIntervalMs: 100,
        };
        const lines = 150_000;
        writeFileSync(path, generation(0, lines));
        const first = startChild(dataDir, config);
        await first.ready;
        await waitFor('the first lines', () => first.end > 0, 30_000);
        first.proc.kill('SIGKILL');
        await first.exited;
        expect(first.end, 'killed before reading it all').toBeLessThan(lines);

        renameSync(path, `${path}.1`);
        writeFileSync(path, generation(1, lines));
        await lastRun(dataDir, config, (c) => c.end >= 2 * lines);

        const records = await recordsIn(dataDir, 'order-logs');
        const gens = records.map((r) => r.value!.toString().slice(0, 2));
        expect(gens.lastIndexOf('g0'), 'last line of app.log.1').toBeLessThan(gens.indexOf('g1'));
        const got = linesByGeneration(records);
        for (const gen of [0, 1])
          expect(got.get(gen), `generation ${gen}`).toEqual(
            Array.from({ length: lines }, (_, i) => i),
          );
      }),
    120_000,
  );
});
