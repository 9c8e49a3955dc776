import type { ApiClient, EventOf, RequestName, ResultOf, SubscriptionName } from '../api/contract';
import { fromErrorPayload, isErrorCode, LogdockError, type ErrorPayload } from '../errors';
import { WS_PROTOCOL, WS_TOKEN_PREFIX, type ClientMessage, type ServerMessage } from './wire';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

/** The part of the WHATWG WebSocket that this client uses; `ws` in Node implements it too. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

export interface WebSocketClientOptions {
  /** e.g. `ws://127.0.0.1:7392/api` */
  url: string;
  token: string;
  /** Defaults to the global WebSocket (browsers); pass `ws`'s class in Node. */
  WebSocket?: WebSocketConstructor;
  /** Reconnect after an unexpected close; on by default. Refused connections never retry. */
  reconnect?: boolean;
}

export interface WebSocketApiClient extends ApiClient {
  readonly status: ConnectionStatus;
  /** Calls `listener` on every status change; returns a function that stops it. */
  onStatus(listener: (status: ConnectionStatus, error?: ErrorPayload) => void): () => void;
  /** Closes the connection for good; pending calls reject with CLOSED. */
  close(): void;
}

interface PendingCall {
  resolve: (value: unknown) => void;
  reject: (err: LogdockError) => void;
}

interface ActiveSubscription {
  name: string;
  params: unknown;
  onEvent: (event: unknown) => void;
  onError?: (error: ErrorPayload) => void;
}

const OPEN = 1;

/**
 * An `ApiClient` over the headless server's WebSocket, usable in browsers and Node.
 * Calls made while connecting are queued; calls in flight when the connection drops reject
 * with UNAVAILABLE; subscriptions are re-established after a reconnect. A refusal by the
 * server (bad token, foreign origin) is final and reported through `onStatus` with the
 * server's `{ code, message }`.
 */
export function createWebSocketClient(options: WebSocketClientOptions): WebSocketApiClient {
  const Impl =
    options.WebSocket ??
    (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ??
    missingWebSocket();
  const pending = new Map<number, PendingCall>();
  const subs = new Map<number, ActiveSubscription>();
  const statusListeners = new Set<(s: ConnectionStatus, e?: ErrorPayload) => void>();
  let queue: ClientMessage[] = [];
  let nextId = 1;
  let status: ConnectionStatus = 'connecting';
  let closedForGood = false;
  let fatal: ErrorPayload | undefined;
  let retryDelay = 250;
  let socket: WebSocketLike;
  let ready = false;

  const setStatus = (next: ConnectionStatus, error?: ErrorPayload) => {
    status = next;
    for (const listener of statusListeners) listener(next, error);
  };

  const send = (msg: ClientMessage) => {
    if (ready && socket.readyState === OPEN) socket.send(JSON.stringify(msg));
    else queue.push(msg);
  };

  const onServerMessage = (raw: unknown) => {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(String(raw)) as ServerMessage;
    } catch {
      return; // a server never sends this; ignoring beats crashing the page
    }
    switch (msg.t) {
      case 'ready': {
        retryDelay = 250;
        ready = true;
        setStatus('open');
        const queued = queue;
        queue = [];
        for (const queuedMsg of queued) socket.send(JSON.stringify(queuedMsg));
        return;
      }
      case 'result': {
        const call = pending.get(msg.id);
        if (!call) return;
        pending.delete(msg.id);
        if (msg.ok) call.resolve(msg.result);
        else call.reject(fromErrorPayload(msg.error));
        return;
      }
      case 'event':
        subs.get(msg.id)?.onEvent(msg.event);
        return;
      case 'sub-error': {
        const sub = subs.get(msg.id);
        subs.delete(msg.id);
        sub?.onError?.(msg.error);
        return;
      }
      case 'error':
        // The server could not attribute a frame to an id; this client never sends such
        // frames, so there is nothing to settle.
        return;
    }
  };

  const connect = () => {
    setStatus('connecting');
    socket = new Impl(options.url, [WS_PROTOCOL, WS_TOKEN_PREFIX + options.token]);
    // The handshake completing means little: the server may still refuse us. We are
    // connected once it says `ready`.
    socket.onopen = () => {};
    socket.onmessage = (ev) => onServerMessage(ev.data);
    socket.onerror = () => {}; // always followed by onclose, which does the work
    socket.onclose = (ev) => {
      ready = false;
      const refusal = parseRefusal(ev.reason);
      failPending(
        refusal ?? {
          code: 'UNAVAILABLE',
          message: `connection to ${options.url} closed (${ev.code}${ev.reason ? ': ' + ev.reason : ''})`,
        },
      );
      if (refusal || closedForGood || options.reconnect === false) {
        closedForGood = true;
        fatal = refusal ?? fatal;
        for (const [id, sub] of subs) {
          subs.delete(id);
          sub.onError?.(refusal ?? { code: 'CLOSED', message: 'connection closed' });
        }
        setStatus('closed', refusal);
        return;
      }
      setStatus('closed');
      // Re-subscribe on reconnect: the server forgot our subscriptions with the socket.
      queue = [...subs].map(([id, s]) => ({ t: 'sub', id, name: s.name, params: s.params }));
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 5000);
    };
  };

  const failPending = (error: ErrorPayload) => {
    for (const [id, call] of pending) {
      pending.delete(id);
      call.reject(fromErrorPayload(error));
    }
    queue = queue.filter((m) => m.t !== 'call');
  };

  connect();

  return {
    get status() {
      return status;
    },
    async call<N extends RequestName>(name: N, params: unknown): Promise<ResultOf<N>> {
      if (closedForGood) {
        throw fromErrorPayload(fatal ?? { code: 'CLOSED', message: 'API client is closed' });
      }
      const id = nextId++;
      return new Promise<ResultOf<N>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        send({ t: 'call', id, name, params: params ?? {} });
      });
    },
    subscribe<N extends SubscriptionName>(
      name: N,
      params: unknown,
      onEvent: (event: EventOf<N>) => void,
      onError?: (error: ErrorPayload) => void,
    ) {
      if (closedForGood) {
        onError?.(fatal ?? { code: 'CLOSED', message: 'API client is closed' });
        return () => {};
      }
      const id = nextId++;
      subs.set(id, {
        name,
        params: params ?? {},
        onEvent: onEvent as (e: unknown) => void,
        onError,
      });
      send({ t: 'sub', id, name, params: params ?? {} });
      return () => {
        if (!subs.delete(id)) return;
        if (ready && socket.readyState === OPEN) socket.send(JSON.stringify({ t: 'unsub', id }));
        else queue = queue.filter((m) => m.id !== id);
      };
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    close() {
      closedForGood = true;
      socket.close(1000, 'client closed');
      failPending({ code: 'CLOSED', message: 'API client is closed' });
    },
  };
}

/** The server closes a refused connection with reason `CODE: message`. */
function parseRefusal(reason: string): ErrorPayload | undefined {
  const match = /^([A-Z_]+): (.*)$/s.exec(reason ?? '');
  if (!match || !isErrorCode(match[1])) return undefined;
  if (match[1] !== 'UNAUTHENTICATED' && match[1] !== 'FORBIDDEN') return undefined;
  return { code: match[1], message: match[2] };
}

function missingWebSocket(): never {
  throw new LogdockError(
    'UNSUPPORTED',
    'no WebSocket implementation: pass options.WebSocket (e.g. the `ws` package in Node)',
  );
}
