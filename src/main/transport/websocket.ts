import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ErrorPayload } from '../../common/errors';
import {
  WS_CLOSE_POLICY,
  WS_CLOSE_SHUTDOWN,
  WS_PATH,
  WS_PROTOCOL,
  WS_TOKEN_PREFIX,
  type ServerMessage,
} from '../../common/transport/wire';
import type { CallContext, Dispatcher } from '../api/dispatcher';
import type { Logger } from '../logger';
import { CONNECTION_LIMITS, type ConnectionLimits } from './connection-limits';
import { sameSecret } from './secret';
import { serveConnection, type ConnectionStats } from './websocket-connection';

export interface WebSocketApiOptions {
  /** The HTTP server whose `upgrade` events on `WS_PATH` are taken over. */
  server: Server;
  dispatcher: Dispatcher;
  /** The secret every connection must offer as subprotocol `logdock.token.<token>`. */
  token: string;
  /**
   * Origins (`http://127.0.0.1:7392`) a browser page may connect from; read on every
   * connection because the port is known only once the server listens. A connection
   * without an `Origin` header (a non-browser client such as the CLI) is allowed: it still
   * needs the token, and browsers always send `Origin`.
   */
  allowedOrigins: () => string[];
  /** `Host` header values this server answers (lower case); every one when absent. */
  allowedHosts?: () => Set<string>;
  logger: Logger;
  /** What this server offers its callers besides the API (e.g. export downloads). */
  context?: Omit<CallContext, 'transport'>;
  /** What one connection may hold; connection-limits.ts's (tests take smaller ones). */
  limits?: Partial<ConnectionLimits>;
}

export interface WebSocketApi {
  /** Number of open, authenticated connections. */
  readonly connections: number;
  /** What each open connection holds (subscriptions, calls in flight, unread bytes). */
  connectionStats(): ConnectionStats[];
  /** Ends every subscription and closes every connection with 1001. Idempotent. */
  close(): Promise<void>;
}

/** Largest frame accepted from a client; requests are small, this stops memory abuse. */
const MAX_PAYLOAD = 4 * 1024 * 1024;
/** WebSocket close code "message too big" (RFC 6455). */
const WS_CLOSE_TOO_BIG = 1009;
/**
 * Serves the API contract over WebSocket on `WS_PATH` of `server`. Every connection is
 * checked before any frame is read: the token (constant-time compare) and the `Origin`.
 * A refused connection is accepted just long enough to be closed with code 1008 and reason
 * `UNAUTHENTICATED: …` / `FORBIDDEN: …`, because browsers hide HTTP refusal statuses from
 * pages. Every frame then goes through the shared `Dispatcher`, so validation and the
 * `{ code, message }` error shape are those of every other transport.
 */
export function attachWebSocketApi(options: WebSocketApiOptions): WebSocketApi {
  const { server, dispatcher, logger } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD,
    // Select our protocol, or failing that any offered one, so that the handshake
    // completes and the refusal reason reaches the client.
    handleProtocols: (offered) =>
      offered.has(WS_PROTOCOL) ? WS_PROTOCOL : (offered.values().next().value ?? false),
  });
  const sockets = new Map<WebSocket, () => ConnectionStats>();
  const limits = { ...CONNECTION_LIMITS, ...options.limits };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      explainOversizeClose(ws);
      const refusal =
        checkHost(req, options.allowedHosts?.()) ??
        checkConnection(req, options.token, options.allowedOrigins());
      if (refusal) {
        logger.warn(`refused WebSocket connection: ${refusal.message}`, {
          origin: req.headers.origin,
          remote: req.socket.remoteAddress,
        });
        ws.close(WS_CLOSE_POLICY, `${refusal.code}: ${refusal.message}`.slice(0, 120));
        return;
      }
      const ctx = { ...options.context, transport: 'websocket' } as const;
      sockets.set(ws, serveConnection(ws, dispatcher, ctx, logger, limits));
      ws.once('close', () => sockets.delete(ws));
      ws.send(JSON.stringify({ t: 'ready' } satisfies ServerMessage));
    });
  };
  server.on('upgrade', onUpgrade);

  let closing: Promise<void> | undefined;
  return {
    get connections() {
      return sockets.size;
    },
    connectionStats() {
      return [...sockets.values()].map((stats) => stats());
    },
    close() {
      closing ??= (async () => {
        server.off('upgrade', onUpgrade);
        const closed = [...sockets.keys()].map(
          (ws) =>
            new Promise<void>((resolve) => {
              ws.once('close', () => resolve());
              ws.close(WS_CLOSE_SHUTDOWN, 'CLOSED: Logdock is shutting down');
              // A peer that never answers the close handshake must not hold up shutdown.
              setTimeout(() => {
                ws.terminate();
                resolve();
              }, 2000).unref();
            }),
        );
        await Promise.all(closed);
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return closing;
    },
  };
}

/**
 * ws closes a connection whose frame exceeds maxPayload with 1009 and no reason; the
 * client should learn why. Its receiver calls `close(1009)` on the socket, so the reason
 * is added there.
 */
function explainOversizeClose(ws: WebSocket): void {
  const close = ws.close.bind(ws);
  ws.close = (code?: number, reason?: string | Buffer) =>
    close(
      code,
      reason ??
        (code === WS_CLOSE_TOO_BIG
          ? `MESSAGE_TOO_LARGE: a frame over ${MAX_PAYLOAD / 1024 / 1024} MiB was refused`
          : undefined),
    );
}

/** FORBIDDEN for a Host header that does not name this server (DNS rebinding). */
function checkHost(
  req: IncomingMessage,
  allowed: Set<string> | undefined,
): ErrorPayload | undefined {
  if (allowed === undefined) return undefined;
  const host = req.headers.host;
  if (host !== undefined && allowed.has(host.toLowerCase())) return undefined;
  return { code: 'FORBIDDEN', message: `host ${JSON.stringify(host ?? '')} is not this server's` };
}

/** Returns why a connection must be refused, or undefined when it may proceed. */
function checkConnection(
  req: IncomingMessage,
  expectedToken: string,
  allowedOrigins: string[],
): ErrorPayload | undefined {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const tokenProtocol = offered.find((p) => p.startsWith(WS_TOKEN_PREFIX));
  if (!tokenProtocol) {
    return {
      code: 'UNAUTHENTICATED',
      message: 'no API token offered (subprotocol logdock.token.<token>)',
    };
  }
  if (!sameSecret(tokenProtocol.slice(WS_TOKEN_PREFIX.length), expectedToken)) {
    return { code: 'UNAUTHENTICATED', message: 'wrong API token' };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins.includes(origin)) {
    return { code: 'FORBIDDEN', message: `origin ${origin} is not allowed` };
  }
  return undefined;
}
