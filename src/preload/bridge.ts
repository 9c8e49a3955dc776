import { requestNames, type RequestName, type Unsubscribe } from '../common/api/contract';
import type { ErrorPayload } from '../common/errors';
import type { CallOutcome } from '../common/transport/ipc-channels';
import {
  IPC_EVENT,
  IPC_SUBSCRIBE,
  IPC_UNSUBSCRIBE,
  type IpcEventMessage,
} from '../common/transport/ipc-channels';

/** The part of Electron's `ipcRenderer` the bridge uses (kept narrow so it can be tested). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * What the preload exposes to the renderer as `window.logdock`: one function per request
 * of the contract (`requests['topics.list'](params)`) and `subscribe`, never `ipcRenderer`
 * itself. Results come back as `{ ok, result } | { ok, error }` because Error objects lose
 * their `code` when they cross the context bridge; the renderer's IPC client unwraps them.
 */
export interface LogdockBridge {
  readonly requests: { readonly [N in RequestName]: (params: unknown) => Promise<CallOutcome> };
  subscribe(
    name: string,
    params: unknown,
    onEvent: (event: unknown) => void,
    onError: (error: ErrorPayload) => void,
  ): Unsubscribe;
}

/** Builds the bridge over `ipc`; see LogdockBridge. */
export function createBridge(ipc: IpcRendererLike): LogdockBridge {
  const requests = Object.fromEntries(
    requestNames.map((name) => [
      name,
      (params: unknown) => ipc.invoke(name, params) as Promise<CallOutcome>,
    ]),
  ) as LogdockBridge['requests'];

  // One listener for all subscriptions; each event names the subscription id it belongs to.
  const listeners = new Map<
    number,
    { onEvent: (e: unknown) => void; onError: (e: ErrorPayload) => void }
  >();
  let nextId = 1;
  ipc.on(IPC_EVENT, (_event, raw) => {
    const msg = raw as IpcEventMessage;
    const listener = listeners.get(msg.id);
    if (!listener) return;
    if (msg.kind === 'event') listener.onEvent(msg.event);
    else {
      listeners.delete(msg.id);
      listener.onError(msg.error);
    }
  });

  return {
    requests,
    subscribe(name, params, onEvent, onError) {
      const id = nextId++;
      listeners.set(id, { onEvent, onError });
      ipc.send(IPC_SUBSCRIBE, { id, name, params });
      return () => {
        if (!listeners.delete(id)) return;
        ipc.send(IPC_UNSUBSCRIBE, { id });
      };
    },
  };
}
