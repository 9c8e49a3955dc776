/**
 * The collecting process is SIGKILLed at random points while systemd-journal-remote keeps
 * appending entries to a journal file; after a last restart the topic must hold every
 * entry exactly once and in journal order (the cursor in each record is the checkpoint).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { children, startChild, summarize } from '../fixtures/crash-harness';
import { killWhileCollecting } from '../fixtures/kill-loop';
import { openBroker, readAll, tempDir, waitFor } from '../helpers';
import { JournalWriter } from './journal-writer';

afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('journald source crash safety', () => {
  it('keeps every journal entry exactly once, in order, across SIGKILLs during collection', async () => {
    const { dir, cleanup } = await tempDir();
    const journals = join(dir, 'journals');
    mkdirSync(journals);
    const dataDir = join(dir, 'data');
    const config = { type: 'journald', id: 'journal', topic: 'journal', directory: journals };
    const writer = new JournalWriter(join(journals, 'remote.journal'));
    const total = 12_000;
    let seq = 0;
    let writing = true;
    const feeding = (async () => {
      while (writing && seq < total) {
        const n = Math.min(total - seq, 1 + Math.floor(Math.random() * 50));
        await writer.write(Array.from({ length: n }, () => ({ MESSAGE: `n${seq++}` })));
        await new Promise((r) => setTimeout(r, 1 + Math.floor(Math.random() * 5)));
      }
    })();
    try {
      await killWhileCollecting(dataDir, config, 4, total);
      writing = false;
      await feeding;
      await writer.close();
      const last = startChild(dataDir, config);
      await last.ready;
      await waitFor(`all ${seq} entries`, () => last.end >= seq, 60_000).catch(() => {});
      last.proc.kill('SIGTERM');
      await last.exited;
      const broker = await openBroker(dataDir);
      try {
        const got = (await readAll(broker, 'journal')).map((r) =>
          Number(r.value!.toString().slice(1)),
        );
        // In order, so no sorting: a repeat or a gap shows as a broken run.
        expect(summarize(got)).toEqual([`0-${seq - 1}`]);
      } finally {
        await broker.close();
      }
    } finally {
      writing = false;
      await cleanup();
    }
  }, 240_000);
});
