import type { ApiClient } from '../../common/api/contract';
import { fromErrorPayload, toErrorPayload } from '../../common/errors';
import type { CallContext, Dispatcher } from '../api/dispatcher';

/**
 * The in-process transport, for tests: the same validation and error shape as IPC and
 * WebSocket, without serialisation. Results are structured-cloned so that a test sees
 * exactly what would cross a process boundary.
 */
export function createInProcessClient(
  dispatcher: Dispatcher,
  /** What the simulated transport offers (e.g. export downloads), as a real one would. */
  context: Omit<CallContext, 'transport'> = {},
): ApiClient {
  const ctx: CallContext = { ...context, transport: 'in-process' };
  return {
    async call(name, params) {
      const outcome = await dispatcher.call(name, structuredClone(params), ctx);
      if (!outcome.ok) throw fromErrorPayload(outcome.error);
      return structuredClone(outcome.result) as never;
    },
    subscribe(name, params, onEvent, onError) {
      try {
        return dispatcher.subscribe(
          name,
          structuredClone(params),
          (e) => onEvent(structuredClone(e) as never),
          ctx,
          (error) => onError?.(error),
        );
      } catch (err) {
        onError?.(toErrorPayload(err));
        return () => {};
      }
    },
  };
}
