import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogdockError } from '../../../src/common/errors';
import { loadSettings, SettingsStore } from '../../../src/main/settings/store';

describe('SettingsStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'logdock-settings-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const open = (kafkaListener: string | null = '127.0.0.1:9092') =>
    SettingsStore.open({ dataDir: dir, kafkaListener });

  it('gives the defaults when there is no settings file', async () => {
    const store = await open();
    const view = store.view();
    expect(view.settings.theme).toBe('system');
    expect(view.settings.kafkaListener).toEqual({
      enabled: true,
      host: '127.0.0.1',
      port: 9092,
      tls: null,
    });
    expect(view.settings.defaultRetentionMs).toBe(7 * 24 * 3600 * 1000);
    expect(view.restartRequired).toEqual([]);
    expect(view.loadError).toBeNull();
    expect(view.path).toBe(join(dir, 'settings.json'));
  });

  it('saves a change to settings.json and reads it back after reopening', async () => {
    const store = await open();
    await store.update({ theme: 'dark', defaultRetentionMs: 3_600_000 });
    const onDisk = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'));
    expect(onDisk).toMatchObject({ version: 1, theme: 'dark', defaultRetentionMs: 3_600_000 });
    const reopened = await open();
    expect(reopened.get()).toMatchObject({ theme: 'dark', defaultRetentionMs: 3_600_000 });
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('merges a partial Kafka listener change and says a restart is needed', async () => {
    const store = await open();
    const view = await store.update({ kafkaListener: { port: 19092 } });
    expect(view.settings.kafkaListener).toEqual({
      enabled: true,
      host: '127.0.0.1',
      port: 19092,
      tls: null,
    });
    expect(view.restartRequired).toEqual(['kafkaListener']);
    const back = await store.update({ kafkaListener: { port: 9092 } });
    expect(back.restartRequired).toEqual([]);
  });

  it('saves the listener TLS files and asks for a restart until they are what the listener uses', async () => {
    const store = await open('127.0.0.1:9092');
    const tls = { certFile: '/etc/logdock/kafka.pem', keyFile: '/etc/logdock/kafka.key' };
    const view = await store.update({ kafkaListener: { tls: { ...tls, caFile: null } } });
    expect(view.settings.kafkaListener.tls).toEqual({ ...tls, caFile: null });
    expect(view.restartRequired).toEqual(['kafkaListener']);
    expect((await store.update({ kafkaListener: { tls: null } })).restartRequired).toEqual([]);
    await expect(
      store.update({ kafkaListener: { tls: { certFile: '', keyFile: 'k' } as never } }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('treats port 0 as satisfied by whatever port the listener got', async () => {
    const store = await open('127.0.0.1:40123');
    expect((await store.update({ kafkaListener: { port: 0 } })).restartRequired).toEqual([]);
  });

  it('says a restart is needed when another data directory is chosen', async () => {
    const store = await open();
    const view = await store.update({ dataDir: join(dir, 'elsewhere') });
    expect(view.restartRequired).toEqual(['dataDir']);
    expect(view.activeDataDir).toBe(dir);
  });

  it('keeps named saved searches, refusing bad names, repeated names and bad queries', async () => {
    const store = await open();
    const search = {
      name: 'billing errors',
      topic: 'billing',
      partitions: [0, 2],
      query: { filter: 'level == "error"' },
      range: { kind: 'time', from: 1000, to: null },
    };
    await store.update({ savedSearches: [search] });
    expect((await open()).get().savedSearches).toEqual([
      { ...search, query: { filter: 'level == "error"', caseSensitive: false } },
    ]);
    const refused = async (savedSearches: unknown) =>
      (await store.update({ savedSearches }).catch((e: unknown) => e)) as LogdockError;
    expect((await refused([{ ...search, name: 'a/b' }])).message).toMatch(/name of 1 to 80/);
    expect((await refused([search, search])).message).toMatch(/same name/);
    expect((await refused([{ ...search, query: { nope: 1 } }])).code).toBe('INVALID_ARGUMENT');
    expect(
      (await refused([{ ...search, range: { kind: 'offsets', from: 0, to: null } }])).message,
    ).toMatch(/whole topic or a time window/);
    expect(store.get().savedSearches).toHaveLength(1);
  });

  it('refuses a malformed patch with the field named and writes nothing', async () => {
    const store = await open();
    const err = await store.update({ kafkaListener: { port: 70000 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogdockError);
    expect((err as LogdockError).code).toBe('INVALID_ARGUMENT');
    expect((err as LogdockError).message).toContain('kafkaListener.port');
    await expect(store.update({ colour: 'red' })).rejects.toThrow(/colour/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('falls back to defaults for a corrupt file and keeps its bytes aside', async () => {
    await writeFile(join(dir, 'settings.json'), '{"theme": "dark", garbage');
    const store = await open();
    const view = store.view();
    expect(view.settings.theme).toBe('system');
    expect(view.loadError).toMatch(/settings\.json: not valid JSON/);
    expect(await readFile(join(dir, 'settings.json.corrupt'), 'utf8')).toBe(
      '{"theme": "dark", garbage',
    );
    // Saving replaces the bad file; its copy stays.
    expect((await store.update({ theme: 'light' })).loadError).toBeNull();
    expect((await open()).get().theme).toBe('light');
    expect(await readFile(join(dir, 'settings.json.corrupt'), 'utf8')).toContain('garbage');
  });

  it('names the field of a file with a wrong value', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ version: 1, theme: 'purple' }));
    expect((await loadSettings(dir)).loadError).toMatch(/settings\.json: theme/);
  });

  it('refuses a file written by a newer version instead of guessing', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ version: 9, theme: 'dark' }));
    const loaded = await loadSettings(dir);
    expect(loaded.settings.theme).toBe('system');
    expect(loaded.loadError).toMatch(/version 9 is not supported/);
  });

  it('finishes a save interrupted after the temporary file was written', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ version: 1, theme: 'light' }));
    await writeFile(join(dir, 'settings.json.tmp'), JSON.stringify({ version: 1, theme: 'dark' }));
    expect((await open()).get().theme).toBe('dark');
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('drops a torn temporary file and keeps the old settings', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ version: 1, theme: 'light' }));
    await writeFile(join(dir, 'settings.json.tmp'), '{"version": 1, "the');
    expect((await open()).get().theme).toBe('light');
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('applies concurrent updates in call order and tells listeners', async () => {
    const store = await open();
    const seen: string[] = [];
    const off = store.onChange((v) => seen.push(v.settings.theme));
    await Promise.all([
      store.update({ theme: 'dark' }),
      store.update({ theme: 'light' }),
      store.update({ defaultRetentionBytes: 1024 }),
    ]);
    off();
    await store.update({ theme: 'system' });
    expect(seen).toEqual(['dark', 'light', 'light']);
    expect((await open()).get()).toMatchObject({ theme: 'system', defaultRetentionBytes: 1024 });
  });

  it('keeps the previous settings when the file cannot be written', async () => {
    const store = await open();
    await rm(dir, { recursive: true, force: true });
    const err = await store.update({ theme: 'dark' }).catch((e: unknown) => e);
    expect((err as LogdockError).code).toBe('IO_ERROR');
    expect((err as LogdockError).message).toContain(join(dir, 'settings.json'));
    expect(store.get().theme).toBe('system');
  });
});

describe('SettingsStore with an IPv6 listener', () => {
  it('compares a bracketed IPv6 listener with the saved host', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'logdock-settings-'));
    try {
      const store = await SettingsStore.open({ dataDir: dir, kafkaListener: '[::1]:9092' });
      expect((await store.update({ kafkaListener: { host: '::1' } })).restartRequired).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('SettingsStore restart notice', () => {
  it('does not count a command-line override as a change waiting for a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'logdock-settings-'));
    try {
      // Saved 9092, but this process was started with --kafka-port and --data-dir elsewhere.
      await writeFile(
        join(dir, 'settings.json'),
        JSON.stringify({ version: 1, dataDir: '/srv/other' }),
      );
      const store = await SettingsStore.open({ dataDir: dir, kafkaListener: '127.0.0.1:40000' });
      expect(store.view().restartRequired).toEqual([]);
      expect((await store.update({ theme: 'dark' })).restartRequired).toEqual([]);
      expect((await store.update({ kafkaListener: { port: 9093 } })).restartRequired).toEqual([
        'kafkaListener',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
