import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { requestNames } from '../../../src/common/api/contract';
import { IPC_SUBSCRIBE } from '../../../src/common/transport/ipc-channels';
import { createDispatcher } from '../../../src/main/api/handlers';
import { registerIpcApi } from '../../../src/main/electron/ipc';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION } from '../../../src/main/transport/connection-limits';
import { silentLogger } from '../../../src/main/logger';
import { openServices, type Services } from '../../../src/main/services';
import { createBridge } from '../../../src/preload/bridge';
import { createIpcClient } from '../../../src/renderer/src/api/ipc';
import {
  createRendererEnd,
  FakeWebContents,
  ipcMain,
  resetFakeElectron,
} from '../../fakes/electron';

vi.mock('electron', () => import('../../fakes/electron'));

const APP_URL = 'file:///opt/logdock/out/renderer/index.html';

describe('the Electron IPC API', () => {
  let dataDir: string;
  let services: Services;
  let dispose: () => void;

  beforeEach(async () => {
    resetFakeElectron();
    dataDir = await mkdtemp(join(tmpdir(), 'logdock-ipc-'));
    services = await openServices({ dataDir, mode: 'test', logger: silentLogger });
    dispose = registerIpcApi({
      ipcMain: ipcMain as never,
      dispatcher: createDispatcher(services),
      appUrl: APP_URL,
      logger: silentLogger,
    });
  });

  afterEach(async () => {
    dispose();
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function page(url: string) {
    const contents = new FakeWebContents();
    contents.url = url;
    return { contents, ipc: createRendererEnd(contents) };
  }

  it('registers a handler for every request in the contract', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...requestNames].sort());
    expect(ipcMain.listenerCount(IPC_SUBSCRIBE)).toBe(1);
  });

  it('answers a call from the app page through the preload bridge', async () => {
    const client = createIpcClient(createBridge(page(`${APP_URL}#/topics`).ipc));
    const info = await client.call('system.info', {});
    expect(info.dataDir).toBe(dataDir);
    expect(info.mode).toBe('test');
  });

  it('rejects a call from a foreign frame before it reaches a handler', async () => {
    for (const url of [
      'https://evil.example/index.html',
      'file:///tmp/other/index.html',
      'http://127.0.0.1:5173/',
    ]) {
      const outcome = await page(url).ipc.invoke('system.info', {});
      expect(outcome).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: `IPC from ${url} is not allowed` },
      });
    }
  });

  it('rejects a call whose sender frame is gone', async () => {
    const { contents, ipc } = page(APP_URL);
    contents.destroy();
    const outcome = (await ipc.invoke('system.info', {})) as {
      ok: boolean;
      error: { code: string };
    };
    expect(outcome.ok).toBe(false);
    expect(outcome.error.code).toBe('FORBIDDEN');
  });

  it('rejects a malformed payload with a clear error and changes nothing on disk', async () => {
    const before = await readdir(dataDir);
    const client = createIpcClient(createBridge(page(APP_URL).ipc));
    await expect(client.call('system.info', { unexpected: 1 } as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('system.info'),
    });
    await expect(page(APP_URL).ipc.invoke('system.info', 'not an object')).resolves.toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await readdir(dataDir)).toEqual(before);
  });

  it('reports an unknown subscription to the subscriber instead of failing silently', async () => {
    const bridge = createBridge(page(APP_URL).ipc);
    const errors: unknown[] = [];
    bridge.subscribe(
      'no.such.subscription',
      {},
      () => {},
      (e) => errors.push(e),
    );
    expect(errors).toEqual([
      { code: 'NOT_FOUND', message: 'unknown subscription "no.such.subscription"' },
    ]);
  });

  it('refuses a subscription from a foreign frame', () => {
    const bridge = createBridge(page('https://evil.example/').ipc);
    const errors: { code: string }[] = [];
    bridge.subscribe(
      'no.such.subscription',
      {},
      () => {},
      (e) => errors.push(e),
    );
    expect(errors.map((e) => e.code)).toEqual(['FORBIDDEN']);
  });

  it('refuses a window its subscription past 128 with RESOURCE_EXHAUSTED, as the WebSocket does', () => {
    const bridge = createBridge(page(APP_URL).ipc);
    const errors: { code: string }[] = [];
    const events: unknown[] = [];
    for (let i = 0; i <= MAX_SUBSCRIPTIONS_PER_CONNECTION; i++) {
      bridge.subscribe(
        'settings.changed',
        {},
        (e) => events.push(e),
        (e) => errors.push(e),
      );
    }
    expect(errors.map((e) => e.code)).toEqual(['RESOURCE_EXHAUSTED']);
    expect(events).toHaveLength(MAX_SUBSCRIPTIONS_PER_CONNECTION);
    // Another window has a table of its own.
    const other: { code: string }[] = [];
    createBridge(page(APP_URL).ipc).subscribe(
      'settings.changed',
      {},
      () => {},
      (e) => other.push(e),
    );
    expect(other).toEqual([]);
  });

  it('removes every handler when disposed', () => {
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(ipcMain.listenerCount(IPC_SUBSCRIBE)).toBe(0);
    dispose = () => {};
  });
});
