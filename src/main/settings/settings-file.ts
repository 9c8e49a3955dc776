/**
 * Reading `<dataDir>/settings.json`: its name, format version, parser and the loader that
 * never fails its caller. Used by the settings store and by the data-directory pointer.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { appSettingsSchema, type AppSettings } from '../../common/api/settings';
import { LogdockError } from '../../common/errors';
import { finishInterruptedWrite, readFileIfExists } from '../fs/atomic-file';

export const SETTINGS_FILE = 'settings.json';
/** Format version written into the file; a file with a higher one is refused, not guessed at. */
export const SETTINGS_VERSION = 1;

export interface LoadedSettings {
  settings: AppSettings;
  /** Why the file was not used (defaults are in use), or null. */
  loadError: string | null;
}

/**
 * Reads `<dataDir>/settings.json` without ever failing the caller: a missing file gives the
 * defaults; a malformed one gives the defaults plus `loadError`, and its bytes are copied to
 * `settings.json.corrupt` so the next save cannot lose them. A leftover `settings.json.tmp`
 * means a save was interrupted: if it parses it is complete (it is fsynced before the rename),
 * so the rename is finished; otherwise it is a torn write and is removed.
 * Services call this at start to read the Kafka listener settings.
 */
export async function loadSettings(dataDir: string): Promise<LoadedSettings> {
  const path = join(dataDir, SETTINGS_FILE);
  await finishInterruptedWrite(path, parseSettingsFile);
  const text = await readFileIfExists(path);
  if (text === null) return { settings: appSettingsSchema.parse({}), loadError: null };
  try {
    return { settings: parseSettingsFile(text, path), loadError: null };
  } catch (err) {
    await fs.writeFile(`${path}.corrupt`, text).catch(() => undefined);
    return {
      settings: appSettingsSchema.parse({}),
      loadError: `${(err as Error).message} (defaults in use; the file was copied to ${path}.corrupt)`,
    };
  }
}

/** @throws LogdockError CORRUPT_FILE naming the file and the offending field. */
export function parseSettingsFile(text: string, path: string): AppSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new LogdockError('CORRUPT_FILE', `${path}: not valid JSON: ${(err as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new LogdockError('CORRUPT_FILE', `${path}: expected a JSON object`);
  }
  const { version, ...rest } = raw as Record<string, unknown>;
  if (version !== undefined && (typeof version !== 'number' || version > SETTINGS_VERSION)) {
    throw new LogdockError(
      'CORRUPT_FILE',
      `${path}: version ${JSON.stringify(version)} is not supported (this Logdock writes ${SETTINGS_VERSION})`,
    );
  }
  const parsed = appSettingsSchema.safeParse(rest);
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new LogdockError('CORRUPT_FILE', `${path}: ${details}`);
  }
  return parsed.data;
}
