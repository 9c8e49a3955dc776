import { LOCAL_CLUSTER } from '../../common/api/clusters';
import type { ClusterScope } from '../remote/connections';
import type { Services } from '../services';
import { createAggregateStreams } from './aggregate-stream';
import { createClustersHandlers } from './clusters';
import { createCollectorsHandlers, createCollectorsSubscriptions } from './collectors';
import { createDashboardHandlers } from './dashboard';
import {
  Dispatcher,
  type HandlerTables,
  type RequestHandlers,
  type SubscriptionHandlers,
} from './dispatcher';
import { createGroupsHandlers } from './groups';
import { createMessageStreams } from './message-streams';
import { createMessagesHandlers } from './messages';
import { createReplayHandlers } from './replay';
import { createShippingHandlers } from './shipping';
import { createSettingsHandlers, createSettingsSubscriptions } from './settings';
import { createSystemHandlers, createSystemSubscriptions } from './system';
import { createTimelineHandlers, createTimelineSubscriptions } from './timeline';
import { createTopicSettingsHandlers } from './topic-settings';
import { createTopicsHandlers, createTopicsSubscriptions } from './topics';

/**
 * Joins every domain's handler factory into the full handler tables. The types make a
 * missing or misspelt handler a compile error: each request and subscription of the
 * contract needs exactly one entry. To add a domain, spread its factory here, e.g.
 * `...createTopicsHandlers(services)`.
 */
export function createRequestHandlers(
  services: Services,
  scope: ClusterScope = localScope(services),
): RequestHandlers {
  const { dataDir } = services;
  const { cluster, metrics } = scope;
  const topicsDeps = { cluster, rateHistory: () => metrics.rateHistory() };
  return {
    ...createSystemHandlers(services),
    ...createTopicsHandlers(topicsDeps),
    ...createTopicSettingsHandlers({ cluster }),
    ...createMessagesHandlers({ cluster, dataDir }),
    ...createTimelineHandlers({ cluster }),
    ...createGroupsHandlers({ cluster, metrics }),
    ...createDashboardHandlers({ cluster, metrics }),
    ...createReplayHandlers({ replay: services.replay, cluster: scope.name }),
    ...createSettingsHandlers({ settings: services.settings }),
    ...createCollectorsHandlers({ collectors: services.collectors }),
    ...createClustersHandlers({ clusters: services.clusters }),
    ...createShippingHandlers({ shipping: services.shipping }),
  };
}

export function createSubscriptionHandlers(
  services: Services,
  scope: ClusterScope = localScope(services),
): SubscriptionHandlers {
  const { dataDir } = services;
  const { cluster, metrics } = scope;
  return {
    ...createSystemSubscriptions(services),
    ...createTopicsSubscriptions({ cluster, rateHistory: () => metrics.rateHistory() }),
    ...createMessageStreams({ cluster, dataDir }),
    ...createTimelineSubscriptions({ cluster, dataDir }),
    ...createAggregateStreams({ cluster }),
    ...createSettingsSubscriptions({ settings: services.settings }),
    ...createCollectorsSubscriptions({ collectors: services.collectors }),
  };
}

/**
 * The dispatcher every transport of this process shares. Requests that name another cluster
 * are answered by the same handlers built on that cluster's scope (made on first use, dropped
 * when its settings change).
 */
export function createDispatcher(services: Services): Dispatcher {
  const tables = new Map<string, HandlerTables>();
  services.connections.onDropped((name) => tables.delete(name));
  const forCluster = (name: string): HandlerTables => {
    let found = tables.get(name);
    if (!found) {
      const scope = services.connections.scope(name);
      found = {
        requests: createRequestHandlers(services, scope),
        subscriptions: createSubscriptionHandlers(services, scope),
      };
      tables.set(name, found);
    }
    return found;
  };
  return new Dispatcher(
    createRequestHandlers(services),
    createSubscriptionHandlers(services),
    forCluster,
  );
}

function localScope(services: Services): ClusterScope {
  return { name: LOCAL_CLUSTER, cluster: services.cluster, metrics: services.metrics };
}
