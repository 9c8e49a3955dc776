import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { requestNames } from '../../../src/common/api/contract';
import { runElectronApp } from '../../../src/main/electron/app';
import { recordWrittenExport } from '../../../src/main/export/written';
import { silentLogger } from '../../../src/main/logger';
import { createBridge } from '../../../src/preload/bridge';
import { createIpcClient } from '../../../src/renderer/src/api/ipc';
import {
  app,
  BrowserWindow,
  createRendererEnd,
  FakeWebContents,
  ipcMain,
  Menu,
  resetFakeElectron,
  session,
  shell,
} from '../../fakes/electron';
import { waitFor } from '../../wait';

vi.mock('electron', () => import('../../fakes/electron'));

async function until(condition: () => boolean, what: string): Promise<void> {
  await waitFor(condition, what);
}

describe('the Electron shell', () => {
  let dataDir: string;
  const mainDir = '/opt/logdock/out/main';
  const appUrl = pathToFileURL('/opt/logdock/out/renderer/index.html').href;

  beforeEach(async () => {
    resetFakeElectron();
    dataDir = await mkdtemp(join(tmpdir(), 'logdock-shell-'));
  });

  afterEach(async () => {
    if (!app.quitted) app.quit();
    await until(() => app.quitted, 'the app to quit');
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start() {
    await runElectronApp({
      mainDir,
      argv: ['electron', '.', '--data-dir', dataDir, '--no-kafka'],
      logger: silentLogger,
    });
    expect(BrowserWindow.all).toHaveLength(1);
    return BrowserWindow.all[0];
  }

  it('creates the window with the secure web preferences and loads the app page', async () => {
    const win = await start();
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: '/opt/logdock/out/preload/index.cjs',
    });
    expect(win.webContents.url).toBe(appUrl);
    await until(() => win.visible, 'the window to show');
  });

  it('keeps Chromium state and the instance lock inside the data directory', async () => {
    await start();
    expect(app.getPath('userData')).toBe(join(dataDir, 'electron'));
  });

  it('quits without opening anything when another instance holds the lock', async () => {
    app.singleInstanceLock = false;
    await runElectronApp({
      mainDir,
      argv: ['electron', '.', '--data-dir', dataDir, '--no-kafka'],
      logger: silentLogger,
    });
    expect(BrowserWindow.all).toHaveLength(0);
    expect(app.quitted).toBe(true);
  });

  it('sends a strict Content-Security-Policy and refuses every permission', async () => {
    await start();
    let headers: Record<string, string[]> | undefined;
    session.defaultSession.headersListener!(
      { responseHeaders: {} },
      (r) => (headers = r.responseHeaders),
    );
    const csp = headers!['Content-Security-Policy'][0];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    let granted: boolean | undefined;
    session.defaultSession.permissionHandler!(null, 'notifications', (g) => (granted = g));
    expect(granted).toBe(false);
  });

  it('blocks navigation away from the app and window.open', async () => {
    const win = await start();
    expect(win.webContents.attemptNavigation('https://evil.example/')).toBe(false);
    expect(win.webContents.attemptNavigation('file:///etc/passwd')).toBe(false);
    expect(win.webContents.attemptNavigation('https://evil.example/', 'will-redirect')).toBe(false);
    expect(win.webContents.attemptNavigation(`${appUrl}#/topics`)).toBe(true);
    expect(win.webContents.windowOpenHandler!({ url: 'https://kafka.apache.org/' })).toEqual({
      action: 'deny',
    });
    // An http(s) link goes to the user's browser instead; nothing else is opened at all.
    expect(shell.opened).toEqual(['https://kafka.apache.org/']);
    win.webContents.windowOpenHandler!({ url: 'file:///etc/passwd' });
    expect(shell.opened).toEqual(['https://kafka.apache.org/']);
  });

  it('registers a handler for every request and serves the app page through the preload', async () => {
    const win = await start();
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...requestNames].sort());
    const client = createIpcClient(createBridge(createRendererEnd(win.webContents)));
    await expect(client.call('system.info', {})).resolves.toMatchObject({
      dataDir,
      mode: 'electron',
    });
  });

  it('shows a finished export in the file manager for the app page only, and nothing outside exports/', async () => {
    const win = await start();
    await mkdir(join(dataDir, 'exports'), { recursive: true });
    await writeFile(join(dataDir, 'exports', 'app.jsonl'), '{}\n');
    await recordWrittenExport(
      dataDir,
      'app.jsonl',
      await stat(join(dataDir, 'exports', 'app.jsonl')),
    );
    const client = createIpcClient(createBridge(createRendererEnd(win.webContents)));
    await expect(client.call('system.info', {})).resolves.toMatchObject({
      capabilities: { downloadExports: false, showExportInFolder: true },
    });
    await expect(client.call('messages.exportShow', { fileName: 'app.jsonl' })).resolves.toEqual(
      {},
    );
    expect(shell.shown).toEqual([join(dataDir, 'exports', 'app.jsonl')]);

    await expect(client.call('messages.exportShow', { fileName: '..' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      client.call('messages.exportShow', { fileName: '../window-state.json' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      client.call('messages.exportShow', { fileName: 'missing.csv' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('missing.csv') });
    await expect(
      client.call('messages.exportDownload', { fileName: 'app.jsonl' }),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED' });

    const foreign = new FakeWebContents();
    foreign.url = 'https://evil.example/';
    const outcome = await createRendererEnd(foreign).invoke('messages.exportShow', {
      fileName: 'app.jsonl',
    });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(shell.shown).toHaveLength(1);
  });

  it('installs an application menu with a Go entry per section', async () => {
    const win = await start();
    const template = Menu.current!.template as { label?: string; submenu?: unknown }[];
    const go = template.find((m) => m.label === 'Go')!.submenu as {
      label: string;
      click: () => void;
    }[];
    expect(go.map((i) => i.label)).toEqual([
      'Dashboard',
      'Topics',
      'Consumer groups',
      'Collectors',
      'Settings',
    ]);
    go[2].click();
    expect(win.webContents.sent).toContainEqual([
      'executeJavaScript',
      'location.hash = "#/groups"',
    ]);
  });

  it('remembers the window size and position across starts', async () => {
    const win = await start();
    win.setBounds({ x: 40, y: 60, width: 1000, height: 700 });
    win.close();
    app.quit();
    await until(() => app.quitted, 'the app to quit');
    const saved = JSON.parse(await readFile(join(dataDir, 'window-state.json'), 'utf8'));
    expect(saved).toEqual({ x: 40, y: 60, width: 1000, height: 700, maximized: false });

    resetFakeElectron();
    const again = await start();
    expect(again.getBounds()).toEqual({ x: 40, y: 60, width: 1000, height: 700 });
  });

  it('ignores a corrupt window-state file and a position on a missing display', async () => {
    await writeFile(join(dataDir, 'window-state.json'), '{"width": "wide"');
    let win = await start();
    expect(win.options).toMatchObject({ width: 1280, height: 800 });
    app.quit();
    await until(() => app.quitted, 'the app to quit');

    await writeFile(
      join(dataDir, 'window-state.json'),
      JSON.stringify({ x: 5000, y: 5000, width: 900, height: 600 }),
    );
    resetFakeElectron();
    win = await start();
    expect(win.options).toMatchObject({ width: 900, height: 600 });
    expect(win.options.x).toBeUndefined();
  });

  it('closes every service before the process quits', async () => {
    await start();
    const ipcHandlers = ipcMain.handlers.size;
    expect(ipcHandlers).toBeGreaterThan(0);
    app.quit();
    // The first quit is held back while services close, then the app quits for real.
    expect(app.quitted).toBe(false);
    await until(() => app.quitted, 'the app to quit after closing services');
    expect(app.quitRequests).toBe(2);
    expect(ipcMain.handlers.size).toBe(0);
  });
});
