import type { ApiClient } from '../../../common/api/contract';
import type { ErrorPayload } from '../../../common/errors';
import {
  createWebSocketClient,
  type ConnectionStatus,
} from '../../../common/transport/websocket-client';
import { WS_PATH } from '../../../common/transport/wire';
import { createIpcClient } from './ipc';

export type { ConnectionStatus };

export interface Connection {
  client: ApiClient;
  transport: 'ipc' | 'websocket';
  /** Reports status changes (and the server's refusal, if any); returns a stop function. */
  onStatus(listener: (status: ConnectionStatus, error?: ErrorPayload) => void): () => void;
  readonly status: ConnectionStatus;
}

const TOKEN_KEY = 'logdock.token';

/**
 * Picks the transport once at startup: Electron's preload bridge when present, otherwise
 * the WebSocket of the headless server that served this page. Renderer code only ever
 * sees the returned `ApiClient`.
 */
export function connectApi(win: Window = window): Connection {
  if (win.logdock) {
    return {
      client: createIpcClient(win.logdock),
      transport: 'ipc',
      status: 'open',
      onStatus: () => () => {},
    };
  }
  const token = takeToken(win);
  const scheme = win.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = createWebSocketClient({
    url: `${scheme}//${win.location.host}${WS_PATH}`,
    token: token ?? '',
  });
  return {
    client,
    transport: 'websocket',
    get status() {
      return client.status;
    },
    onStatus: (listener) => client.onStatus(listener),
  };
}

/**
 * The headless server prints `…/?token=<t>`. The token is moved into sessionStorage (so a
 * reload keeps working) and removed from the address bar (so it is not copied or
 * screenshotted by accident), keeping the hash route.
 */
function takeToken(win: Window): string | null {
  const params = new URLSearchParams(win.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    win.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const search = params.toString();
    win.history.replaceState(
      null,
      '',
      `${win.location.pathname}${search ? '?' + search : ''}${win.location.hash}`,
    );
    return fromUrl;
  }
  return win.sessionStorage.getItem(TOKEN_KEY);
}
