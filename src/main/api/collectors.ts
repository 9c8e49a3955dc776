import type { collectorsRequests, collectorsSubscriptions } from '../../common/api/collectors';
import type { CollectorManager } from '../collectors';
import type { HandlersFor, SubscriptionHandlersFor } from './dispatcher';

/** Handlers of the `collectors.*` requests; the work happens in CollectorManager. */
export function createCollectorsHandlers({
  collectors,
}: {
  collectors: CollectorManager;
}): HandlersFor<typeof collectorsRequests> {
  return {
    'collectors.list': () => collectors.list(),
    'collectors.add': ({ config }) => collectors.add(config),
    'collectors.update': ({ id, config }) => collectors.update(id, config),
    'collectors.pause': ({ id }) => collectors.pause(id),
    'collectors.resume': ({ id }) => collectors.resume(id),
    'collectors.remove': async ({ id }) => {
      await collectors.remove(id);
      return {};
    },
    'collectors.preview': ({ config, maxEvents }) =>
      collectors.preview(config, { lines: maxEvents }),
  };
}

export function createCollectorsSubscriptions({
  collectors,
}: {
  collectors: CollectorManager;
}): SubscriptionHandlersFor<typeof collectorsSubscriptions> {
  return {
    'collectors.status': (_params, emit) => {
      // The current state at once, then every change.
      emit(collectors.list());
      return collectors.onStatus(emit);
    },
  };
}
