import type { StateCreator } from 'zustand';
import type { ApiClient, ResultOf } from '../../../../common/api/contract';
import { LogdockError, type ErrorPayload } from '../../../../common/errors';
import type { ConnectionStatus } from '../../../../common/transport/websocket-client';
import { LOCAL_CLUSTER } from '../../../../common/api/clusters';
import { scopedApi } from '../../api/scoped';
import { applyTheme } from '../../theme';
import type { AppState } from '../index';

export type SystemInfo = ResultOf<'system.info'>;

/**
 * The frame's own state: the API client every action calls through, the connection status
 * shown in the header, and the facts about the backend shown in the status bar.
 */
export interface AppSlice {
  /**
   * The API client every action calls: the transport's client, scoped to the cluster shown
   * (`cluster`), so that a view's requests are about the cluster in the address.
   */
  api: ApiClient;
  /** The transport's client itself, set once at startup by main.tsx (or by a test). */
  baseApi: ApiClient;
  /** The cluster the address shows (`local` or a remote cluster's name). */
  cluster: string;
  /** Scopes `api` to another cluster; main.tsx calls it when the address changes. */
  setCluster(cluster: string): void;
  transport: 'ipc' | 'websocket' | 'in-process' | 'none';
  /**
   * `lost`: the connection was open and dropped, and the client is trying to get it back
   * (a refusal, with `error`, is final and not "lost").
   */
  connection: { status: ConnectionStatus; error: ErrorPayload | null; lost: boolean };
  systemInfo: SystemInfo | null;
  systemInfoError: ErrorPayload | null;
  setApi(api: ApiClient, transport: AppSlice['transport']): void;
  setConnection(status: ConnectionStatus, error?: ErrorPayload): void;
  /** Fetches `system.info`; failures land in `systemInfoError`, never thrown. */
  loadSystemInfo(): Promise<void>;
  /**
   * Applies the saved theme now and whenever the settings change (from any window), through
   * the `settings.changed` subscription; returns the function that stops it.
   */
  followThemeSetting(): () => void;
}

/** Until main.tsx sets the real client, every call fails clearly instead of hanging. */
const notConnected: ApiClient = {
  call: () => Promise.reject(new LogdockError('UNAVAILABLE', 'the API client is not set up yet')),
  subscribe: (_name, _params, _onEvent, onError) => {
    onError?.({ code: 'UNAVAILABLE', message: 'the API client is not set up yet' });
    return () => {};
  },
};

export const createAppSlice: StateCreator<AppState, [], [], AppSlice> = (set, get) => ({
  api: notConnected,
  baseApi: notConnected,
  cluster: LOCAL_CLUSTER,
  setCluster: (cluster) => {
    if (cluster !== get().cluster) set({ cluster, api: scopedApi(get().baseApi, cluster) });
  },
  transport: 'none',
  connection: { status: 'connecting', error: null, lost: false },
  systemInfo: null,
  systemInfoError: null,
  setApi: (api, transport) => set({ baseApi: api, api: scopedApi(api, get().cluster), transport }),
  setConnection: (status, error) => {
    const before = get().connection;
    const lost = status !== 'open' && !error && (before.status === 'open' || before.lost);
    set({ connection: { status, error: error ?? null, lost } });
  },
  followThemeSetting: () =>
    get().api.subscribe('settings.changed', {}, (view) => applyTheme(view.settings.theme)),
  loadSystemInfo: async () => {
    try {
      const systemInfo = await get().api.call('system.info', {});
      set({ systemInfo, systemInfoError: null });
    } catch (err) {
      const e = err as Partial<ErrorPayload>;
      set({ systemInfoError: { code: e.code ?? 'INTERNAL', message: String(e.message ?? err) } });
    }
  },
});
