import type { z } from 'zod';
import type { RequestDef, SubscriptionDef } from './define';
import { systemRequests, systemSubscriptions } from './system';
import { topicsRequests, topicsSubscriptions } from './topics';
import { messagesRequests, messagesSubscriptions } from './messages';
import { aggregateSubscriptions } from './aggregate';
import { groupsRequests, groupsSubscriptions } from './groups';
import { collectorsRequests, collectorsSubscriptions } from './collectors';
import { settingsRequests, settingsSubscriptions } from './settings';
import { topicSettingsRequests, topicSettingsSubscriptions } from './topic-settings';
import { replayRequests, replaySubscriptions } from './replay';
import { dashboardRequests, dashboardSubscriptions } from './dashboard';
import { clustersRequests, clustersSubscriptions } from './clusters';
import { timelineRequests, timelineSubscriptions } from './timeline';
import { shippingRequests } from './shipping';

/**
 * The whole API contract: every request and subscription, shared by main, preload and
 * renderer. Three transports implement it (Electron IPC, WebSocket for headless mode,
 * in-process for tests); renderer code only sees `ApiClient`.
 */
export const requests = {
  ...systemRequests,
  ...topicsRequests,
  ...messagesRequests,
  ...groupsRequests,
  ...collectorsRequests,
  ...settingsRequests,
  ...topicSettingsRequests,
  ...replayRequests,
  ...dashboardRequests,
  ...clustersRequests,
  ...timelineRequests,
  ...shippingRequests,
} satisfies Record<string, RequestDef>;

export const subscriptions = {
  ...systemSubscriptions,
  ...topicsSubscriptions,
  ...messagesSubscriptions,
  ...aggregateSubscriptions,
  ...groupsSubscriptions,
  ...collectorsSubscriptions,
  ...settingsSubscriptions,
  ...topicSettingsSubscriptions,
  ...replaySubscriptions,
  ...dashboardSubscriptions,
  ...clustersSubscriptions,
  ...timelineSubscriptions,
} satisfies Record<string, SubscriptionDef>;

export type Requests = typeof requests;
export type Subscriptions = typeof subscriptions;
export type RequestName = keyof Requests & string;
export type SubscriptionName = keyof Subscriptions & string;

/**
 * Every request and subscription may name the cluster it is about (`local`, the embedded
 * broker, when absent); the dispatcher takes it off before the params are validated.
 */
export interface ClusterScoped {
  cluster?: string;
}

/** What a caller passes (defaults not yet applied). */
export type ParamsOf<N extends RequestName> = z.input<Requests[N]['params']> & ClusterScoped;
/** What a handler receives (validated, defaults applied). */
export type ParsedParamsOf<N extends RequestName> = z.output<Requests[N]['params']>;
export type ResultOf<N extends RequestName> = z.output<Requests[N]['result']>;
export type SubParamsOf<N extends SubscriptionName> = z.input<Subscriptions[N]['params']> &
  ClusterScoped;
export type ParsedSubParamsOf<N extends SubscriptionName> = z.output<Subscriptions[N]['params']>;
export type EventOf<N extends SubscriptionName> = z.output<Subscriptions[N]['event']>;

export const requestNames = Object.keys(requests) as RequestName[];
export const subscriptionNames = Object.keys(subscriptions) as SubscriptionName[];

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requests, name);
}

export function isSubscriptionName(name: unknown): name is SubscriptionName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(subscriptions, name);
}

export type Unsubscribe = () => void;

/** The renderer's view of the API, whatever the transport. */
export interface ApiClient {
  call<N extends RequestName>(name: N, params: ParamsOf<N>): Promise<ResultOf<N>>;
  subscribe<N extends SubscriptionName>(
    name: N,
    params: SubParamsOf<N>,
    onEvent: (event: EventOf<N>) => void,
    onError?: (error: { code: string; message: string }) => void,
  ): Unsubscribe;
}
