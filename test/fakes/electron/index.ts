/**
 * A fake of the `electron` module for testing the Electron wiring in plain Node, where the
 * Electron binary cannot run. It keeps Electron's observable behaviour that the wiring
 * relies on (IPC handler registration and invocation with a sender frame, window events,
 * `before-quit` cancellation) and records what was asked of it so that tests can assert
 * on it. Use it with `vi.mock('electron', () => import('../../fakes/electron'))` and call
 * `resetFakeElectron()` between tests.
 */
import { EventEmitter } from 'node:events';

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FakeIpcEvent {
  sender: FakeWebContents;
  senderFrame: { url: string } | null;
  returnValue?: unknown;
}

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  /** What main sent to this renderer: [channel, ...args]. */
  readonly sent: unknown[][] = [];
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  /** The page currently loaded; the sender-frame URL of its IPC messages. */
  url = '';
  private destroyed = false;
  /** Listeners of the renderer side (ipcRenderer.on). */
  readonly rendererSide = new EventEmitter();

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push([channel, ...args]);
    this.rendererSide.emit(channel, { sender: this }, ...args);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  async executeJavaScript(code: string): Promise<unknown> {
    this.sent.push(['executeJavaScript', code]);
    return undefined;
  }
  /**
   * Simulates a navigation attempt as Electron does: emits `will-navigate` with a
   * cancellable event; returns true when it was allowed.
   */
  attemptNavigation(
    url: string,
    eventName: 'will-navigate' | 'will-redirect' = 'will-navigate',
  ): boolean {
    let prevented = false;
    this.emit(eventName, { preventDefault: () => (prevented = true) }, url);
    if (!prevented) this.url = url;
    return !prevented;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly all: BrowserWindow[] = [];
  readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> };
  readonly webContents = new FakeWebContents();
  private bounds: Rect;
  private maximized = false;
  private minimized = false;
  private destroyed = false;
  visible = false;
  focused = false;

  constructor(options: Record<string, unknown> = {}) {
    super();
    this.options = options;
    this.bounds = {
      x: (options.x as number | undefined) ?? 100,
      y: (options.y as number | undefined) ?? 100,
      width: (options.width as number | undefined) ?? 800,
      height: (options.height as number | undefined) ?? 600,
    };
    BrowserWindow.all.push(this);
  }
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.all.filter((w) => !w.isDestroyed());
  }
  async loadURL(url: string): Promise<void> {
    this.webContents.url = url;
    setImmediate(() => this.emit('ready-to-show'));
  }
  getBounds(): Rect {
    return { ...this.bounds };
  }
  getNormalBounds(): Rect {
    return { ...this.bounds };
  }
  setBounds(bounds: Partial<Rect>): void {
    this.bounds = { ...this.bounds, ...bounds };
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  minimize(): void {
    this.minimized = true;
  }
  restore(): void {
    this.minimized = false;
  }
  show(): void {
    this.visible = true;
  }
  focus(): void {
    this.focused = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Closes like a user would: `close` (cancellable), then `closed` and destruction. */
  close(): void {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.destroyed = true;
    this.webContents.destroy();
    this.emit('closed');
  }
}

type InvokeHandler = (event: FakeIpcEvent, ...args: unknown[]) => unknown;

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, InvokeHandler>();
  handle(channel: string, handler: InvokeHandler): void {
    // Electron refuses a second handler on one channel; so does the fake.
    if (this.handlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    }
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What `ipcRenderer.invoke` does: runs the handler; rejects if there is none. */
  async invoke(event: FakeIpcEvent, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    // Arguments cross a process boundary: structured clone, as Electron does.
    return structuredClone(await handler(event, ...structuredClone(args)));
  }
}

export const ipcMain = new FakeIpcMain();

/**
 * The renderer side of one page: an `ipcRenderer` whose messages reach `ipcMain` with
 * `senderFrame.url` = the page's URL, as a real preload's would.
 */
export function createRendererEnd(contents: FakeWebContents) {
  const event = (): FakeIpcEvent => ({
    sender: contents,
    senderFrame: contents.isDestroyed() ? null : { url: contents.url },
  });
  return {
    invoke: (channel: string, ...args: unknown[]) => ipcMain.invoke(event(), channel, ...args),
    send: (channel: string, ...args: unknown[]) => {
      ipcMain.emit(channel, event(), ...structuredClone(args));
    },
    on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
      contents.rendererSide.on(channel, listener);
    },
  };
}

