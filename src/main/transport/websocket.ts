import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { Unsubscribe } from '../../common/api/contract';
import { LogdockError, toErrorPayload, type ErrorPayload } from '../../common/errors';
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
import { sameSecret } from './secret';

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
}

export interface WebSocketApi {
  /** Number of open, authenticated connections. */
  readonly connections: number;
  /** Ends every subscription and closes every connection with 1001. Idempotent. */
  close(): Promise<void>;
}

/** Largest frame accepted from a client; requests are small, this stops memory abuse. */
const MAX_PAYLOAD = 4 * 1024 * 1024;
/** WebSocket close code "message too big" (RFC 6455). */
const WS_CLOSE_TOO_BIG = 1009;
/** A subscriber this far behind is cut off instead of buffering without bound. */
const MAX_BUFFERED = 32 * 1024 * 1024;

const clientMessageSchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('call'),
    id: z.number().int().nonnegative(),
    name: z.string(),
    params: z.unknown(),
  }),
  z.object({
    t: z.literal('sub'),
    id: z.number().int().nonnegative(),
    name: z.string(),
    params: z.unknown(),
  }),
  z.object({ t: z.literal('unsub'), id: z.number().int().nonnegative() }),
]);

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
  const sockets = new Set<WebSocket>();

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
      sockets.add(ws);
      ws.once('close', () => sockets.delete(ws));
      serveConnection(ws, dispatcher, { ...options.context, transport: 'websocket' }, logger);
      ws.send(JSON.stringify({ t: 'ready' } satisfies ServerMessage));
    });
  };
  server.on('upgrade', onUpgrade);

  let closing: Promise<void> | undefined;
  return {
    get connections() {
      return sockets.size;
    },
    close() {
      closing ??= (async () => {
        server.off('upgrade', onUpgrade);
        const closed = [...sockets].map(
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

/** Runs one authenticated connection: frames in, results and events out. */
function serveConnection(
  ws: WebSocket,
  dispatcher: Dispatcher,
  ctx: CallContext,
  logger: Logger,
): void {
  const subs = new Map<number, Unsubscribe>();
  const send = (msg: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };

  ws.on('message', (data, isBinary) => {
    const msg = parseFrame(data.toString(), isBinary);
    if (!msg.ok) {
      send({ t: 'error', error: msg.error });
      return;
    }
    const frame = msg.frame;
    switch (frame.t) {
      case 'call':
        void dispatcher.call(frame.name, frame.params, ctx).then((outcome) => {
          send(
            outcome.ok
              ? { t: 'result', id: frame.id, ok: true, result: outcome.result }
              : { t: 'result', id: frame.id, ok: false, error: outcome.error },
          );
        });
        return;
      case 'sub': {
        if (subs.has(frame.id)) {
          send({
            t: 'sub-error',
            id: frame.id,
            error: {
              code: 'ALREADY_EXISTS',
              message: `subscription id ${frame.id} is already in use`,
            },
          });
          return;
        }
        let ended = false;
        try {
          const stop = dispatcher.subscribe(
            frame.name,
            frame.params,
            (event) => {
              if (ws.bufferedAmount > MAX_BUFFERED) {
                subs.get(frame.id)?.();
                subs.delete(frame.id);
                send({
                  t: 'sub-error',
                  id: frame.id,
                  error: {
                    code: 'UNAVAILABLE',
                    message: `${frame.name}: client is too slow, subscription ended`,
                  },
                });
                return;
              }
              send({ t: 'event', id: frame.id, event });
            },
            ctx,
            (error) => {
              ended = true;
              subs.delete(frame.id);
              send({ t: 'sub-error', id: frame.id, error });
            },
          );
          if (!ended) subs.set(frame.id, stop);
        } catch (err) {
          send({ t: 'sub-error', id: frame.id, error: toErrorPayload(err) });
        }
        return;
      }
      case 'unsub':
        subs.get(frame.id)?.();
        subs.delete(frame.id);
        return;
    }
  });
  ws.on('close', () => {
    for (const stop of subs.values()) stop();
    subs.clear();
  });
  ws.on('error', (err) => logger.warn(`WebSocket connection error: ${err.message}`));
}

type ParsedFrame =
  { ok: true; frame: z.infer<typeof clientMessageSchema> } | { ok: false; error: ErrorPayload };

function parseFrame(text: string, isBinary: boolean): ParsedFrame {
  try {
    if (isBinary)
      throw new LogdockError('INVALID_ARGUMENT', 'binary frames are not part of the API');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new LogdockError('INVALID_ARGUMENT', `frame is not JSON: ${text.slice(0, 60)}`);
    }
    const parsed = clientMessageSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `malformed frame: ${issue.path.join('.') || '(frame)'}: ${issue.message}`,
      );
    }
    return { ok: true, frame: parsed.data };
  } catch (err) {
    return { ok: false, error: toErrorPayload(err) };
  }
}
