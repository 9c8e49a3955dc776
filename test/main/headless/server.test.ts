import { stat, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  createWebSocketClient,
  type WebSocketConstructor,
} from '../../../src/common/transport/websocket-client';
import { WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../../src/common/transport/wire';
import { createDispatcher } from '../../../src/main/api/handlers';
import { readApiFile } from '../../../src/main/headless/api-file';
import { startHeadlessServer, type HeadlessServer } from '../../../src/main/headless/server';
import { silentLogger } from '../../../src/main/logger';
import { openServices, type Services } from '../../../src/main/services';

describe('the headless HTTP server', () => {
  let dir: string;
  let dataDir: string;
  let rendererDir: string;
  let services: Services;
  let server: HeadlessServer | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'logdock-headless-'));
    dataDir = join(dir, 'data');
    rendererDir = join(dir, 'renderer');
    await mkdir(join(rendererDir, 'assets'), { recursive: true });
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Logdock</title>');
    await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'not for the browser');
    services = await openServices({ dataDir, mode: 'test', logger: silentLogger });
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await services.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function start(options: { port?: number; rendererDir?: string } = {}) {
    server = await startHeadlessServer({
      dispatcher: createDispatcher(services),
      logger: silentLogger,
      dataDir,
      port: options.port ?? 0,
      rendererDir: options.rendererDir ?? rendererDir,
    });
    return server;
  }

  it('serves the renderer with a CSP that allows only its own WebSocket', async () => {
    const s = await start();
    const res = await fetch(`${s.origin}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Logdock</title>');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${s.port}`);
    // Chromium rejects IPv6 literals in source expressions, on every load.
    expect(csp).not.toContain('[');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await fetch(`${s.origin}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('never serves files outside the renderer directory', async () => {
    const s = await start();
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt']) {
      const body = await (await fetch(`${s.origin}${path}`)).text();
      expect(body).not.toContain('not for the browser');
    }
  });

  it('answers an unbuilt renderer with a 503 that says how to build it', async () => {
    const s = await start({ rendererDir: join(dir, 'missing') });
    const res = await fetch(`${s.origin}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });

  it('refuses methods other than GET and HEAD', async () => {
    const s = await start();
    expect((await fetch(`${s.origin}/`, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('writes api.json with mode 0600 while serving and removes it on close', async () => {
    const s = await start();
    const file = join(dataDir, 'api.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readApiFile(dataDir)).toEqual({ url: s.apiUrl, token: s.token, pid: process.pid });
    await s.close();
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('serves the API over WebSocket with the printed token', async () => {
    const s = await start();
    expect(s.url).toBe(`${s.origin}/?token=${s.token}`);
    expect(s.token).toMatch(/^[0-9a-f]{48}$/);
    const client = createWebSocketClient({
      url: s.apiUrl,
      token: s.token,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      reconnect: false,
    });
    await expect(client.call('system.info', {})).resolves.toMatchObject({ dataDir });
    client.close();
  });

  it('uses a new random token on every start', async () => {
    const first = (await start()).token;
    await server!.close();
    expect((await start()).token).not.toBe(first);
  });

  it('fails clearly when an explicitly requested port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(start({ port })).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: expect.stringContaining(`127.0.0.1:${port}`),
      });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  /** A GET with a Host header of our choosing (fetch would not let us set it). */
  function getWithHost(s: HeadlessServer, host: string, path = '/') {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: s.port, path, headers: { Host: host } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** Opens a raw WebSocket with the token; resolves with how the server closed it. */
  function connect(s: HeadlessServer, headers: Record<string, string> = {}, send?: Buffer) {
    return new Promise<{ code: number; reason: string }>((resolve, reject) => {
      const ws = new WebSocket(s.apiUrl, [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${s.token}`], {
        headers,
      });
      ws.on('message', () => {
        if (send) ws.send(send);
        else ws.close(1000);
      });
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
      ws.on('error', (err) => (err.message.includes('EPIPE') ? undefined : reject(err)));
    });
  }

  it('answers only the names it serves under: another Host (DNS rebinding) gets 421 and a closed WebSocket', async () => {
    const s = await start();
    const page = await getWithHost(s, `evil.example:${s.port}`);
    expect(page.status).toBe(421);
    expect(page.body).toMatch(/^FORBIDDEN: host "evil.example:\d+" is not this server's/);
    expect((await getWithHost(s, `evil.example:${s.port}`, `/exports/x.jsonl`)).status).toBe(421);
    expect((await getWithHost(s, `localhost:${s.port}`)).status).toBe(200);
    expect((await getWithHost(s, `127.0.0.1:${s.port}`)).status).toBe(200);
    const refused = await connect(s, { Host: `evil.example:${s.port}` });
    expect(refused.code).toBe(1008);
    expect(refused.reason).toMatch(/^FORBIDDEN: host "evil.example:\d+"/);
    expect((await connect(s)).code).toBe(1000);
  });

  it('closes a connection that sends an oversized frame with 1009 and a reason, and serves on', async () => {
    const s = await start();
    const closed = await connect(s, {}, Buffer.alloc(100 * 1024 * 1024, 0x61));
    expect(closed.code).toBe(1009);
    expect(closed.reason).toMatch(/^MESSAGE_TOO_LARGE: a frame over 4 MiB was refused/);
    expect((await connect(s)).code).toBe(1000);
  });
});