/** The page a preload under test runs in; set its `url` to act as the app or a foreign page. */
export const preloadContents = new FakeWebContents();
/** `ipcRenderer` as a preload sees it, talking to `ipcMain` from `preloadContents`. */
export const ipcRenderer = createRendererEnd(preloadContents);

class FakeApp extends EventEmitter {
  isPackaged = false;
  readonly paths = new Map<string, string>();
  quitRequests = 0;
  /** Set once the app really quit (a `before-quit` that nobody cancelled). */
  quitted = false;
  exitCode: number | undefined;
  singleInstanceLock = true;

  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  getPath(name: string): string {
    return this.paths.get(name) ?? `/fake/${name}`;
  }
  setPath(name: string, value: string): void {
    this.paths.set(name, value);
  }
  quit(): void {
    this.quitRequests++;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.quitted = true;
    this.emit('will-quit', { preventDefault: () => {} });
    this.emit('quit');
  }
  exit(code = 0): void {
    this.exitCode = code;
    this.quitted = true;
  }
}

export const app = new FakeApp();

export const screen = {
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  getAllDisplays() {
    return this.displays;
  },
};

export const shell = {
  opened: [] as string[],
  async openExternal(url: string) {
    this.opened.push(url);
  },
  async openPath(path: string) {
    this.opened.push(path);
    return '';
  },
  /** Paths shown in the file manager, in order. */
  shown: [] as string[],
  showItemInFolder(path: string) {
    this.shown.push(path);
  },
};

export const Menu = {
  current: null as { template: unknown[] } | null,
  buildFromTemplate(template: unknown[]) {
    return { template };
  },
  setApplicationMenu(menu: { template: unknown[] } | null) {
    this.current = menu;
  },
};

type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

export const session = {
  defaultSession: {
    headersListener: null as HeadersListener | null,
    permissionHandler: null as
      | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void)
      | null,
    webRequest: {
      onHeadersReceived(listener: HeadersListener) {
        session.defaultSession.headersListener = listener;
      },
    },
    setPermissionRequestHandler(
      handler: (
        contents: unknown,
        permission: string,
        callback: (granted: boolean) => void,
      ) => void,
    ) {
      this.permissionHandler = handler;
    },
  },
};

export const dialog = {
  errors: [] as { title: string; content: string }[],
  showErrorBox(title: string, content: string) {
    this.errors.push({ title, content });
  },
};

export const contextBridge = {
  exposed: {} as Record<string, unknown>,
  exposeInMainWorld(key: string, api: unknown) {
    this.exposed[key] = api;
  },
};

/**
 * safeStorage as on a machine with (`available`) or without an OS key store. The fake's
 * "encryption" only has to be reversible and never the plain text; the real one is the OS's.
 */
export const safeStorage = {
  available: false,
  backend: 'gnome_libsecret',
  isEncryptionAvailable() {
    return this.available;
  },
  getSelectedStorageBackend() {
    return this.backend;
  },
  encryptString(plain: string): Buffer {
    return Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a));
  },
  decryptString(data: Buffer): string {
    return Buffer.from(data.map((b) => b ^ 0x5a)).toString('utf8');
  },
};

/** Forgets every window, handler, listener and recorded call. */
export function resetFakeElectron(): void {
  BrowserWindow.all.length = 0;
  ipcMain.handlers.clear();
  ipcMain.removeAllListeners();
  app.removeAllListeners();
  app.paths.clear();
  app.quitRequests = 0;
  app.quitted = false;
  app.exitCode = undefined;
  app.singleInstanceLock = true;
  shell.opened.length = 0;
  shell.shown.length = 0;
  Menu.current = null;
  session.defaultSession.headersListener = null;
  session.defaultSession.permissionHandler = null;
  dialog.errors.length = 0;
  contextBridge.exposed = {};
  safeStorage.available = false;
  safeStorage.backend = 'gnome_libsecret';
}
