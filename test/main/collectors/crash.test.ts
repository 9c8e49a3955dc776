/**
 * The collecting process is SIGKILLed at random points while another writer appends lines
 * fast and rotates the file by rename, many times; after a last restart the topic must hold
 * exactly the lines written, in order per file, none missing and none twice.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  children,
  killAtRandomPoints,
  lastRun,
  recordsIn,
  summarize,
  withLogsDir,
  Writer,
} from './fixtures/crash-harness';
import { header, linesByGeneration } from './helpers';

afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('collector crash safety', () => {
  it(
    'keeps every line exactly once across SIGKILLs during fast writes and rename rotation',
    () =>
      withLogsDir(async (logs, dataDir) => {
        const config = {
          type: 'file',
          id: 'crashy',
          topic: 'crash-logs',
          // Rotated names match too: a file rotated while the collector is down is then
          // still found (by inode) and finished; one never seen would be out of scope.
          include: [join(logs, 'app.log*')],
          scanIntervalMs: 100,
          rotateWaitMs: 200,
        };
        const writer = new Writer(join(logs, 'app.log'));
        // Kill at random points: once each child has produced a random number of records.
        await killAtRandomPoints(dataDir, config, writer, 5);
        writer.stop();
        await lastRun(dataDir, config, (c) => c.end >= writer.written);

        const records = await recordsIn(dataDir, 'crash-logs');
        const got = linesByGeneration(records);
        for (const r of records) expect(header(r, 'logdock.source')).toBe('crashy');
        for (const [gen, count] of writer.perFile) {
          expect(summarize(got.get(gen) ?? []), `file generation ${gen}`).toEqual(
            summarize(Array.from({ length: count }, (_, i) => i)),
          );
        }
        expect(records).toHaveLength(writer.written);
      }),
    120_000,
  ); // child start-up dominates; generous for a busy CI machine
});
