import type { StateCreator } from 'zustand';
import type { ClusterView, ConnectionTest } from '../../../../common/api/clusters';
import type { ParamsOf } from '../../../../common/api/contract';
import type { ErrorPayload } from '../../../../common/errors';
import { errorOf } from '../../views/ops-common/errors';
import type { AppState } from '../index';

/**
 * The clusters the switcher offers and Settings manages: `local` and the remote ones.
 * Secrets go out with add/test and never come back (views say only whether one is saved).
 */
export interface ClustersSlice {
  clusters: { list: ClusterView[]; error: ErrorPayload | null; loaded: boolean };
  loadClusters(): Promise<void>;
  /** Saves a cluster; resolves with the error to show, or null when saved. */
  addCluster(input: ParamsOf<'clusters.add'>): Promise<ErrorPayload | null>;
  /** Changes a saved cluster; a password left out keeps the saved one. */
  updateCluster(patch: ParamsOf<'clusters.update'>): Promise<ErrorPayload | null>;
  removeCluster(name: string): Promise<ErrorPayload | null>;
  /** Tests settings before saving them (or a saved cluster by name). Never rejects. */
  testCluster(params: ParamsOf<'clusters.test'>): Promise<ConnectionTest | { error: ErrorPayload }>;
}

export const createClustersSlice: StateCreator<AppState, [], [], ClustersSlice> = (set, get) => {
  const attempt = async (work: () => Promise<unknown>): Promise<ErrorPayload | null> => {
    try {
      await work();
      await get().loadClusters();
      return null;
    } catch (err) {
      return errorOf(err);
    }
  };
  return {
    clusters: { list: [], error: null, loaded: false },
    loadClusters: async () => {
      try {
        const { clusters } = await get().api.call('clusters.list', {});
        set({ clusters: { list: clusters, error: null, loaded: true } });
      } catch (err) {
        set((s) => ({ clusters: { ...s.clusters, error: errorOf(err), loaded: true } }));
      }
    },
    addCluster: (input) => attempt(() => get().api.call('clusters.add', input)),
    updateCluster: (patch) => attempt(() => get().api.call('clusters.update', patch)),
    removeCluster: (name) => attempt(() => get().api.call('clusters.remove', { name })),
    testCluster: async (params) => {
      try {
        return await get().api.call('clusters.test', params);
      } catch (err) {
        return { error: errorOf(err) };
      }
    },
  };
};
