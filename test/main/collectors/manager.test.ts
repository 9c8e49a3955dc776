import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Broker } from '../../../src/main/broker/broker';
import { LocalCluster } from '../../../src/main/cluster';
import { CollectorManager, DEFAULT_SOURCE_TOPIC } from '../../../src/main/collectors';
import { silentLogger } from '../../../src/main/logger';
import { abandonable } from '../../../src/main/collectors/abandoned-cluster';
import { CLEAN_SHUTDOWN_FILE } from '../../../src/main/storage/partition-log';
import { header, openBroker, readAll, tempDir, values, waitFor } from './helpers';

let dir: string;
let dataDir: string;
let cleanup: () => Promise<void>;
let broker: Broker;
let manager: CollectorManager;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  dataDir = join(dir, 'data');
  await mkdir(join(dir, 'logs'));
  broker = await openBroker(dataDir);
});

afterEach(async () => {
  await manager?.close();
  await broker.close();
  await cleanup();
});

async function open(defaultSource = false): Promise<CollectorManager> {
  manager = new CollectorManager({ cluster: new LocalCluster(broker), dataDir, defaultSource });
  await manager.start();
  return manager;
}

/** `p`'s value once it settles, within the usual deadline (it must not hang behind another source). */
async function answered<T>(what: string, p: Promise<T>): Promise<T> {
  let outcome: { value: T } | { error: unknown } | null = null;
  p.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  const done = await waitFor(what, () => outcome);
  if ('error' in done) throw done.error;
  return done.value;
}

const src = (id: string, extra: Record<string, unknown> = {}) => ({
  type: 'file',
  id,
  topic: `t-${id}`,
  include: [join(dir, 'logs', `${id}.log`)],
  scanIntervalMs: 50,
  ...extra,
});

