import { LOCAL_CLUSTER } from '../../../common/api/clusters';
import type { ApiClient } from '../../../common/api/contract';

/** Requests about the app itself, not about a cluster: never scoped. */
const APP_WIDE = /^(clusters|settings|system|collectors)\./;

/**
 * The client with `cluster` added to the params of every request and subscription about a
 * cluster (topics, messages, groups, dashboard, topic settings, replay); `local` needs none.
 */
export function scopedApi(api: ApiClient, cluster: string): ApiClient {
  if (cluster === LOCAL_CLUSTER) return api;
  const scope = <P>(name: string, params: P): P =>
    APP_WIDE.test(name) ? params : ({ ...params, cluster } as P);
  return {
    call: (name, params) => api.call(name, scope(name, params)),
    subscribe: (name, params, onEvent, onError) =>
      api.subscribe(name, scope(name, params), onEvent, onError),
  };
}
