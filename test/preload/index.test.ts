import { beforeAll, describe, expect, it, vi } from 'vitest';
import { requestNames } from '../../src/common/api/contract';
import type { LogdockBridge } from '../../src/preload/bridge';
import { contextBridge, ipcMain, preloadContents, resetFakeElectron } from '../fakes/electron';

vi.mock('electron', () => import('../fakes/electron'));

describe('the preload', () => {
  let exposed: Record<string, unknown>;

  beforeAll(async () => {
    resetFakeElectron();
    // Running the preload module is what Electron does when a window loads.
    await import('../../src/preload/index');
    exposed = contextBridge.exposed;
  });

  const loadPreload = async () => exposed;

  it('exposes only window.logdock: one function per request and subscribe', async () => {
    const exposed = await loadPreload();
    expect(Object.keys(exposed)).toEqual(['logdock']);
    const bridge = exposed.logdock as LogdockBridge;
    expect(Object.keys(bridge).sort()).toEqual(['requests', 'subscribe']);
    expect(Object.keys(bridge.requests).sort()).toEqual([...requestNames].sort());
    for (const fn of Object.values(bridge.requests)) expect(typeof fn).toBe('function');
  });

  it('never hands ipcRenderer or a generic send to the page', async () => {
    const bridge = (await loadPreload()).logdock as Record<string, unknown>;
    const reachable =
      JSON.stringify(Object.keys(bridge)) + JSON.stringify(Object.keys(bridge.requests as object));
    for (const name of ['ipcRenderer', 'send', 'invoke', 'on', 'sendSync']) {
      expect(reachable).not.toContain(`"${name}"`);
    }
  });

  it('invokes the channel named after the request, with the params', async () => {
    const bridge = (await loadPreload()).logdock as LogdockBridge;
    const seen: unknown[] = [];
    ipcMain.handle('system.info', (event, params) => {
      seen.push([event.senderFrame?.url, params]);
      return { ok: true, result: 'fine' };
    });
    preloadContents.url = 'file:///app/index.html';
    await expect(bridge.requests['system.info']({})).resolves.toEqual({ ok: true, result: 'fine' });
    expect(seen).toEqual([['file:///app/index.html', {}]]);
  });
});
