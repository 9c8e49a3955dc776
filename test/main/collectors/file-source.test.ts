import {
  appendFile,
  copyFile,
  mkdir,
  readFile,
  rename,
  rm,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker } from '../../../src/main/broker/broker';
import { LocalCluster } from '../../../src/main/cluster';
import { CollectorManager } from '../../../src/main/collectors';
import { header, openBroker, readAll, tempDir, values, waitFor } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;
let broker: Broker;
let manager: CollectorManager;
let logs: string;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  logs = join(dir, 'logs');
  await mkdir(logs);
  broker = await openBroker(join(dir, 'data'));
  manager = new CollectorManager({
    cluster: new LocalCluster(broker),
    dataDir: join(dir, 'data'),
    defaultSource: false,
  });
  await manager.start();
});

afterEach(async () => {
  await manager.close();
  await broker.close();
  await cleanup();
});

async function restart(): Promise<void> {
  await manager.close();
  manager = new CollectorManager({
    cluster: new LocalCluster(broker),
    dataDir: join(dir, 'data'),
    defaultSource: false,
  });
  await manager.start();
}

const fileSource = (extra: Record<string, unknown> = {}) => ({
  type: 'file',
  id: 'app',
  topic: 'app-logs',
  include: [join(logs, '**/*.log')],
  scanIntervalMs: 100,
  rotateWaitMs: 300,
  ...extra,
});

