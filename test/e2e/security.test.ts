import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from './harness';

/** What a page sees when it tries the API: the close event, or the first message. */
async function tryApi(app: RunningApp, token: string) {
  const port = new URL(app.origin).port;
  return app.page.evaluate(
    ({ port, token }) =>
      new Promise<{ code: number; reason: string; messages: string[] }>((resolve) => {
        const messages: string[] = [];
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, [
          'logdock.v1',
          `logdock.token.${token}`,
        ]);
        ws.onmessage = (e) => {
          messages.push(String(e.data));
          ws.close(1000, 'done');
        };
        ws.onclose = (e) => resolve({ code: e.code, reason: e.reason, messages });
      }),
    { port, token },
  );
}

describe('the headless API in a real browser', () => {
  let app: RunningApp;
  let other: Server;
  let otherOrigin: string;

  beforeAll(async () => {
    app = await startApp();
    // Another site on this machine, as a malicious page would be.
    other = createServer((_req, res) =>
      res
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end('<!doctype html><title>other</title>'),
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    other?.closeAllConnections();
    await new Promise((resolve) => other?.close(resolve));
  });

  it('lets the app page in with the token', async () => {
    await app.page.goto(`${app.origin}/#/dashboard`);
    const result = await tryApi(app, app.token);
    expect(result.messages).toEqual([JSON.stringify({ t: 'ready' })]);
  });

  it('refuses the app page with a wrong token, with a reason the page can read', async () => {
    await app.page.goto(`${app.origin}/#/dashboard`);
    const result = await tryApi(app, 'f'.repeat(app.token.length));
    expect(result).toEqual({
      code: 1008,
      reason: 'UNAUTHENTICATED: wrong API token',
      messages: [],
    });
  });

  it('refuses a page from another origin even when it knows the token', async () => {
    await app.page.goto(`${otherOrigin}/`);
    const result = await tryApi(app, app.token);
    expect(result).toEqual({
      code: 1008,
      reason: `FORBIDDEN: origin ${otherOrigin} is not allowed`,
      messages: [],
    });
  });

  it('shows the refusal in the connection status when the page has a bad token', async () => {
    await app.page.goto(`${app.origin}/?token=${'0'.repeat(48)}#/topics`);
    const status = app.page.getByTestId('connection-status');
    await status.and(app.page.locator('[data-status="closed"]')).waitFor();
    await expect(status.textContent()).resolves.toContain('wrong API token');
    await app.screenshot('refused-token');
  });
});
