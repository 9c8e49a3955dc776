import type { ApiClient } from '../../../common/api/contract';
import { fromErrorPayload } from '../../../common/errors';
import type { LogdockBridge } from '../../../preload/bridge';

/** The `ApiClient` over Electron IPC: unwraps the bridge's `{ ok, … }` outcomes. */
export function createIpcClient(bridge: LogdockBridge): ApiClient {
  return {
    async call(name, params) {
      const outcome = await bridge.requests[name](params ?? {});
      if (!outcome.ok) throw fromErrorPayload(outcome.error);
      return outcome.result as never;
    },
    subscribe(name, params, onEvent, onError) {
      return bridge.subscribe(
        name,
        params ?? {},
        (event) => onEvent(event as never),
        (error) => onError?.(error),
      );
    },
  };
}
