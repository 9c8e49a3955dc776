import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readFileIfExists, writeFileAtomic } from '../fs/atomic-file';
import { loadSettings, parseSettingsFile, SETTINGS_FILE, SETTINGS_VERSION } from './settings-file';

/**
 * Where Logdock keeps its data when started without `--data-dir`: the "data directory"
 * setting saved in the default data directory's settings.json, else the default itself. The
 * settings file lives inside a data directory, so the default one is where a moved data
 * directory is remembered (one hop; the chosen directory's own setting is not followed).
 * Never throws: an unreadable or malformed file means the default.
 */
export async function chooseDataDir(defaultDir: string): Promise<string> {
  try {
    const { settings, loadError } = await loadSettings(defaultDir);
    if (loadError || settings.dataDir === null) return defaultDir;
    return resolve(settings.dataDir);
  } catch {
    return defaultDir;
  }
}

/**
 * Records `dataDir` in the default data directory's settings.json (created when missing,
 * other settings there kept), so that the next start without `--data-dir` uses it.
 * @throws the fs error when the file cannot be written.
 */
export async function saveDataDirPointer(
  defaultDir: string,
  dataDir: string | null,
): Promise<void> {
  const path = join(defaultDir, SETTINGS_FILE);
  const text = await readFileIfExists(path);
  let current: Record<string, unknown> = { version: SETTINGS_VERSION };
  if (text !== null) {
    try {
      current = { version: SETTINGS_VERSION, ...parseSettingsFile(text, path) };
    } catch {
      // A malformed file there is kept aside by loadSettings; start from the defaults.
      await loadSettings(defaultDir);
    }
  }
  await mkdir(defaultDir, { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify({ ...current, dataDir }, null, 2)}\n`);
}
