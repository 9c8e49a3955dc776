import type { clustersRequests } from '../../common/api/clusters';
import type { ClusterRegistry } from '../remote/registry';
import { testConnection } from '../remote/test-connection';
import type { HandlersFor } from './dispatcher';

/** Handlers of the `clusters.*` requests: the clusters a person adds, changes and tests. */
export function createClustersHandlers({
  clusters,
}: {
  clusters: ClusterRegistry;
}): HandlersFor<typeof clustersRequests> {
  return {
    'clusters.list': async () => ({ clusters: await clusters.list() }),
    'clusters.add': (input) => clusters.add(input),
    'clusters.update': (patch) => clusters.update(patch),
    'clusters.remove': async ({ name }) => {
      await clusters.remove(name);
      return {};
    },
    'clusters.test': async (params) =>
      testConnection(
        'name' in params
          ? await clusters.connectionConfig(params.name)
          : await clusters.connectionConfig(params.draft.name, params.draft),
      ),
  };
}