describe('CollectorManager', () => {
  it('ships Logdock’s own log into logdock.logs on first start', async () => {
    await mkdir(join(dataDir, 'logs'), { recursive: true });
    await writeFile(
      join(dataDir, 'logs', 'logdock.log'),
      '2026-01-01T00:00:00.000Z WARN [broker] disk is slow {"ms":5}\n',
    );
    await open(true);
    const [r] = await waitFor('own log', async () => {
      const rs = await readAll(broker, DEFAULT_SOURCE_TOPIC);
      return rs.length === 1 && rs;
    });
    expect(header(r, 'level')).toBe('WARN');
    expect(header(r, 'field.scope')).toBe('broker');
    expect(r.timestamp).toBe(Date.UTC(2026, 0, 1));
    expect(manager.list().map((s) => s.config.id)).toEqual(['logdock-logs']);
  });

  it('adds, pauses, resumes, updates and removes sources, persisting each change', async () => {
    await open();
    const f = join(dir, 'logs', 'a.log');
    await writeFile(f, 'one\n');
    await manager.add(src('a'));
    await waitFor('one', async () => (await readAll(broker, 't-a')).length === 1);
    const paused = await manager.pause('a');
    expect(paused.status.state).toBe('paused');
    await appendFile(f, 'two\n');
    await manager.close();
    // Persisted: a new manager sees the source paused and does not read.
    await open();
    expect(manager.list()[0]).toMatchObject({
      config: { id: 'a', paused: true },
      status: { state: 'paused' },
    });
    await manager.resume('a');
    await waitFor('two', async () => (await readAll(broker, 't-a')).length === 2);
    await manager.update('a', { ...src('a'), parser: { type: 'logfmt' } });
    await appendFile(f, 'level=error msg=three\n');
    await waitFor('three', async () => (await readAll(broker, 't-a')).length === 3);
    const third = (await readAll(broker, 't-a'))[2];
    expect(header(third, 'level')).toBe('error');
    await manager.remove('a');
    expect(manager.list()).toEqual([]);
    expect(JSON.parse(await readFile(join(dataDir, 'collectors.json'), 'utf8'))).toEqual({
      version: 1,
      sources: [],
    });
    expect(values(await readAll(broker, 't-a'))).toEqual(['one', 'two', 'level=error msg=three']);
  });

  it('starts over in the new topic when a source is pointed elsewhere', async () => {
    await open();
    await writeFile(join(dir, 'logs', 'n.log'), 'x\n');
    await manager.add(src('n'));
    await waitFor('x in the first topic', async () => (await readAll(broker, 't-n')).length === 1);
    await manager.update('n', { ...src('n'), topic: 'moved' });
    await waitFor('x in the new topic', async () =>
      values(await readAll(broker, 'moved')).includes('x'),
    );
    expect(values(await readAll(broker, 't-n'))).toEqual(['x']);
  });

  it('rejects invalid configs, duplicate ids and unknown ids with clear errors', async () => {
    await open();
    await expect(
      manager.add({ type: 'file', id: 'x', topic: 'bad topic!', include: ['/x'] }),
    ).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining('topic'),
    });
    await expect(manager.add({ ...src('m'), multiline: { pattern: '(' } })).rejects.toMatchObject({
      message: expect.stringContaining('multiline.pattern'),
    });
    await manager.add(src('b'));
    await expect(manager.add(src('b'))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(manager.pause('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(manager.update('b', src('c'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('stamps collected records with the clock it was given', async () => {
    const at = Date.UTC(2030, 5, 1);
    manager = new CollectorManager({
      cluster: new LocalCluster(broker),
      dataDir,
      defaultSource: false,
      clock: () => at,
    });
    await manager.start();
    await writeFile(join(dir, 'logs', 'c.log'), 'plain\n');
    await manager.add(src('c'));
    const [r] = await waitFor('one record', async () => {
      const rs = await readAll(broker, 't-c');
      return rs.length === 1 && rs;
    });
    expect(r.timestamp).toBe(at);
  });

  it('moves a malformed collectors.json aside and keeps running', async () => {
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'collectors.json'), '{"version":1,"sources":[{"type":"file"}]}');
    await open(true);
    expect(manager.list()).toEqual([]);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(dataDir)).some((n) => n.startsWith('collectors.json.corrupt-'))).toBe(
      true,
    );
    await manager.add(src('after'));
    expect(manager.list()).toHaveLength(1);
  });

  it('loads sources from a YAML config file, resolving relative globs against it', async () => {
    await open();
    await writeFile(join(dir, 'logs', 'y.log'), 'from yaml\n');
    const cfg = join(dir, 'logdock.yaml');
    await writeFile(
      cfg,
      'sources:\n  - type: file\n    id: y\n    topic: yaml-topic\n    include: ["logs/*.log"]\n',
    );
    await manager.applyConfigFile(cfg);
    await waitFor('yaml line', async () =>
      values(await readAll(broker, 'yaml-topic')).includes('from yaml'),
    );
    await writeFile(
      cfg,
      'sources:\n  - type: file\n    id: y\n    topic: yaml-topic\n    include: 3\n',
    );
    await expect(manager.applyConfigFile(cfg)).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringMatching(/logdock\.yaml: sources\.0\.include/),
    });
    await writeFile(cfg, 'sources: [\n');
    await expect(manager.applyConfigFile(cfg)).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });

  it('adds a file source from the TOPIC=GLOB shorthand', async () => {
    await open();
    await writeFile(join(dir, 'logs', 's.log'), 'short\n');
    const view = await manager.addTail(`short-topic=${join(dir, 'logs', '*.log')}`);
    expect(view.config).toMatchObject({ id: 'tail-short-topic', topic: 'short-topic' });
    await waitFor('short', async () =>
      values(await readAll(broker, 'short-topic')).includes('short'),
    );
    await expect(manager.addTail('no-equals-sign')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('previews how the first lines of a matching file would be split and parsed', async () => {
    await open();
    await writeFile(
      join(dir, 'logs', 'p.log'),
      '{"level":"info","msg":"hi","user":"u1"}\nnot json\n  continued\n',
    );
    const preview = await manager.preview(
      {
        ...src('p'),
        parser: { type: 'json' },
        key: { type: 'field', field: 'user' },
        multiline: { mode: 'continuation', pattern: '^\\s' },
      },
      { lines: 5 },
    );
    expect(preview.file).toBe(join(dir, 'logs', 'p.log'));
    expect(preview.events).toEqual([
      {
        text: '{"level":"info","msg":"hi","user":"u1"}',
        lines: 1,
        timestamp: null,
        level: 'info',
        key: 'u1',
        fields: { user: 'u1' },
        parseError: null,
      },
      expect.objectContaining({
        text: 'not json\n  continued',
        lines: 2,
        parseError: expect.stringContaining('invalid JSON'),
      }),
    ]);
    expect(await readAll(broker, 't-p')).toEqual([]);
  });

  it('closes without waiting for a file source still walking a large tree in its first scan', async () => {
    // 10,000 directories: a walk long enough to be under way when close() is called (a
    // glob like /** walks the whole file system for minutes, and SIGTERM waited for it).
    const tree = join(dir, 'logs', 'tree');
    const names = Array.from({ length: 100 }, (_, i) => `d${i}`);
    await Promise.all(
      names.map(async (a) => {
        for (const b of names) await mkdir(join(tree, a, b), { recursive: true });
      }),
    );
    await open();
    const adding = manager.add(src('walk', { include: [join(tree, '**', '*.log')] }));
    const outcome = adding.then(
      () => 'added',
      (err: { code?: string }) => err.code,
    );
    await waitFor('the source started', () => broker.listTopics().some((t) => t.name === 't-walk'));
    await manager.close();
    expect(await outcome).toBe('CLOSED');
    const saved = JSON.parse(await readFile(join(dataDir, 'collectors.json'), 'utf8')) as {
      sources: { id: string }[];
    };
    expect(saved.sources.map((s) => s.id)).not.toContain('walk');
  });

  describe('while a source waits for its topic to recover after a crash', () => {
    let release: () => void = () => {};

    /** Reopens the broker with `t-slow` left by a crash, its recovery held until release(). */
    async function crashedTopic(): Promise<void> {
      await new LocalCluster(broker).send([{ topic: 't-slow', value: Buffer.from('old') }]);
      await broker.close();
      await rm(join(dataDir, 't-slow-0', CLEAN_SHUTDOWN_FILE), { force: true });
      const gate = new Promise<void>((resolve) => (release = resolve));
      broker = await Broker.open({
        dataDir,
        logger: silentLogger,
        autoCreateTopics: true,
        recoveryGate: (name) => (name === 't-slow-0' ? gate : Promise.resolve()),
      });
    }

    afterEach(() => release());

    it('adds, collects, pauses and edits another source at once', async () => {
      await crashedTopic();
      await open();
      const slow = manager.add(src('slow', { topic: 't-slow' }));
      slow.catch(() => {});
      await writeFile(join(dir, 'logs', 'b.log'), 'one\n');
      // Before: the second add waited behind the first source's start (here, for ever).
      await answered('b added', manager.add(src('b')));
      await waitFor('b collected', async () =>
        values(await readAll(broker, 't-b')).includes('one'),
      );
      expect((await answered('b paused', manager.pause('b'))).status.state).toBe('paused');
      await answered('b edited', manager.update('b', { ...src('b'), topic: 't-b2' }));
      await appendFile(join(dir, 'logs', 'b.log'), 'two\n');
      await waitFor('b collected into its new topic', async () =>
        values(await readAll(broker, 't-b2')).includes('two'),
      );
      expect(manager.list().find((v) => v.config.id === 'slow')?.status.state).toBe('starting');
    });

    it('removes a starting command source without waiting for its start', async () => {
      await crashedTopic();
      await open();
      const adding = manager.add({
        type: 'command',
        id: 'cmd',
        topic: 't-slow',
        command: 'sh',
        args: ['-c', 'echo hello'],
      });
      adding.catch(() => {});
      await waitFor('the command source listed as starting', () =>
        manager.list().some((v) => v.status.state === 'starting'),
      );
      // Before: remove waited for the start, which waited for the recovery (for ever here).
      await answered('removed', manager.remove('cmd'));
      expect(manager.list()).toEqual([]);
      expect((await answered('the add', adding)).config.id).toBe('cmd');
    });

    it('fails with CLOSED the cluster calls of an abandoned start, answered after or made after', async () => {
      await crashedTopic();
      const guard = abandonable(new LocalCluster(broker), 'source cmd');
      const waiting = guard.cluster.describeTopic('t-slow');
      guard.abandon();
      release();
      // Without the guard a start waiting here went on (a command spawned, its exit stored).
      await expect(waiting).rejects.toMatchObject({ code: 'CLOSED' });
      await expect(guard.cluster.listTopics()).rejects.toMatchObject({ code: 'CLOSED' });
    });

    it('pauses and removes the starting source without waiting for its start', async () => {
      await crashedTopic();
      await open();
      const slow = manager.add(src('slow', { topic: 't-slow' }));
      // Before: pause waited for the start, which waited for the recovery (for ever here).
      expect((await answered('paused', manager.pause('slow'))).status.state).toBe('paused');
      expect((await slow).config.id).toBe('slow');
      // Resumed, it starts again and waits for the recovery; removed, that start ends.
      void manager.resume('slow').catch(() => {});
      await waitFor('the resumed source listed as starting', () =>
        manager.list().some((v) => v.status.state === 'starting'),
      );
      await answered('removed', manager.remove('slow'));
      expect(manager.list()).toEqual([]);
      const saved = JSON.parse(await readFile(join(dataDir, 'collectors.json'), 'utf8')) as {
        sources: unknown[];
      };
      expect(saved.sources).toEqual([]);
    });
  });

  it('reports status changes to listeners', async () => {
    await open();
    const seen: string[] = [];
    const stop = manager.onStatus((views) =>
      seen.push(views.map((v) => `${v.config.id}:${v.status.state}`).join(',')),
    );
    await manager.add(src('s'));
    await manager.pause('s');
    await waitFor('paused status', () => seen.includes('s:paused'));
    stop();
  });
});
