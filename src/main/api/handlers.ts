import type { Services } from '../services';
import { createClustersHandlers } from './clusters';
import { createCollectorsHandlers, createCollectorsSubscriptions } from './collectors';
import { createDashboardHandlers } from './dashboard';
import { Dispatcher, type RequestHandlers, type SubscriptionHandlers } from './dispatcher';
import { createGroupsHandlers } from './groups';
import { createMessageStreams } from './message-streams';
import { createMessagesHandlers } from './messages';
import { createReplayHandlers } from './replay';
import { createSettingsHandlers, createSettingsSubscriptions } from './settings';
import { createSystemHandlers, createSystemSubscriptions } from './system';
import { createTopicSettingsHandlers } from './topic-settings';
import { createTopicsHandlers, createTopicsSubscriptions } from './topics';

/**
 * Joins every domain's handler factory into the full handler tables. The types make a
 * missing or misspelt handler a compile error: each request and subscription of the
 * contract needs exactly one entry. To add a domain, spread its factory here, e.g.
 * `...createTopicsHandlers(services)`.
 */
export function createRequestHandlers(services: Services): RequestHandlers {
  const { cluster, dataDir, metrics } = services;
  const topicsDeps = { cluster, rateHistory: () => metrics.rateHistory() };
  return {
    ...createSystemHandlers(services),
    ...createTopicsHandlers(topicsDeps),
    ...createTopicSettingsHandlers({ cluster }),
    ...createMessagesHandlers({ cluster, dataDir }),
    ...createGroupsHandlers({ cluster, metrics }),
    ...createDashboardHandlers({ cluster, metrics }),
    ...createReplayHandlers({ replay: services.replay }),
    ...createSettingsHandlers({ settings: services.settings }),
    ...createCollectorsHandlers({ collectors: services.collectors }),
    ...createClustersHandlers({ clusters: services.clusters }),
  };
}

export function createSubscriptionHandlers(services: Services): SubscriptionHandlers {
  const { cluster, dataDir, metrics } = services;
  return {
    ...createSystemSubscriptions(services),
    ...createTopicsSubscriptions({ cluster, rateHistory: () => metrics.rateHistory() }),
    ...createMessageStreams({ cluster, dataDir }),
    ...createSettingsSubscriptions({ settings: services.settings }),
    ...createCollectorsSubscriptions({ collectors: services.collectors }),
  };
}

/** The dispatcher every transport of this process shares. */
export function createDispatcher(services: Services): Dispatcher {
  return new Dispatcher(createRequestHandlers(services), createSubscriptionHandlers(services));
}