describe('file source', () => {
  it('collects the lines of every file matching the globs, minus excluded ones, with source headers', async () => {
    await mkdir(join(logs, 'sub', 'deep'), { recursive: true });
    await writeFile(join(logs, 'a.log'), 'a1\na2\n');
    await writeFile(join(logs, 'sub', 'deep', 'b.log'), 'b1\n');
    await writeFile(join(logs, 'sub', 'skip.log'), 'no\n');
    await writeFile(join(logs, 'c.txt'), 'no\n');
    await manager.add(fileSource({ exclude: [join(logs, 'sub/skip.log')] }));
    const records = await waitFor('3 records', async () => {
      const r = await readAll(broker, 'app-logs');
      return r.length >= 3 && r;
    });
    expect(values(records).sort()).toEqual(['a1', 'a2', 'b1']);
    const a2 = records.find((r) => r.value?.toString() === 'a2')!;
    expect(header(a2, 'logdock.source')).toBe('app');
    expect(header(a2, 'logdock.file')).toBe(join(logs, 'a.log'));
    expect([header(a2, 'logdock.offset'), header(a2, 'logdock.end')]).toEqual(['3', '6']);
    expect(header(a2, 'logdock.identity')).toMatch(/^\d+:\d+:6:[0-9a-f]{16}$/);
  });

  it('collects files whose names hold a newline or non-ASCII characters, and excludes them by glob too', async () => {
    await mkdir(join(logs, 'sub'));
    await writeFile(join(logs, 'new\nline.log'), 'newline name\n');
    await writeFile(join(logs, 'sub', 'snö☃.log'), 'unicode name\n');
    await writeFile(join(logs, 'skip\n.log'), 'excluded\n');
    await writeFile(join(logs, 'last.log'), 'last\n');
    await manager.add(
      fileSource({ include: [join(logs, '**')], exclude: [join(logs, 'skip?.log')] }),
    );
    const records = await waitFor('3 records', async () => {
      const r = await readAll(broker, 'app-logs');
      return r.length >= 3 && r;
    });
    await waitFor('every file read', async () =>
      manager.status()[0].files.every((f) => f.bytesBehind === 0),
    );
    expect(
      manager
        .status()[0]
        .files.map((f) => f.path)
        .sort(),
    ).toEqual(
      [join(logs, 'last.log'), join(logs, 'new\nline.log'), join(logs, 'sub', 'snö☃.log')].sort(),
    );
    expect(values(await readAll(broker, 'app-logs')).sort()).toEqual(
      ['last', 'newline name', 'unicode name'].sort(),
    );
    const named = records.find((r) => r.value?.toString() === 'newline name');
    expect(header(named!, 'logdock.file')).toBe(join(logs, 'new\nline.log'));
  });

  it('collects several large files at once line for line, each read in many chunks', async () => {
    // Four files of ~1.7 MB, read in 512 KiB chunks into reused buffers, lines straddling
    // the chunk ends, all four appending at the same time.
    const expected = new Map<string, string[]>();
    for (let f = 0; f < 4; f++) {
      const lines = Array.from(
        { length: 20_000 },
        (_, i) =>
          `file ${f} line ${i} ${'abcdefghijklmnopqrstuvwxyz'.repeat(1 + ((i * 7 + f) % 5))}`,
      );
      const path = join(logs, `big${f}.log`);
      expected.set(path, lines);
      await writeFile(path, lines.join('\n') + '\n');
    }
    await manager.add(fileSource());
    const stored = () =>
      broker.describeTopic('app-logs').partitions.reduce((n, p) => n + p.logEndOffset, 0);
    await waitFor('80,000 records', () => stored() >= 80_000, 45_000);
    const records = await readAll(broker, 'app-logs');
    const got = new Map<string, string[]>();
    for (const r of records) {
      const file = header(r, 'logdock.file')!;
      if (!got.has(file)) got.set(file, []);
      got.get(file)!.push(r.value!.toString());
    }
    expect(records.length).toBe(80_000);
    for (const [path, lines] of expected)
      expect(got.get(path)?.join('\n') === lines.join('\n')).toBe(true);
  });

  it('picks up files created while running and lines appended to them', async () => {
    await manager.add(fileSource());
    await mkdir(join(logs, 'later'));
    await writeFile(join(logs, 'later', 'new.log'), 'first\n');
    await waitFor('first line', async () =>
      values(await readAll(broker, 'app-logs')).includes('first'),
    );
    await appendFile(join(logs, 'later', 'new.log'), 'second\nthird\n');
    await waitFor('3 lines', async () => (await readAll(broker, 'app-logs')).length === 3);
    expect(values(await readAll(broker, 'app-logs'))).toEqual(['first', 'second', 'third']);
  });

  it('starts files found by the first scan at their end when configured so, and new files at the beginning', async () => {
    await writeFile(join(logs, 'old.log'), 'old1\nold2\n');
    await manager.add(fileSource({ startAt: 'end' }));
    await appendFile(join(logs, 'old.log'), 'fresh\n');
    await writeFile(join(logs, 'born.log'), 'born1\n');
    await waitFor('2 lines', async () => (await readAll(broker, 'app-logs')).length === 2);
    expect(values(await readAll(broker, 'app-logs')).sort()).toEqual(['born1', 'fresh']);
  });

  it('resumes after a restart without duplicates and re-reads a last line that had no newline', async () => {
    const f = join(logs, 'r.log');
    await writeFile(f, 'one\ntwo\nthr');
    await manager.add(fileSource());
    await waitFor('2 lines', async () => (await readAll(broker, 'app-logs')).length === 2);
    await restart();
    await appendFile(f, 'ee\nfour\n');
    await waitFor('4 lines', async () => (await readAll(broker, 'app-logs')).length === 4);
    await restart();
    await appendFile(f, 'five\n');
    await waitFor('5 lines', async () => (await readAll(broker, 'app-logs')).length === 5);
    expect(values(await readAll(broker, 'app-logs'))).toEqual([
      'one',
      'two',
      'three',
      'four',
      'five',
    ]);
  });

  it('recovers positions from the topic when the checkpoint file is garbage', async () => {
    const f = join(logs, 'g.log');
    await writeFile(f, 'x1\nx2\n');
    await manager.add(fileSource());
    await waitFor('2 lines', async () => (await readAll(broker, 'app-logs')).length === 2);
    await manager.close();
    const cp = join(dir, 'data', 'collectors', 'checkpoints', 'app.json');
    await writeFile(cp, '{"version":1,"garbage');
    await appendFile(f, 'x3\n');
    manager = new CollectorManager({
      cluster: new LocalCluster(broker),
      dataDir: join(dir, 'data'),
      defaultSource: false,
    });
    await manager.start();
    await waitFor('3 lines', async () => (await readAll(broker, 'app-logs')).length === 3);
    expect(values(await readAll(broker, 'app-logs'))).toEqual(['x1', 'x2', 'x3']);
  });

  it('drains a renamed file to its end and reads the new file from the start', async () => {
    const f = join(logs, 'app.log');
    await writeFile(f, 'a\n');
    await manager.add(fileSource({ include: [f] }));
    await waitFor('a', async () => (await readAll(broker, 'app-logs')).length === 1);
    await appendFile(f, 'b\n');
    await rename(f, join(logs, 'app.log.1'));
    await appendFile(join(logs, 'app.log.1'), 'c\n'); // the writer still had it open
    await writeFile(f, 'd\n');
    await waitFor('4 lines', async () => (await readAll(broker, 'app-logs')).length === 4);
    const records = await readAll(broker, 'app-logs');
    const byFile = (ident: string) =>
      values(records.filter((r) => header(r, 'logdock.identity')!.startsWith(ident)));
    const ids = [
      ...new Set(
        records.map((r) => header(r, 'logdock.identity')!.split(':').slice(0, 2).join(':')),
      ),
    ];
    expect(ids).toHaveLength(2);
    expect(byFile(ids[0] + ':')).toEqual(['a', 'b', 'c']);
    expect(byFile(ids[1] + ':')).toEqual(['d']);
    // The rotated file is let go once it has been idle.
    await waitFor('rotated file closed', () => manager.status()[0].files.length === 1);
  });

  it('restarts at byte 0 after a truncation and reports it', async () => {
    const f = join(logs, 't.log');
    await writeFile(f, 'long line number one\nlong line number two\n');
    await manager.add(fileSource({ include: [f] }));
    await waitFor('2 lines', async () => (await readAll(broker, 'app-logs')).length === 2);
    await truncate(f, 0);
    await appendFile(f, 'after\n');
    await waitFor('3 lines', async () => (await readAll(broker, 'app-logs')).length === 3);
    expect(values(await readAll(broker, 'app-logs'))).toEqual([
      'long line number one',
      'long line number two',
      'after',
    ]);
    expect(manager.status()[0].files[0]).toMatchObject({ truncations: 1, position: 6 });
  });

  it('reads a copy of a file only past what was already read from the original', async () => {
    const f = join(logs, 'c.log');
    const first = Array.from({ length: 20 }, (_, i) => `first ${i} of a long enough file`);
    await writeFile(f, first.join('\n') + '\n');
    await manager.add(fileSource({ include: [`${f}*`] }));
    await waitFor('20 lines', async () => (await readAll(broker, 'app-logs')).length === 20);
    // copytruncate: the copy holds the 20 lines read and one that was not read yet.
    await appendFile(f, 'written just before the rotation\n');
    await copyFile(f, `${f}.1`);
    await truncate(f, 0);
    await appendFile(f, 'after\n');
    await waitFor('22 lines', async () => (await readAll(broker, 'app-logs')).length >= 22);
    // A backup copy of content fully read adds nothing.
    await copyFile(`${f}.1`, `${f}.bak`);
    await appendFile(f, 'last\n');
    await waitFor('23 lines', async () => (await readAll(broker, 'app-logs')).length >= 23);
    await waitFor('the backup tracked', () => manager.status()[0].files.length === 3);
    expect(values(await readAll(broker, 'app-logs')).sort()).toEqual(
      [...first, 'written just before the rotation', 'after', 'last'].sort(),
    );
  });

  it('takes a copy that cp created empty and then filled for a copy', async () => {
    const f = join(logs, 'e.log');
    const first = Array.from({ length: 20 }, (_, i) => `first ${i} of a long enough file`);
    await writeFile(f, first.join('\n') + '\n');
    await manager.add(fileSource({ include: [join(logs, '*')] }));
    await waitFor('20 lines', async () => (await readAll(broker, 'app-logs')).length === 20);
    // cp's first step: the copy exists, empty. A file found by the same walk shows the
    // walk saw it.
    await writeFile(`${f}.1`, '');
    await writeFile(join(logs, 'other.log'), 'other\n');
    await waitFor('the walk that saw the empty copy', () =>
      manager.status()[0].files.some((x) => x.path.endsWith('other.log')),
    );
    await writeFile(`${f}.1`, await readFile(f));
    await truncate(f, 0);
    await appendFile(f, 'after\n');
    await waitFor('the copy placed', () => manager.status()[0].files.length === 3);
    await waitFor('22 lines', async () => (await readAll(broker, 'app-logs')).length >= 22);
    expect(values(await readAll(broker, 'app-logs')).sort()).toEqual(
      [...first, 'other', 'after'].sort(),
    );
  });

  it('reads a copy of a file that held one short line only past what was read, running or stopped', async () => {
    const f = join(logs, 's.log');
    const copyDone = async (n: number) => {
      await waitFor(`${n} lines`, async () => (await readAll(broker, 'app-logs')).length >= n);
      await waitFor('the copy read to its end', () =>
        manager.status()[0].files.some((x) => x.path === `${f}.1` && x.position === x.size),
      );
    };
    await writeFile(f, 'short one\n');
    await manager.add(fileSource({ include: [`${f}*`] }));
    await waitFor('1 line', async () => (await readAll(broker, 'app-logs')).length === 1);
    // copytruncate while running: fewer bytes than a fingerprint match needs were read.
    await appendFile(f, 'unread\n');
    await copyFile(f, `${f}.1`);
    await truncate(f, 0);
    await appendFile(f, 'short two\n');
    await copyDone(3);
    // And while stopped: the next generation's short line was read before the stop.
    await manager.close();
    await rm(`${f}.1`);
    await appendFile(f, 'unread two\n');
    await copyFile(f, `${f}.1`);
    await truncate(f, 0);
    await appendFile(f, 'short three\n');
    await restart();
    await copyDone(5);
    expect(values(await readAll(broker, 'app-logs')).sort()).toEqual(
      ['short one', 'unread', 'short two', 'unread two', 'short three'].sort(),
    );
  });

  it('reads in full a file that starts with the same short line under an unrelated name or after a rename', async () => {
    const f = join(logs, 'app.log');
    await writeFile(f, 'started\n');
    await manager.add(fileSource({ include: [join(logs, '*')] }));
    await waitFor('1 line', async () => (await readAll(broker, 'app-logs')).length === 1);
    await writeFile(join(logs, 'other.log'), 'started\nother\n');
    await waitFor('3 lines', async () => (await readAll(broker, 'app-logs')).length === 3);
    // Rotation by rename: the new app.log is new content, not a copy of app.log.1.
    await rename(f, `${f}.1`);
    await writeFile(f, 'started\nagain\n');
    await waitFor('5 lines', async () => (await readAll(broker, 'app-logs')).length === 5);
    expect(values(await readAll(broker, 'app-logs')).sort()).toEqual(
      ['started', 'started', 'other', 'started', 'again'].sort(),
    );
  });

  it('notices a truncated file that regrew past the old position by its fingerprint', async () => {
    const f = join(logs, 'fp.log');
    await writeFile(f, 'aaaa\n');
    await manager.add(fileSource({ include: [f] }));
    await waitFor('1 line', async () => (await readAll(broker, 'app-logs')).length === 1);
    await manager.pause('app');
    await writeFile(f, 'bbbbbbbbbb\ncccc\n');
    await manager.resume('app');
    await waitFor('3 lines', async () => (await readAll(broker, 'app-logs')).length === 3);
    expect(values(await readAll(broker, 'app-logs'))).toEqual(['aaaa', 'bbbbbbbbbb', 'cccc']);
  });

  it('follows delete-and-recreate', async () => {
    const f = join(logs, 'd.log');
    await writeFile(f, 'before\n');
    await manager.add(fileSource({ include: [f] }));
    await waitFor('1 line', async () => (await readAll(broker, 'app-logs')).length === 1);
    await rm(f);
    await writeFile(f, 'after\n');
    await waitFor('2 lines', async () => (await readAll(broker, 'app-logs')).length === 2);
    expect(values(await readAll(broker, 'app-logs'))).toEqual(['before', 'after']);
  });

  it('finishes a file rotated while stopped, found by inode and fingerprint', async () => {
    const f = join(logs, 'app.log');
    await writeFile(f, 'l1\n');
    await manager.add(fileSource({ include: [f] }));
    await waitFor('1 line', async () => (await readAll(broker, 'app-logs')).length === 1);
    await manager.close();
    await appendFile(f, 'l2\n');
    await rename(f, join(logs, 'app.log.1'));
    await writeFile(f, 'n1\n');
    manager = new CollectorManager({
      cluster: new LocalCluster(broker),
      dataDir: join(dir, 'data'),
      defaultSource: false,
    });
    await manager.start();
    await waitFor('3 lines', async () => (await readAll(broker, 'app-logs')).length === 3);
    expect(values(await readAll(broker, 'app-logs')).sort()).toEqual(['l1', 'l2', 'n1']);
  });

  it('joins multi-line events, parses them, cuts long lines and keeps unparsable lines raw', async () => {
    const f = join(logs, 'm.log');
    await writeFile(
      f,
      '{"time":"2024-01-01T00:00:00Z","level":"error","msg":"boom"}\n  at x\n{"level":"info","msg":"' +
        'y'.repeat(100) +
        '"}\nnot json\n',
    );
    await manager.add(
      fileSource({
        include: [f],
        parser: { type: 'json' },
        multiline: { mode: 'continuation', pattern: '^\\s', flushMs: 50 },
        maxLineBytes: 80,
      }),
    );
    const records = await waitFor('3 records', async () => {
      const r = await readAll(broker, 'app-logs');
      return r.length === 3 && r;
    });
    expect(values(records)[0]).toBe(
      '{"time":"2024-01-01T00:00:00Z","level":"error","msg":"boom"}\n  at x',
    );
    expect(header(records[0], 'logdock.parse-error')).toMatch(/invalid JSON/);
    expect(header(records[1], 'logdock.cut')).toBe(
      String('{"level":"info","msg":""}'.length + 100),
    );
    expect(records[1].value).toHaveLength(80);
    expect(header(records[2], 'logdock.parse-error')).toMatch(/invalid JSON/);
    expect(manager.status()[0]).toMatchObject({ cutLines: 1, parseErrors: 3 });
  });

  it('puts the parsed timestamp on the record and level and fields in headers', async () => {
    const f = join(logs, 'j.log');
    await writeFile(f, '{"time":"2024-01-01T00:00:00Z","level":"warn","msg":"m","user":"ann"}\n');
    await manager.add(
      fileSource({ include: [f], parser: { type: 'json' }, key: { type: 'field', field: 'user' } }),
    );
    const [r] = await waitFor('1 record', async () => {
      const r = await readAll(broker, 'app-logs');
      return r.length === 1 && r;
    });
    expect(r.timestamp).toBe(Date.UTC(2024, 0, 1));
    expect(header(r, 'level')).toBe('warn');
    expect(header(r, 'field.user')).toBe('ann');
    expect(r.key?.toString()).toBe('ann');
  });

  it('reads UTF-16LE and Latin-1 files into UTF-8 records and counts invalid UTF-8', async () => {
    await writeFile(
      join(logs, 'w.log'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('grüße\r\nzwei\n', 'utf16le')]),
    );
    await manager.add(
      fileSource({ id: 'w', topic: 'wide', include: [join(logs, 'w.log')], encoding: 'utf16le' }),
    );
    await writeFile(join(logs, 'l.log'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    await manager.add(
      fileSource({ id: 'l', topic: 'latin', include: [join(logs, 'l.log')], encoding: 'latin1' }),
    );
    await writeFile(join(logs, 'u.log'), Buffer.from([0x6f, 0x6b, 0xff, 0x0a]));
    await manager.add(fileSource({ id: 'u', topic: 'utf', include: [join(logs, 'u.log')] }));
    await waitFor(
      'all three',
      async () =>
        (await readAll(broker, 'wide')).length === 2 &&
        (await readAll(broker, 'latin')).length === 1 &&
        (await readAll(broker, 'utf')).length === 1,
    );
    expect(values(await readAll(broker, 'wide'))).toEqual(['grüße', 'zwei']);
    expect((await readAll(broker, 'wide')).map((r) => header(r, 'logdock.offset'))).toEqual([
      '2',
      '16',
    ]);
    expect(values(await readAll(broker, 'latin'))).toEqual(['café']);
    const [u] = await readAll(broker, 'utf');
    expect(u.value?.toString()).toBe('ok\ufffd');
    expect(header(u, 'logdock.invalid-bytes')).toBe('1');
    expect(manager.status().find((s) => s.id === 'u')!.files[0].invalidBytes).toBe(1);
  });

  it('cuts lines to what the topic accepts when max.message.bytes is below the line limit', async () => {
    await broker.createTopic('small', { configs: { 'max.message.bytes': 10_000 } });
    await writeFile(join(logs, 'big.log'), 'z'.repeat(50_000) + '\nafter\n');
    await manager.add(fileSource({ topic: 'small', include: [join(logs, 'big.log')] }));
    const records = await waitFor('2 records', async () => {
      const r = await readAll(broker, 'small');
      return r.length === 2 && r;
    });
    expect(records[0].value!.length).toBeLessThan(10_000);
    expect(header(records[0], 'logdock.cut')).toBe('50000');
    expect(values(records)[1]).toBe('after');
  });

  it('reports status per file: position, size and identity', async () => {
    const f = join(logs, 's.log');
    await writeFile(f, 'abc\n');
    await manager.add(fileSource({ include: [f] }));
    await waitFor('position 4', () => manager.status()[0].files[0]?.position === 4);
    const st = manager.status()[0];
    expect(st).toMatchObject({ id: 'app', state: 'running', lines: 1, bytesBehind: 0 });
    expect(st.files[0]).toMatchObject({ path: f, size: 4, bytesBehind: 0, lastError: null });
    expect(
      JSON.parse(await readFile(join(dir, 'data', 'collectors.json'), 'utf8')).sources[0].id,
    ).toBe('app');
  });
});

describe('file source checkpoint cache', () => {
  it('trusts only the topic when the checkpoint is ahead of it', async () => {
    const f = join(logs, 'c.log');
    await writeFile(f, 'k1\nk2\n');
    await manager.add(fileSource({ include: [f] }));
    await waitFor('2 lines', async () => (await readAll(broker, 'app-logs')).length === 2);
    await manager.close();
    await appendFile(f, 'k3\n');
    // A cache claiming k3 was produced too, written when the log was longer than it is now.
    const cpPath = join(dir, 'data', 'collectors', 'checkpoints', 'app.json');
    const cp = JSON.parse(await readFile(cpPath, 'utf8'));
    cp.scanFrom = { '0': 1000 };
    cp.files[0].position = 9;
    await writeFile(cpPath, JSON.stringify(cp));
    manager = new CollectorManager({
      cluster: new LocalCluster(broker),
      dataDir: join(dir, 'data'),
      defaultSource: false,
    });
    await manager.start();
    await waitFor('k3', async () => values(await readAll(broker, 'app-logs')).includes('k3'));
    expect(values(await readAll(broker, 'app-logs'))).toEqual(['k1', 'k2', 'k3']);
  });
});
