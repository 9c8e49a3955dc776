import type { systemRequests, systemSubscriptions } from '../../common/api/system';
import { LogdockError } from '../../common/errors';
import type { Cluster } from '../cluster';
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

/**
 * `system.storage`: the health of the embedded log's storage at start and on every change.
 * A cluster without a local log has no such storage: the subscription is refused.
 */
export function createSystemSubscriptions(deps: {
  cluster: Cluster;
}): SubscriptionHandlersFor<typeof systemSubscriptions> {
  return {
    'system.storage': (_params, emit) => {
      const { cluster } = deps;
      const { local } = cluster;
      if (!local) {
        throw new LogdockError('UNSUPPORTED', 'system.storage: the cluster has no local storage');
      }
      const send = () => {
        local.storageHealth().then(emit, () => {}); // closing: nothing more to report
      };
      const off = local.onStorageHealth(send);
      // A deleted topic takes its findings along.
      const offTopics = cluster.onTopicsChanged(send);
      setImmediate(send);
      return () => {
        off();
        offTopics();
      };
    },
  };
}
