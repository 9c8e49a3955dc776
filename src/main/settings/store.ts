import { join, resolve } from 'node:path';
import {
  settingsPatchSchema,
  type AppSettings,
  type SettingsPatch,
  type SettingsView,
} from '../../common/api/settings';
import { parseOrThrow } from '../../common/api/validate';
import { LogdockError } from '../../common/errors';
import { writeFileAtomic } from '../fs/atomic-file';
import { saveDataDirPointer } from './data-dir-pointer';
import { loadSettings, SETTINGS_FILE, SETTINGS_VERSION } from './settings-file';

// Reading the file lives in settings-file.ts, which data-dir-pointer.ts shares, so that
// this module and data-dir-pointer.ts do not import each other. Re-exported for callers.
export {
  loadSettings,
  parseSettingsFile,
  SETTINGS_FILE,
  SETTINGS_VERSION,
  type LoadedSettings,
} from './settings-file';

/** What this process is actually running with, to tell which saved values need a restart. */
export interface ActiveRuntime {
  dataDir: string;
  /** "host:port" of the Kafka listener serving now, or null when none is. */
  kafkaListener: string | null;
  /**
   * The TLS files the running listener uses (null: plaintext). Absent: taken to be the saved
   * ones, so only a change made during this run asks for a restart.
   */
  kafkaListenerTls?: AppSettings['kafkaListener']['tls'];
  /**
   * The default data directory (where a start without --data-dir looks). When given and not
   * the active one, a changed data-directory setting is also recorded there (see
   * data-dir-pointer.ts), because that is the file the next start reads.
   */
  defaultDataDir?: string;
}

/**
 * The application settings of one data directory. Reads once at open, then serves from
 * memory; `update` validates, merges and saves atomically. Updates are serialised through a
 * promise chain, so concurrent calls are safe and apply in call order.
 */
export class SettingsStore {
  private readonly listeners = new Set<(view: SettingsView) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  /** The settings as this process started with them (see restartRequired). */
  private readonly atStart: AppSettings;

  private constructor(
    private readonly path: string,
    private settings: AppSettings,
    private loadError: string | null,
    private readonly active: ActiveRuntime,
  ) {
    this.atStart = structuredClone(settings);
  }

  /** Loads the settings of `active.dataDir` (never throws for a bad file; see loadSettings). */
  static async open(active: ActiveRuntime): Promise<SettingsStore> {
    const { settings, loadError } = await loadSettings(active.dataDir);
    return new SettingsStore(join(active.dataDir, SETTINGS_FILE), settings, loadError, active);
  }

  get(): AppSettings {
    return structuredClone(this.settings);
  }

  /** The settings plus what a person needs to know about them (restart, load problems). */
  view(): SettingsView {
    return {
      settings: this.get(),
      path: this.path,
      activeDataDir: this.active.dataDir,
      activeKafkaListener: this.active.kafkaListener,
      restartRequired: this.restartRequired(),
      loadError: this.loadError,
    };
  }

  /**
   * Validates `patch`, merges it and writes the file atomically; listeners then get the new view.
   * @throws LogdockError INVALID_ARGUMENT for a malformed patch (nothing is written);
   *   IO_ERROR when the file cannot be written (the previous settings stay in force).
   */
  update(patch: unknown): Promise<SettingsView> {
    const run = this.queue.then(() =>
      this.apply(parseOrThrow(settingsPatchSchema, patch, 'settings')),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Calls `listener` after every successful update; returns the unsubscribe function. */
  onChange(listener: (view: SettingsView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async apply(patch: SettingsPatch): Promise<SettingsView> {
    const next: AppSettings = {
      ...this.settings,
      ...patch,
      kafkaListener: { ...this.settings.kafkaListener, ...patch.kafkaListener },
      broker: { ...this.settings.broker, ...patch.broker },
    };
    if (next.dataDir !== null) next.dataDir = resolve(next.dataDir);
    // The pointer first: if it cannot be written, nothing changed anywhere.
    const { defaultDataDir } = this.active;
    if (
      patch.dataDir !== undefined &&
      defaultDataDir !== undefined &&
      resolve(defaultDataDir) !== resolve(this.active.dataDir)
    ) {
      try {
        await saveDataDirPointer(defaultDataDir, next.dataDir);
      } catch (err) {
        throw new LogdockError(
          'IO_ERROR',
          `${join(defaultDataDir, SETTINGS_FILE)}: cannot record the data directory: ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
    const text = `${JSON.stringify({ version: SETTINGS_VERSION, ...next }, null, 2)}\n`;
    try {
      await writeFileAtomic(this.path, text);
    } catch (err) {
      throw new LogdockError(
        'IO_ERROR',
        `${this.path}: cannot save settings: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    this.settings = next;
    this.loadError = null;
    const view = this.view();
    for (const listener of this.listeners) listener(view);
    return view;
  }

  private restartRequired(): SettingsView['restartRequired'] {
    // Only what was changed during this run and is not what the process already uses: a
    // value overridden on the command line (--data-dir, --kafka-port) is not a pending change.
    const out: SettingsView['restartRequired'] = [];
    const { dataDir, kafkaListener } = this.settings;
    const start = this.atStart;
    const dataDirChanged =
      (dataDir && resolve(dataDir)) !== (start.dataDir && resolve(start.dataDir));
    if (dataDirChanged && dataDir !== null && resolve(dataDir) !== resolve(this.active.dataDir)) {
      out.push('dataDir');
    }
    const listenerChanged = JSON.stringify(kafkaListener) !== JSON.stringify(start.kafkaListener);
    const activeTls =
      this.active.kafkaListenerTls !== undefined
        ? this.active.kafkaListenerTls
        : start.kafkaListener.tls;
    const tlsDiffers =
      kafkaListener.enabled && JSON.stringify(kafkaListener.tls) !== JSON.stringify(activeTls);
    if (
      listenerChanged &&
      (listenerDiffers(kafkaListener, this.active.kafkaListener) || tlsDiffers)
    ) {
      out.push('kafkaListener');
    }
    return out;
  }
}

function listenerDiffers(wanted: AppSettings['kafkaListener'], active: string | null): boolean {
  if (!wanted.enabled) return active !== null;
  if (active === null) return true;
  const colon = active.lastIndexOf(':');
  // IPv6 hosts are written in brackets ("[::1]:9092").
  const host = active.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(active.slice(colon + 1));
  // Port 0 asks for any free port, so whatever port is active satisfies it.
  return host !== wanted.host || (wanted.port !== 0 && port !== wanted.port);
}
