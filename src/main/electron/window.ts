import { BrowserWindow, screen, shell } from 'electron';
import type { Logger } from '../logger';
import { hardenWebContents, secureWebPreferences } from './security';
import { fitToDisplays, loadWindowState, saveWindowState, type WindowState } from './window-state';

export interface MainWindowOptions {
  dataDir: string;
  /** The renderer page (file:// URL, or the dev server's URL). */
  appUrl: string;
  /** Absolute path of the bundled preload script. */
  preload: string;
  logger: Logger;
}

export interface MainWindow {
  window: BrowserWindow;
  /** Resolves once the window state written on close is on disk. */
  stateSaved(): Promise<void>;
}

/**
 * Opens the main window with the secure web preferences, at its remembered size and
 * position, with navigation and `window.open` blocked; the state is saved when it closes.
 */
export async function createMainWindow(options: MainWindowOptions): Promise<MainWindow> {
  const { dataDir, appUrl, logger } = options;
  const displays = screen.getAllDisplays().map((d) => d.workArea);
  const saved = fitToDisplays(await loadWindowState(dataDir), displays);
  const window = new BrowserWindow({
    width: saved.width,
    height: saved.height,
    ...(saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}),
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Logdock',
    autoHideMenuBar: false,
    webPreferences: secureWebPreferences(options.preload),
  });
  if (saved.maximized) window.maximize();
  hardenWebContents(window.webContents, appUrl, (url) => void shell.openExternal(url), logger);
  window.once('ready-to-show', () => window.show());

  let saving: Promise<void> = Promise.resolve();
  window.on('close', () => {
    const bounds = window.getNormalBounds();
    const state: WindowState = { ...bounds, maximized: window.isMaximized() };
    saving = saveWindowState(dataDir, state).catch((err: Error) =>
      logger.warn(`could not save window state: ${err.message}`),
    );
  });

  await window.loadURL(appUrl);
  return { window, stateSaved: () => saving };
}
