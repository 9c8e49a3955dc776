/**
 * The collecting process is SIGKILLed at random points while another writer appends lines
 * fast and rotates the file by rename, many times; after a last restart the topic must hold
 * exactly the lines written, in order per file, none missing and none twice.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  children,
  killAtRandomPoints,
  startChild,
  summarize,
  Writer,
} from './fixtures/crash-harness';
import { header, linesByGeneration, openBroker, readAll, tempDir, waitFor } from './helpers';

afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('collector crash safety', () => {
  it('keeps every line exactly once across SIGKILLs during fast writes and rename rotation', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const logs = join(dir, 'logs');
      mkdirSync(logs);
      const dataDir = join(dir, 'data');
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
      const last = startChild(dataDir, config);
      await last.ready;
      // On a timeout the comparison below says which lines are missing.
      await waitFor(`all ${writer.written} lines`, () => last.end >= writer.written, 30_000).catch(
        () => {},
      );
      last.proc.kill('SIGTERM');
      await last.exited;

      const broker = await openBroker(dataDir);
      try {
        const records = await readAll(broker, 'crash-logs');
        const got = linesByGeneration(records);
        for (const r of records) expect(header(r, 'logdock.source')).toBe('crashy');
        for (const [gen, count] of writer.perFile) {
          expect(summarize(got.get(gen) ?? []), `file generation ${gen}`).toEqual(
            summarize(Array.from({ length: count }, (_, i) => i)),
          );
        }
        expect(records).toHaveLength(writer.written);
      } finally {
        await broker.close();
      }
    } finally {
      await cleanup();
    }
  }, 120_000); // child start-up dominates; generous for a busy CI machine
});
