import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseDataDir } from '../../../src/main/settings/data-dir-pointer';
import { SettingsStore } from '../../../src/main/settings/store';

describe('the data directory setting', () => {
  let root: string;
  let home: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'logdock-pointer-'));
    home = join(root, 'default');
    // Services create a data directory before opening its settings.
    await mkdir(home);
    await mkdir(join(root, 'b'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('uses the default directory when nothing was chosen or its settings are unreadable', async () => {
    expect(await chooseDataDir(join(root, 'missing'))).toBe(join(root, 'missing'));
    expect(await chooseDataDir(home)).toBe(home);
    await writeFile(join(home, 'settings.json'), '{ broken');
    expect(await chooseDataDir(home)).toBe(home);
  });

  it('is followed at the next start when chosen in the default directory', async () => {
    const store = await SettingsStore.open({
      dataDir: home,
      kafkaListener: '127.0.0.1:9092',
      defaultDataDir: home,
    });
    const view = await store.update({ dataDir: join(root, 'elsewhere') });
    expect(view.restartRequired).toEqual(['dataDir']);
    expect(await chooseDataDir(home)).toBe(join(root, 'elsewhere'));
  });

  it('is recorded in the default directory when changed from another one, keeping its other settings', async () => {
    const first = await SettingsStore.open({
      dataDir: home,
      kafkaListener: '127.0.0.1:9092',
      defaultDataDir: home,
    });
    await first.update({ theme: 'dark', dataDir: join(root, 'b') });
    const b = await SettingsStore.open({
      dataDir: join(root, 'b'),
      kafkaListener: '127.0.0.1:9092',
      defaultDataDir: home,
    });
    expect(b.view().restartRequired).toEqual([]);
    await b.update({ dataDir: join(root, 'c') });
    expect(await chooseDataDir(home)).toBe(join(root, 'c'));
    const saved = JSON.parse(await readFile(join(home, 'settings.json'), 'utf8'));
    expect(saved).toMatchObject({ version: 1, theme: 'dark', dataDir: join(root, 'c') });
    // Back to the default: the pointer says so too.
    await b.update({ dataDir: home });
    expect(await chooseDataDir(home)).toBe(home);
  });
});
