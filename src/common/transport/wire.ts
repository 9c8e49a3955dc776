import type { ErrorPayload } from '../errors';

/**
 * Messages of the WebSocket transport, one JSON object per text frame. Client and server
 * share these types; the server still validates every incoming frame since a client can
 * send anything.
 *
 *   client → server                       server → client
 *                                         { t: 'ready' }                  (authenticated)
 *   { t: 'call', id, name, params }       { t: 'result', id, ok: true, result }
 *                                         { t: 'result', id, ok: false, error }
 *   { t: 'sub', id, name, params }        { t: 'event', id, event }
 *                                         { t: 'sub-error', id, error }   (subscription ended)
 *   { t: 'unsub', id }
 *                                         { t: 'error', error }           (frame not understood)
 *
 * `id` is chosen by the client, unique per connection among its open calls and
 * subscriptions (one in use is refused with ALREADY_EXISTS). Authentication happens before
 * any frame (see `WS_PROTOCOL`); the server sends `ready` once it accepted the connection,
 * and clients send nothing before it. A connection holds at most 128 subscriptions and 256
 * calls in flight (RESOURCE_EXHAUSTED beyond); one that leaves over 32 MiB unread gets
 * UNAVAILABLE instead of results and events (src/main/transport/connection-limits.ts).
 */
export type ClientMessage =
  | { t: 'call'; id: number; name: string; params: unknown }
  | { t: 'sub'; id: number; name: string; params: unknown }
  | { t: 'unsub'; id: number };

export type ServerMessage =
  | { t: 'ready' }
  | { t: 'result'; id: number; ok: true; result: unknown }
  | { t: 'result'; id: number; ok: false; error: ErrorPayload }
  | { t: 'event'; id: number; event: unknown }
  | { t: 'sub-error'; id: number; error: ErrorPayload }
  | { t: 'error'; error: ErrorPayload };

/** The subprotocol the server selects; the client offers it with its token. */
export const WS_PROTOCOL = 'logdock.v1';
/**
 * The token travels as a second offered subprotocol, `logdock.token.<hex>`, because browsers
 * cannot set headers on a WebSocket handshake and a query string would end up in logs.
 */
export const WS_TOKEN_PREFIX = 'logdock.token.';
/** Path of the WebSocket endpoint on the headless HTTP server. */
export const WS_PATH = '/api';

/**
 * Close codes the server uses when it refuses a connection; the close reason carries
 * `CODE: message` so that even a browser (which sees no HTTP status) gets a clear error.
 */
export const WS_CLOSE_POLICY = 1008;
export const WS_CLOSE_SHUTDOWN = 1001;
