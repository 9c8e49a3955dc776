import type { StateCreator } from 'zustand';
import type { ParamsOf } from '../../../../common/api/contract';
import type { ReplayJob } from '../../../../common/api/replay';
import type { ErrorPayload } from '../../../../common/errors';
import { scopedApi } from '../../api/scoped';
import { errorOf } from '../../views/ops-common/errors';
import type { AppState } from '../index';

export type ReplayRequest = ParamsOf<'replay.start'>;

export interface ReplayState {
  jobs: ReplayJob[];
  error: ErrorPayload | null;
  starting: boolean;
}

/** Replay jobs: start one, follow their progress, cancel. */
export interface ReplaySlice {
  replay: ReplayState;
  loadReplays(): Promise<void>;
  /** Starts a job; resolves it, or null when refused (the reason is in `replay.error`). */
  startReplay(request: ReplayRequest): Promise<ReplayJob | null>;
  cancelReplay(id: string): Promise<void>;
  /** The topic names of a cluster, for the source and target pickers; [] when unreachable. */
  topicNamesOf(cluster: string): Promise<string[]>;
}

export const createReplaySlice: StateCreator<AppState, [], [], ReplaySlice> = (set, get) => {
  const patch = (p: Partial<ReplayState>) => set((s) => ({ replay: { ...s.replay, ...p } }));
  const upsert = (job: ReplayJob) =>
    patch({ jobs: [job, ...get().replay.jobs.filter((j) => j.id !== job.id)] });
  return {
    replay: { jobs: [], error: null, starting: false },
    loadReplays: async () => {
      try {
        patch({ jobs: await get().api.call('replay.list', {}) });
      } catch (err) {
        patch({ error: errorOf(err) });
      }
    },
    startReplay: async (request) => {
      patch({ starting: true, error: null });
      try {
        const job = await get().api.call('replay.start', request);
        upsert(job);
        return job;
      } catch (err) {
        patch({ error: errorOf(err) });
        return null;
      } finally {
        patch({ starting: false });
      }
    },
    topicNamesOf: async (cluster) => {
      try {
        const { topics } = await scopedApi(get().baseApi, cluster).call('topics.list', {});
        return topics.map((t) => t.name).sort();
      } catch {
        return [];
      }
    },
    cancelReplay: async (id) => {
      try {
        upsert(await get().api.call('replay.cancel', { id }));
      } catch (err) {
        patch({ error: errorOf(err) });
      }
    },
  };
};
