import type { Services } from '../services';
import { Dispatcher, type RequestHandlers, type SubscriptionHandlers } from './dispatcher';
import { createSystemHandlers } from './system';

/**
 * Joins every domain's handler factory into the full handler tables. The types make a
 * missing or misspelt handler a compile error: each request and subscription of the
 * contract needs exactly one entry. To add a domain, spread its factory here, e.g.
 * `...createTopicsHandlers(services)`.
 */
export function createRequestHandlers(services: Services): RequestHandlers {
  return {
    ...createSystemHandlers(services),
  };
}

export function createSubscriptionHandlers(services: Services): SubscriptionHandlers {
  void services;
  return {};
}

/** The dispatcher every transport of this process shares. */
export function createDispatcher(services: Services): Dispatcher {
  return new Dispatcher(createRequestHandlers(services), createSubscriptionHandlers(services));
}
