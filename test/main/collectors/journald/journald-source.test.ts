import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalCluster } from '../../../../src/main/cluster';
import { CollectorManager } from '../../../../src/main/collectors';
import { checkStoredBatches, header, readAll, useCollectors, waitFor } from '../helpers';
import { JournalWriter, writeJournal, type Fields } from './journal-writer';

const fx = useCollectors();

const entry = (i: number, extra: Fields = {}): Fields => ({
  MESSAGE: `message ${i}`,
  PRIORITY: String(i % 8),
  _SYSTEMD_UNIT: i % 2 ? 'api.service' : 'db.service',
  _PID: String(1000 + i),
  _HOSTNAME: 'ws-1',
  SYSLOG_IDENTIFIER: i % 2 ? 'api' : 'db',
  ...extra,
});

const headers = (r: { headers: { key: string; value: Buffer | null }[] }, key: string) =>
  r.headers.filter((h) => h.key === key).map((h) => h.value?.toString());

describe('journald source', () => {
  it("reads every entry of a journal file written by systemd-journal-remote, with time, level, unit key and fields as headers, in batches that pass a client's full check", async () => {
    const file = join(fx.dir, 'one.journal');
    await writeJournal(file, [
      ...Array.from({ length: 50 }, (_, i) => entry(i)),
      entry(50, {
        MESSAGE: 'two\nlines',
        BLOB: Buffer.from([0xff, 0x00, 0x41]),
        TAG: ['a', 'b'],
      }),
    ]);
    await fx.manager.add({ type: 'journald', id: 'j', topic: 'journal', files: [file] });
    const records = await waitFor('51 records', async () => {
      const rs = await readAll(fx.broker, 'journal');
      return rs.length === 51 && rs;
    });
    expect(records.map((r) => r.value?.toString()).slice(0, 3)).toEqual([
      'message 0',
      'message 1',
      'message 2',
    ]);
    const r3 = records[3];
    expect(r3.key?.toString()).toBe('api.service');
    expect(r3.timestamp).toBe(1_700_000_000_004);
    expect(header(r3, 'level')).toBe('err');
    expect(header(r3, 'journal._PID')).toBe('1003');
    expect(header(r3, 'journal._HOSTNAME')).toBe('ws-1');
    expect(header(r3, 'journal.PRIORITY')).toBe('3');
    expect(header(r3, 'logdock.cursor')).toMatch(/^s=[0-9a-f]+;i=4;/);
    const last = records[50];
    expect(last.value?.toString()).toBe('two\nlines');
    expect(last.headers.find((h) => h.key === 'journal.BLOB')?.value).toEqual(
      Buffer.from([0xff, 0x00, 0x41]),
    );
    expect(headers(last, 'journal.TAG').sort()).toEqual(['a', 'b']);
    expect(await checkStoredBatches(fx.broker, 'journal')).toBeGreaterThan(0);
  });

  it('keeps only the chosen units and priorities, and the whole entry as JSON with fields: value', async () => {
    const file = join(fx.dir, 'sel.journal');
    await writeJournal(
      file,
      Array.from({ length: 40 }, (_, i) => entry(i)),
    );
    await fx.manager.add({
      type: 'journald',
      id: 'j',
      topic: 'journal',
      files: [file],
      units: ['api.service'],
      priority: 3,
      fields: 'value',
    });
    // api.service is odd i; priority i % 8 <= 3: i % 8 in {1, 3}.
    const want = Array.from({ length: 40 }, (_, i) => i).filter((i) => i % 2 && i % 8 <= 3);
    const records = await waitFor(`${want.length} records`, async () => {
      const rs = await readAll(fx.broker, 'journal');
      return rs.length === want.length && rs;
    });
    const values = records.map((r) => JSON.parse(r.value!.toString()));
    expect(values.map((v) => v.message)).toEqual(want.map((i) => `message ${i}`));
    expect(values[0]).toMatchObject({
      level: 'alert',
      fields: { _SYSTEMD_UNIT: 'api.service', _PID: '1001', PRIORITY: '1' },
    });
  });

  it('follows a journal directory as it grows and resumes after its last stored cursor when restarted', async () => {
    const dir = join(fx.dir, 'journals');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    const writer = new JournalWriter(join(dir, 'live.journal'));
    try {
      await writer.write(Array.from({ length: 10 }, (_, i) => entry(i)));
      await fx.manager.add({ type: 'journald', id: 'j', topic: 'journal', directory: dir });
      await waitFor('10 records', async () => (await readAll(fx.broker, 'journal')).length === 10);
      await writer.write(Array.from({ length: 10 }, (_, i) => entry(10 + i)));
      await waitFor('20 records', async () => (await readAll(fx.broker, 'journal')).length === 20);
      await fx.manager.close();
      // More than the 10 entries journalctl --follow shows by default: they must come from the cursor.
      await writer.write(Array.from({ length: 25 }, (_, i) => entry(20 + i)));
      const manager = new CollectorManager({
        cluster: new LocalCluster(fx.broker),
        dataDir: join(fx.dir, 'data'),
      });
      await manager.start();
      try {
        const records = await waitFor('45 records', async () => {
          const rs = await readAll(fx.broker, 'journal');
          return rs.length >= 45 && rs;
        });
        expect(records.map((r) => r.value?.toString())).toEqual(
          Array.from({ length: 45 }, (_, i) => `message ${i}`),
        );
      } finally {
        await manager.close();
      }
    } finally {
      await writer.close();
    }
  });

  it('follows a journal directory whose entries carry no boot id with one journalctl, which never fails', async () => {
    const dir = join(fx.dir, 'journals');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    const writer = new JournalWriter(join(dir, 'no-boot.journal'), null);
    try {
      await writer.write(Array.from({ length: 10 }, (_, i) => entry(i)));
      await fx.manager.add({ type: 'journald', id: 'j', topic: 'journal', directory: dir });
      await waitFor('10 records', async () => (await readAll(fx.broker, 'journal')).length === 10);
      await writer.write(Array.from({ length: 10 }, (_, i) => entry(10 + i)));
      await waitFor('20 records', async () => (await readAll(fx.broker, 'journal')).length === 20);
      expect(fx.manager.status().find((s) => s.id === 'j')!.lastError).toBeNull();
    } finally {
      await writer.close();
    }
  });

  it('cuts an entry too large for the topic and goes on with the entries after it', async () => {
    const file = join(fx.dir, 'huge.journal');
    await writeJournal(file, [
      entry(0),
      entry(1, { MESSAGE: 'h'.repeat(3_000_000), COREDUMP: Buffer.alloc(2_000_000, 1) }),
      entry(2),
    ]);
    await fx.manager.add({ type: 'journald', id: 'j', topic: 'journal', files: [file] });
    const records = await waitFor('3 records', async () => {
      const rs = await readAll(fx.broker, 'journal');
      return rs.length === 3 && rs;
    });
    expect(records.map((r) => r.value!.subarray(0, 9).toString())).toEqual([
      'message 0',
      'hhhhhhhhh',
      'message 2',
    ]);
    const cut = records[1];
    expect(cut.value!.length).toBeGreaterThan(500_000);
    expect(Number(header(cut, 'logdock.cut'))).toBeGreaterThan(5_000_000);
    expect(header(cut, 'journal._PID')).toBe('1001');
    expect(header(cut, 'journal.COREDUMP')).toBeUndefined();
    expect(fx.manager.status()[0].cutLines).toBe(1);
  });

  it('catches up on a backlog larger than it holds in memory, then follows on after its last entry: every entry once, in order', async () => {
    const dir = join(fx.dir, 'journals');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    const writer = new JournalWriter(join(dir, 'backlog.journal'));
    // About 10 MB of export format: more than the 8 MiB read but not yet appended.
    const backlog = 30_000;
    try {
      for (let i = 0; i < backlog; i += 5000)
        await writer.write(Array.from({ length: 5000 }, (_, j) => entry(i + j)));
      await fx.manager.add({ type: 'journald', id: 'j', topic: 'journal', directory: dir });
      const end = () => fx.broker.describeTopic('journal').partitions[0].logEndOffset;
      await waitFor('the backlog', () => end() >= backlog, 60_000);
      await writer.write(Array.from({ length: 10 }, (_, i) => entry(backlog + i)));
      await waitFor('the entries written after it', () => end() >= backlog + 10, 60_000);
      const values = (await readAll(fx.broker, 'journal')).map((r) => r.value?.toString());
      expect(values.length).toBe(backlog + 10);
      const wrong = values.findIndex((v, i) => v !== `message ${i}`);
      expect(wrong).toBe(-1);
    } finally {
      await writer.close();
    }
  }, 90_000);

  it('goes on after an entry larger than it holds in memory (a 12 MB core dump), cut to fit', async () => {
    const file = join(fx.dir, 'dump.journal');
    await writeJournal(file, [
      entry(0),
      entry(1, { COREDUMP: Buffer.alloc(12_000_000, 7) }),
      entry(2),
    ]);
    await fx.manager.add({ type: 'journald', id: 'j', topic: 'journal', files: [file] });
    const records = await waitFor(
      '3 records',
      async () => {
        const rs = await readAll(fx.broker, 'journal');
        return rs.length === 3 && rs;
      },
      60_000,
    );
    expect(records.map((r) => r.value?.toString())).toEqual([
      'message 0',
      'message 1',
      'message 2',
    ]);
    expect(Number(header(records[1], 'logdock.cut'))).toBeGreaterThan(12_000_000);
  }, 90_000);

  /** A source over a missing `late.journal` and a `present.journal` of 5 entries, once they are stored. */
  async function readingWithOneMissing(): Promise<{ present: string; late: string }> {
    const present = join(fx.dir, 'present.journal');
    const late = join(fx.dir, 'late.journal');
    await writeJournal(
      present,
      Array.from({ length: 5 }, (_, i) => entry(i)),
    );
    await fx.manager.add({ type: 'journald', id: 'j', topic: 'journal', files: [late, present] });
    await waitFor(
      'the entries of the file that exists',
      async () => (await readAll(fx.broker, 'journal')).length === 5,
      60_000,
    );
    return { present, late };
  }

  /** The topic's records once the late file's 5 entries joined the first 5. */
  const tenRecords = () =>
    waitFor(
      'the entries of the file that appeared',
      async () => {
        const rs = await readAll(fx.broker, 'journal');
        return rs.length >= 10 && rs;
      },
      60_000,
    );

  it('reads the journal files that exist, names the missing one in its last error as not found, and reads it once it appears', async () => {
    const { present, late } = await readingWithOneMissing();
    const lastError = fx.manager.status()[0].lastError ?? '';
    expect(lastError).toContain(`not found: ${late};`);
    expect(lastError).not.toContain(present);
    // Later than every entry read: journalctl goes on after the last cursor across all files.
    await writeJournal(
      late,
      Array.from({ length: 5 }, (_, i) => entry(5 + i)),
      1_000_000_000,
    );
    const records = await tenRecords();
    expect(records.map((r) => r.value?.toString())).toEqual(
      Array.from({ length: 10 }, (_, i) => `message ${i}`),
    );
  }, 90_000);

  it('reads a journal file that appears later from its start, entries older than those read included, each once, and clears the error', async () => {
    const { late } = await readingWithOneMissing();
    expect(fx.manager.status()[0].lastError).toContain(`not found: ${late};`);
    // Written at the same times as the entries already read (a second host's journal copied
    // in later): journalctl --after-cursor over both files skipped every one of them.
    await writeJournal(
      late,
      Array.from({ length: 5 }, (_, i) => entry(5 + i)),
    );
    const records = await tenRecords();
    expect(records.map((r) => r.value?.toString()).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `message ${i}`).sort(),
    );
    await waitFor('the error cleared', () => fx.manager.status()[0].lastError === null);
  }, 90_000);

  it('clears its error once a failing journalctl recovers', async () => {
    const dir = join(fx.dir, 'later');
    await fx.manager.add({ type: 'journald', id: 'j', topic: 'journal', directory: dir });
    await waitFor('the journalctl failure', () =>
      /journalctl exited/.test(fx.manager.status()[0].lastError ?? ''),
    );
    await mkdir(dir);
    await writeJournal(
      join(dir, 'x.journal'),
      Array.from({ length: 3 }, (_, i) => entry(i)),
    );
    await waitFor(
      'the entries',
      async () => (await readAll(fx.broker, 'journal')).length === 3,
      60_000,
    );
    // Before: the UI went on showing "journalctl exited" while the source read on.
    await waitFor('the error cleared', () => fx.manager.status()[0].lastError === null);
  }, 90_000);

  it('waits for a files list none of which exists, naming them all, and reads them once they appear', async () => {
    const a = join(fx.dir, 'a.journal');
    const b = join(fx.dir, 'b.journal');
    await fx.manager.add({ type: 'journald', id: 'j', topic: 'journal', files: [a, b] });
    await waitFor('the error naming both files', () =>
      (fx.manager.status()[0].lastError ?? '').includes(`not found: ${a}, ${b};`),
    );
    await writeJournal(
      a,
      Array.from({ length: 5 }, (_, i) => entry(i)),
    );
    await waitFor(
      'the entries of the file that appeared',
      async () => (await readAll(fx.broker, 'journal')).length === 5,
      60_000,
    );
    expect(fx.manager.status()[0].lastError).toContain(`not found: ${b};`);
  }, 90_000);

  it('reports a journalctl that cannot run or fails, and keeps the rest of the collectors running', async () => {
    const view = await fx.manager.add({
      type: 'journald',
      id: 'missing',
      topic: 'journal',
      journalctl: join(fx.dir, 'no-such-journalctl'),
    });
    expect(view.status.state).toBe('running');
    await waitFor('the error', () =>
      /cannot run .*no-such-journalctl/.test(fx.manager.status()[0].lastError ?? ''),
    );
    await fx.manager.add({
      type: 'journald',
      id: 'bad-dir',
      topic: 'journal',
      directory: join(fx.dir, 'nowhere'),
    });
    await waitFor('the journalctl failure', () =>
      /journalctl exited/.test(fx.manager.status()[1].lastError ?? ''),
    );
  });
});
