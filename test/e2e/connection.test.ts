import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  createWebSocketClient,
  type WebSocketApiClient,
  type WebSocketConstructor,
} from '../../src/common/transport/websocket-client';
import { WS_PATH } from '../../src/common/transport/wire';
import { spawnLogdock, stopLogdock, type LogdockProcess } from '../main/cli/commands/serve-process';
import { startApp, waitFor, type RunningApp } from './harness';

/**
 * The connection between the page and the server is lost and comes back: `logdock serve`
 * really stops (the page's WebSocket is closed and every reconnect is refused by the OS),
 * then starts again on the same data directory, port and token (LOGDOCK_TOKEN). The page
 * says the connection is lost while it is away, and the message browser recovers by itself:
 * connected again, rows shown, and a message produced afterwards arrives in the live tail.
 * Screenshots: test-artifacts/e2e/connection-*.png.
 */
const TOKEN = 'e2e-connection-token-0123456789';
const TOPIC = 'live';

/** A second `logdock serve` on the same data dir, port and token as the first. */
function serveAgain(app: RunningApp): LogdockProcess {
  const port = new URL(app.origin).port;
  return spawnLogdock(
    ['serve', '--data-dir', app.dataDir, '--http-port', port, '--kafka-port', '0'],
    { env: { ...process.env, LOGDOCK_TOKEN: TOKEN } },
  );
}

describe('losing the connection to the server and getting it back', () => {
  let app: RunningApp;
  let second: LogdockProcess | undefined;
  let api2: WebSocketApiClient | undefined;

  beforeAll(async () => {
    app = await startApp({ env: { LOGDOCK_TOKEN: TOKEN } });
    expect(app.token).toBe(TOKEN);
    await app.api.call('topics.create', { name: TOPIC, partitions: 1 });
    for (let i = 0; i < 5; i++)
      await app.api.call('messages.produce', { topic: TOPIC, value: `before ${i}` });
  });

  afterAll(async () => {
    api2?.close();
    if (second) await stopLogdock(second);
    await app?.close();
  });

  const page = () => app.page;
  const status = () => page().getByTestId('connection-status');
  const row = (offset: number) =>
    page().locator(`[data-testid="msg-row"][data-offset="${offset}"]`);

  it('shows the lost connection while the server is away, and recovers the tailing view when it returns', async () => {
    await page().goto(`${app.origin}/#/topics/${TOPIC}`);
    await row(4).waitFor();
    // Opening a topic at its newest message follows the tail.
    await waitFor(
      async () => (await page().getByTestId('tail-toggle').textContent()) === 'Following',
      'the view to follow the tail',
    );

    // The server goes away: a graceful stop closes the page's socket, and nothing listens
    // on the port until the second server starts, so every reconnect attempt fails.
    const stopping = Date.now();
    const code = await app.stopServer();
    // A hang (SIGKILL after the harness's grace) or a crash on the way out names itself.
    expect(
      code,
      `logdock serve exited with ${code ?? app.server.signalCode} ${Date.now() - stopping} ms after SIGTERM; its log:\n${app.logs().slice(-4000)}`,
    ).toBe(0);
    await page().getByTestId('connection-lost').waitFor();
    expect(await status().getAttribute('data-lost')).toBe('true');
    expect(await status().textContent()).toBe('Reconnecting…');
    // What was on screen stays there while the connection is away.
    expect(await row(4).isVisible()).toBe(true);
    await app.screenshot('connection-lost');

    second = serveAgain(app);
    await waitFor(() => {
      if (second!.hasExited()) throw new Error(`the second server exited:\n${second!.err()}`);
      return second!.out().includes('Open http');
    }, 'the server to start again');

    await waitFor(
      async () => (await status().getAttribute('data-status')) === 'open',
      'the page to reconnect by itself',
    );
    await page().getByTestId('connection-lost').waitFor({ state: 'detached' });
    expect(await status().textContent()).toBe('Connected');
    await row(4).waitFor();
    expect(await page().getByTestId('tail-toggle').textContent()).toBe('Following');

    // The live tail works again: a message produced now shows up selected at the bottom.
    api2 = createWebSocketClient({
      url: `ws://${new URL(app.origin).host}${WS_PATH}`,
      token: TOKEN,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      reconnect: false,
    });
    const at = await api2.call('messages.produce', { topic: TOPIC, value: 'after the outage' });
    expect(at.offset).toBe(5);
    await page()
      .locator('[data-testid="msg-row"][data-offset="5"][aria-selected="true"]')
      .waitFor();
    expect(await row(5).locator('.value').textContent()).toBe('after the outage');
    expect(await page().getByTestId('browser-total').textContent()).toBe('6 messages');
    await app.screenshot('connection-recovered');
  });
});
