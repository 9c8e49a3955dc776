import {
  app,
  dialog,
  ipcMain,
  Menu,
  safeStorage,
  session,
  shell,
  type BrowserWindow,
} from 'electron';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDispatcher } from '../api/handlers';
import { defaultDataDir } from '../data-dir';
import { chooseDataDir } from '../settings/data-dir-pointer';
import { createLogger, type Logger } from '../logger';
import { openServices, type Services } from '../services';
import { registerIpcApi } from './ipc';
import { safeStorageCipher } from './secrets';
import { menuTemplate } from './menu';
import { CONTENT_SECURITY_POLICY } from './security';
import { installGracefulShutdown } from './shutdown';
import { createMainWindow, type MainWindow } from './window';

export interface ElectronAppOptions {
  /** Directory of the bundled main script (`out/main`); the preload and renderer sit beside it. */
  mainDir: string;
  argv: string[];
  logger?: Logger;
}

/**
 * The desktop app: one instance per data directory, the services opened once, the API on
 * IPC, one main window; quitting closes and flushes every service before the process ends.
 */
export async function runElectronApp(options: ElectronAppOptions): Promise<void> {
  // Until the services open their log file, log to stderr only.
  let logger = options.logger ?? createLogger();
  const dataDir = resolve(
    argValue(options.argv, '--data-dir') ?? (await chooseDataDir(defaultDataDir())),
  );
  // Chromium's own files (cache, the single-instance lock) go inside our data directory,
  // so a second data directory may run alongside and one folder holds everything.
  app.setPath('userData', join(dataDir, 'electron'));
  if (!app.requestSingleInstanceLock()) {
    logger.info(`Logdock already runs on ${dataDir}; focusing it`);
    app.quit();
    return;
  }

  const preload = join(options.mainDir, '../preload/index.cjs');
  const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const appUrl = devUrl ?? pathToFileURL(join(options.mainDir, '../renderer/index.html')).href;

  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });
  // The UI needs no camera, notifications or other permissions.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );

  let services: Services;
  try {
    services = await openServices({
      dataDir,
      mode: 'electron',
      logger: options.logger,
      kafka: kafkaOverrides(options.argv),
      secretCipher: safeStorageCipher(safeStorage) ?? undefined,
    });
    logger = services.logger;
    // As in headless mode: one stray rejected promise must not end the app.
    process.on('unhandledRejection', (reason) =>
      logger.error(
        `unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`,
      ),
    );
  } catch (err) {
    dialog.showErrorBox('Logdock cannot start', (err as Error).message);
    app.exit(1);
    return;
  }
  const disposeIpc = registerIpcApi({
    ipcMain,
    dispatcher: createDispatcher(services),
    appUrl,
    logger: logger.child('ipc'),
    showItemInFolder: (path) => shell.showItemInFolder(path),
  });

  let main: MainWindow | undefined;
  const focus = () => {
    if (!main || main.window.isDestroyed()) return;
    if (main.window.isMinimized()) main.window.restore();
    main.window.focus();
  };
  const open = async () => {
    main = await createMainWindow({ dataDir, appUrl, preload, logger });
  };
  const go = (hash: string) => {
    const win: BrowserWindow | undefined = main?.window;
    if (win && !win.isDestroyed()) {
      void win.webContents.executeJavaScript(`location.hash = ${JSON.stringify(hash)}`);
    }
  };

  installGracefulShutdown(
    app,
    async () => {
      await main?.stateSaved();
      disposeIpc();
      await services.close();
    },
    logger,
  );
  app.on('second-instance', focus);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!main || main.window.isDestroyed()) void open();
  });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(process.platform, { go, openDataDir: () => void shell.openPath(dataDir) }),
    ),
  );
  await open();
}

/** `--no-kafka` and `--kafka-port P`, as `logdock serve` takes them. */
function kafkaOverrides(argv: string[]): { enabled?: boolean; port?: number } {
  if (argv.includes('--no-kafka')) return { enabled: false };
  const port = argValue(argv, '--kafka-port');
  return port !== undefined && /^\d+$/.test(port) ? { enabled: true, port: Number(port) } : {};
}

/** `--name value` or `--name=value` from argv. */
function argValue(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i].startsWith(name + '=')) return argv[i].slice(name.length + 1);
  }
  return undefined;
}
