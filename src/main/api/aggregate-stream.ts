import type { aggregateSubscriptions } from '../../common/api/aggregate';
import { toErrorPayload } from '../../common/errors';
import { selectPartitions } from '../browse/partitions';
import type { Cluster } from '../cluster';
import { aggregate } from '../search/aggregate';
import { compileQuery } from '../search/query';
import type { SubscriptionHandlersFor } from './dispatcher';
import { runWhenScanSlotFree } from './scan-slots';

/** `messages.aggregate`: facets and level histograms over a view or a search. */
export function createAggregateStreams({
  cluster,
}: {
  cluster: Cluster;
}): SubscriptionHandlersFor<typeof aggregateSubscriptions> {
  return {
    'messages.aggregate': (params, emit, ctx, fail) => {
      if (params.query) compileQuery(params.query); // an invalid query fails at once
      const abort = new AbortController();
      const run = () =>
        aggregate(cluster, params, {
          signal: abort.signal,
          onProgress: (f) => emit({ type: 'progress', ...f }),
          onPartial: (c) => emit({ type: 'result', final: false, ...c }),
        }).then(
          (c) => {
            if (c) emit({ type: 'result', final: true, ...c });
          },
          (err) => {
            if (!abort.signal.aborted) emit({ type: 'error', ...toErrorPayload(err) });
          },
        );
      // An unknown topic or partition fails the subscription before any event.
      selectPartitions(cluster, params.topic, params.partitions).then(() => {
        if (!abort.signal.aborted) runWhenScanSlotFree(abort.signal, run, ctx);
      }, fail);
      return () => abort.abort();
    },
  };
}
