import type { StateCreator } from 'zustand';
import type { Unsubscribe } from '../../../../common/api/contract';
import type { TopicSummary } from '../../../../common/api/topics';
import type { ErrorPayload } from '../../../../common/errors';
import type { AppState } from '../index';
import { asPayload } from './errors';

export interface TopicsState {
  list: TopicSummary[];
  /** True until the first list arrives. */
  loading: boolean;
  error: ErrorPayload | null;
  filter: string;
  includeInternal: boolean;
}

/** The topics view's state: the live topic list (from `topics.changed`) and its filters. */
export interface TopicsSlice {
  topics: TopicsState;
  setTopicFilter(filter: string): void;
  setIncludeInternal(include: boolean): void;
  /** Follows `topics.changed` (re-subscribing when includeInternal changes); returns a stop function. */
  watchTopics(): Unsubscribe;
  /** Creates a topic; resolves to the error to show inline, or null. */
  createTopic(
    name: string,
    partitions: number,
    configs: Record<string, string | number>,
  ): Promise<ErrorPayload | null>;
  /** Deletes a topic after the view confirmed it; resolves to the error, or null. */
  deleteTopic(name: string): Promise<ErrorPayload | null>;
}

export const createTopicsSlice: StateCreator<AppState, [], [], TopicsSlice> = (set, get) => {
  const patch = (p: Partial<TopicsState>) => set((s) => ({ topics: { ...s.topics, ...p } }));
  return {
    topics: { list: [], loading: true, error: null, filter: '', includeInternal: false },
    setTopicFilter: (filter) => patch({ filter }),
    setIncludeInternal: (includeInternal) => patch({ includeInternal, loading: true }),
    watchTopics: () => {
      const { api, topics } = get();
      return api.subscribe(
        'topics.changed',
        { includeInternal: topics.includeInternal },
        (e) => patch({ list: e.topics, loading: false, error: null }),
        (error) => patch({ loading: false, error: asPayload(error) }),
      );
    },
    createTopic: async (name, partitions, configs) => {
      try {
        const created = await get().api.call('topics.create', { name, partitions, configs });
        const { list } = get().topics;
        if (!list.some((t) => t.name === created.name)) {
          patch({ list: [...list, created].sort((a, b) => a.name.localeCompare(b.name)) });
        }
        return null;
      } catch (err) {
        return asPayload(err);
      }
    },
    deleteTopic: async (name) => {
      try {
        await get().api.call('topics.delete', { name, confirm: name });
        patch({ list: get().topics.list.filter((t) => t.name !== name) });
        return null;
      } catch (err) {
        return asPayload(err);
      }
    },
  };
};

/** The list as shown: filtered by name, case-insensitively. */
export function visibleTopics(t: TopicsState): TopicSummary[] {
  const needle = t.filter.trim().toLowerCase();
  return needle ? t.list.filter((x) => x.name.toLowerCase().includes(needle)) : t.list;
}
