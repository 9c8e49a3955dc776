import type { StateCreator } from 'zustand';
import type { ResultOf } from '../../../../common/api/contract';
import type { ErrorPayload } from '../../../../common/errors';
import { navigate } from '../../router';
import { errorOf } from '../../views/ops-common/errors';
import type { AppState } from '../index';

export type Rates = ResultOf<'dashboard.rates'>;
export type DiskUse = ResultOf<'dashboard.disk'>;
export type LevelHistogram = ResultOf<'dashboard.histogram'> & {
  topic: string;
  from: number;
  to: number;
};

export interface DashboardState {
  rates: Rates | null;
  disk: DiskUse;
  histogram: LevelHistogram | null;
  error: ErrorPayload | null;
  histogramError: ErrorPayload | null;
}

/** The dashboard's figures: rates and disk use (refreshed together) and the level histogram. */
export interface DashboardSlice {
  dashboard: DashboardState;
  loadDashboard(): Promise<void>;
  loadHistogram(topic: string, from: number, to: number, buckets?: number): Promise<void>;
  /** Opens the message browser at the first message of `topic` at or after `time`. */
  openTopicAt(topic: string, time: number): Promise<void>;
}

export const createDashboardSlice: StateCreator<AppState, [], [], DashboardSlice> = (set, get) => {
  const patch = (p: Partial<DashboardState>) =>
    set((s) => ({ dashboard: { ...s.dashboard, ...p } }));
  return {
    dashboard: { rates: null, disk: [], histogram: null, error: null, histogramError: null },
    loadDashboard: async () => {
      try {
        const [rates, disk] = await Promise.all([
          get().api.call('dashboard.rates', {}),
          get().api.call('dashboard.disk', {}),
        ]);
        patch({ rates, disk, error: null });
      } catch (err) {
        patch({ error: errorOf(err) });
      }
    },
    loadHistogram: async (topic, from, to, buckets = 60) => {
      try {
        const result = await get().api.call('dashboard.histogram', { topic, from, to, buckets });
        patch({ histogram: { ...result, topic, from, to }, histogramError: null });
      } catch (err) {
        patch({ histogramError: errorOf(err) });
      }
    },
    openTopicAt: async (topic, time) => {
      try {
        const at = await get().api.call('dashboard.locate', { topic, timestamp: Math.floor(time) });
        // No message that new: the browser's end of the topic is the closest place.
        navigate(
          at
            ? { view: 'topic', topic, partition: at.partition, offset: at.offset }
            : { view: 'topic', topic },
        );
      } catch (err) {
        patch({ error: errorOf(err) });
      }
    },
  };
};
