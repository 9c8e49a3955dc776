import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import {
  createWebSocketClient,
  type WebSocketApiClient,
  type WebSocketConstructor,
} from '../../../src/common/transport/websocket-client';
import { WS_PATH, WS_PROTOCOL, WS_TOKEN_PREFIX } from '../../../src/common/transport/wire';
import { createDispatcher } from '../../../src/main/api/handlers';
import { silentLogger } from '../../../src/main/logger';
import { openServices, type Services } from '../../../src/main/services';
import type { ConnectionLimits } from '../../../src/main/transport/connection-limits';
import { attachWebSocketApi, type WebSocketApi } from '../../../src/main/transport/websocket';

export const TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

/** What a raw connection received: every frame, parsed. */
export type Frame = {
  t: string;
  id?: number;
  ok?: boolean;
  error?: { code: string };
  [k: string]: unknown;
};

export interface RawConnection {
  ws: WebSocket;
  messages: Frame[];
  closed: Promise<{ code: number; reason: string }>;
  opened: Promise<void>;
  /** Sends one client frame as JSON. */
  send(frame: object): void;
}

/** Opens a raw socket and collects what the server sends until it closes. */
export function rawConnect(
  url: string,
  protocols: string[],
  headers: Record<string, string> = {},
): RawConnection {
  const ws = new WebSocket(url, protocols, { headers });
  const messages: Frame[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as Frame));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages, closed, opened, send: (frame) => ws.send(JSON.stringify(frame)) };
}

export interface WsServer {
  dataDir: string;
  services: Services;
  api: WebSocketApi;
  origin: string;
  url: string;
  /** An authenticated raw connection from the server's own origin, open. */
  connect(): Promise<RawConnection>;
  /** The API client of the renderer and the CLI, on this server. */
  client(token?: string): WebSocketApiClient;
  close(): Promise<void>;
}

/**
 * The real services in a temporary data directory behind the real WebSocket API on a
 * loopback HTTP server, as `logdock serve` runs them.
 */
export async function startWsServer(limits?: Partial<ConnectionLimits>): Promise<WsServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'logdock-ws-'));
  const services = await openServices({ dataDir, mode: 'test', logger: silentLogger });
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const url = `ws://127.0.0.1:${port}${WS_PATH}`;
  const api = attachWebSocketApi({
    server,
    dispatcher: createDispatcher(services),
    token: TOKEN,
    allowedOrigins: () => [origin],
    logger: silentLogger,
    limits,
  });
  const clients: WebSocketApiClient[] = [];
  const raws: RawConnection[] = [];
  return {
    dataDir,
    services,
    api,
    origin,
    url,
    async connect() {
      const raw = rawConnect(url, [WS_PROTOCOL, WS_TOKEN_PREFIX + TOKEN], { Origin: origin });
      raws.push(raw);
      await raw.opened;
      return raw;
    },
    client(token = TOKEN) {
      const c = createWebSocketClient({
        url,
        token,
        WebSocket: WebSocket as unknown as WebSocketConstructor,
        reconnect: false,
      });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients.splice(0)) c.close();
      for (const raw of raws.splice(0)) raw.ws.terminate();
      await api.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
