import { homedir } from 'node:os';
import { join } from 'node:path';

/** Name of the app folder under the OS's app-data directory (same in Electron and headless). */
export const APP_FOLDER = 'Logdock';

/**
 * The default data directory: `$LOGDOCK_DATA_DIR` if set, otherwise the OS's app-data folder
 * (`$XDG_CONFIG_HOME/Logdock` or `~/.config/Logdock` on Linux, `~/Library/Application
 * Support/Logdock` on macOS, `%APPDATA%\Logdock` on Windows). Electron's
 * `app.getPath('userData')` resolves to the same place, so both modes share one store.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.LOGDOCK_DATA_DIR) return env.LOGDOCK_DATA_DIR;
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_FOLDER);
  if (platform === 'win32') {
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_FOLDER);
  }
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_FOLDER);
}
