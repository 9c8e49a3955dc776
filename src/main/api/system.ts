import type { systemRequests, systemSubscriptions } from '../../common/api/system';
import type { Broker } from '../broker';
import type { Services } from '../services';
import { APP_VERSION } from '../version';
import type { HandlersFor, SubscriptionHandlersFor } from './dispatcher';

/** Handlers of the `system.*` requests: facts about this process. */
export function createSystemHandlers(services: Services): HandlersFor<typeof systemRequests> {
  return {
    'system.info': (_params, ctx) => ({
      version: APP_VERSION,
      dataDir: services.dataDir,
      mode: services.mode,
      kafkaListener: services.kafkaListener,
      // What the transport offers, not what the mode suggests: one answer per caller.
      capabilities: {
        downloadExports: ctx.exportDownloadPath !== undefined,
        showExportInFolder: ctx.showItemInFolder !== undefined,
      },
    }),
  };
}

/** `system.storage`: the broker's storage health at start and on every change. */
export function createSystemSubscriptions(deps: {
  broker: Pick<Broker, 'storageHealth' | 'onStorageHealth' | 'onTopicsChanged'>;
}): SubscriptionHandlersFor<typeof systemSubscriptions> {
  return {
    'system.storage': (_params, emit) => {
      const send = () => emit(deps.broker.storageHealth());
      const off = deps.broker.onStorageHealth(send);
      // A deleted topic takes its findings along.
      const offTopics = deps.broker.onTopicsChanged(send);
      setImmediate(send);
      return () => {
        off();
        offTopics();
      };
    },
  };
}
