import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  ConnectionStatus,
  WebSocketApiClient,
} from '../../../src/common/transport/websocket-client';
import { WS_PATH, WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../../src/common/transport/wire';
import type { Services } from '../../../src/main/services';
import type { WebSocketApi } from '../../../src/main/transport/websocket';
import { waitFor } from '../../wait';
import { rawConnect, startWsServer, TOKEN, type WsServer } from './ws-harness';

/** A digest of every file under `dir`, to prove that a refused request changed nothing. */
async function snapshot(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const entry of (await readdir(dir, { recursive: true, withFileTypes: true })).sort((a, b) =>
    join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)),
  )) {
    const path = join(entry.parentPath, entry.name);
    hash.update(path);
    if (entry.isFile()) hash.update(await readFile(path));
  }
  return hash.digest('hex');
}

async function until(condition: () => boolean, what: string): Promise<void> {
  await waitFor(condition, what);
}

describe('the WebSocket transport', () => {
  let server: WsServer;
  let dataDir: string;
  let services: Services;
  let api: WebSocketApi;
  let origin: string;
  let url: string;

  beforeEach(async () => {
    server = await startWsServer();
    ({ dataDir, services, api, origin, url } = server);
  });

  afterEach(async () => {
    await server.close();
  });

  function client(token = TOKEN): WebSocketApiClient {
    return server.client(token);
  }

  it('answers a call made with the token', async () => {
    const info = await client().call('system.info', {});
    expect(info).toMatchObject({ dataDir, mode: 'test' });
    expect(api.connections).toBe(1);
  });

  it('refuses a connection without a token with a clear error, and runs none of its calls', async () => {
    const before = await snapshot(dataDir);
    const raw = rawConnect(url, [WS_PROTOCOL], { Origin: origin });
    await raw.opened;
    raw.ws.send(JSON.stringify({ t: 'call', id: 1, name: 'settings.update', params: {} }));
    const closed = await raw.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/^UNAUTHENTICATED: no API token offered/);
    expect(raw.messages).toEqual([]);
    expect(api.connections).toBe(0);
    expect(await snapshot(dataDir)).toBe(before);
  });

  it('rejects calls of a client with the wrong token as UNAUTHENTICATED', async () => {
    const c = client('0'.repeat(TOKEN.length));
    const statuses: ConnectionStatus[] = [];
    c.onStatus((s) => statuses.push(s));
    await expect(c.call('system.info', {})).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'wrong API token',
    });
    expect(c.status).toBe('closed');
    // A refusal is final: the client does not retry with the same bad token.
    await expect(c.call('system.info', {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(statuses).toEqual(['closed']);
  });

  it('refuses a page from another origin even with the right token', async () => {
    const before = await snapshot(dataDir);
    const raw = rawConnect(url, [WS_PROTOCOL, WS_TOKEN_PREFIX + TOKEN], {
      Origin: 'http://evil.example',
    });
    await raw.opened;
    raw.ws.send(JSON.stringify({ t: 'call', id: 1, name: 'system.info', params: {} }));
    const closed = await raw.closed;
    expect(closed).toEqual({
      code: 1008,
      reason: 'FORBIDDEN: origin http://evil.example is not allowed',
    });
    expect(raw.messages).toEqual([]);
    expect(await snapshot(dataDir)).toBe(before);
  });

  it('rejects a malformed payload with INVALID_ARGUMENT naming the request, and changes nothing', async () => {
    const before = await snapshot(dataDir);
    const c = client();
    await expect(c.call('system.info', { extra: true } as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^system\.info: /),
    });
    await expect(c.call('settings.update' as never, 'garbage' as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^settings\.update: /),
    });
    // The connection stays usable.
    await expect(c.call('system.info', {})).resolves.toMatchObject({ dataDir });
    expect(await snapshot(dataDir)).toBe(before);
  });

  it('answers frames it cannot understand with an error and keeps the connection open', async () => {
    const raw = rawConnect(url, [WS_PROTOCOL, WS_TOKEN_PREFIX + TOKEN], { Origin: origin });
    await raw.opened;
    raw.ws.send('{not json');
    raw.ws.send(JSON.stringify({ t: 'call', name: 'system.info' }));
    raw.ws.send(Buffer.from([1, 2, 3]));
    raw.ws.send(JSON.stringify({ t: 'call', id: 7, name: 'no.such.request', params: {} }));
    raw.ws.send(JSON.stringify({ t: 'call', id: 8, name: 'system.info', params: {} }));
    await until(() => raw.messages.length === 6, 'ready and five answers');
    expect(raw.messages.slice(0, 4)).toEqual([
      { t: 'ready' },
      { t: 'error', error: { code: 'INVALID_ARGUMENT', message: 'frame is not JSON: {not json' } },
      { t: 'error', error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('id') } },
      {
        t: 'error',
        error: { code: 'INVALID_ARGUMENT', message: 'binary frames are not part of the API' },
      },
    ]);
    // Results of concurrent calls may come back in any order.
    expect(raw.messages.slice(4)).toEqual(
      expect.arrayContaining([
        {
          t: 'result',
          id: 7,
          ok: false,
          error: { code: 'NOT_FOUND', message: 'unknown request "no.such.request"' },
        },
        { t: 'result', id: 8, ok: true, result: expect.objectContaining({ dataDir }) },
      ]),
    );
    raw.ws.close();
  });

  it('reports an unknown subscription to its subscriber', async () => {
    const errors: unknown[] = [];
    client().subscribe(
      'no.such.stream' as never,
      {} as never,
      () => {},
      (e) => errors.push(e),
    );
    await until(() => errors.length === 1, 'the subscription error');
    expect(errors).toEqual([
      { code: 'NOT_FOUND', message: 'unknown subscription "no.such.stream"' },
    ]);
  });

  it('ends a stream whose topic turns out to be missing with the error, and frees its id', async () => {
    const raw = rawConnect(url, [WS_PROTOCOL, WS_TOKEN_PREFIX + TOKEN], { origin });
    await raw.opened;
    const sub = { t: 'sub', id: 7, name: 'messages.tail', params: { topic: 'missing' } };
    raw.ws.send(JSON.stringify(sub));
    await until(
      () => raw.messages.some((m) => (m as { t: string }).t === 'sub-error'),
      'sub-error',
    );
    expect(raw.messages.find((m) => (m as { t: string }).t === 'sub-error')).toEqual({
      t: 'sub-error',
      id: 7,
      error: { code: 'UNKNOWN_TOPIC', message: 'topic "missing" does not exist' },
    });
    // The failed subscription no longer holds its id: the same id starts a new one.
    await services.broker.createTopic('missing');
    raw.ws.send(JSON.stringify(sub));
    await until(() => raw.messages.some((m) => (m as { t: string }).t === 'event'), 'an event');
    expect(raw.messages.filter((m) => (m as { t: string }).t === 'sub-error')).toHaveLength(1);
    raw.ws.close();
  });

  it('closes its connections when closed, and the client reports it', async () => {
    const c = client();
    await c.call('system.info', {});
    const statuses: ConnectionStatus[] = [];
    c.onStatus((s) => statuses.push(s));
    await api.close();
    await until(() => statuses.includes('closed'), 'the client to see the close');
    await expect(c.call('system.info', {})).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('does not answer upgrades on other paths', async () => {
    const raw = rawConnect(url.replace(WS_PATH, '/other'), [WS_PROTOCOL, WS_TOKEN_PREFIX + TOKEN]);
    await expect(raw.opened).rejects.toThrow(/404/);
  });
});
