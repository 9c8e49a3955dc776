import type { StateCreator } from 'zustand';
import type { ParamsOf, ResultOf } from '../../../../common/api/contract';
import type { SettingsPatch, SettingsView } from '../../../../common/api/settings';
import type { TopicSettingsView } from '../../../../common/api/topic-settings';
import type { ErrorPayload } from '../../../../common/errors';
import { applyTheme } from '../../theme';
import { errorOf } from '../../views/ops-common/errors';
import type { AppState } from '../index';

export interface SettingsState {
  view: SettingsView | null;
  error: ErrorPayload | null;
  saving: boolean;
  /** Set after a successful save, for the "Saved" notice. */
  savedAt: number | null;
}

export type TopicSegments = ResultOf<'topicSettings.segments'>;
export type TopicSettingsChange = Omit<ParamsOf<'topicSettings.update'>, 'topic'>;

export interface TopicSettingsState {
  topic: string | null;
  settings: TopicSettingsView | null;
  segments: TopicSegments | null;
  /**
   * Why there are no segments to show: they live on the brokers of a remote cluster (the
   * API's UNSUPPORTED message); the rest of the view works there all the same.
   */
  segmentsLocalOnly: string | null;
  error: ErrorPayload | null;
  savedAt: number | null;
}

/**
 * Application settings (load, save a partial change, apply the theme at once) and the
 * settings of one topic (retention, cleanup, segment size, partitions, segments on disk).
 */
export interface SettingsSlice {
  settings: SettingsState;
  topicSettings: TopicSettingsState;
  loadTopicSettings(topic: string): Promise<void>;
  /** Applies a change to the shown topic; resolves true on success. */
  saveTopicSettings(topic: string, change: TopicSettingsChange): Promise<boolean>;
  loadSettings(): Promise<void>;
  /** Saves `patch`; resolves true on success (errors land in `settings.error`). */
  saveSettings(patch: SettingsPatch): Promise<boolean>;
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set, get) => {
  const patchState = (p: Partial<SettingsState>) =>
    set((s) => ({ settings: { ...s.settings, ...p } }));
  const show = (view: SettingsView) => {
    patchState({ view, error: null });
    applyTheme(view.settings.theme);
  };
  const patchTopic = (p: Partial<TopicSettingsState>) =>
    set((s) => ({ topicSettings: { ...s.topicSettings, ...p } }));
  /** Segments, or why a cluster whose segments live on its brokers has none to show. */
  const loadSegments = async (
    topic: string,
  ): Promise<Pick<TopicSettingsState, 'segments' | 'segmentsLocalOnly'>> => {
    try {
      const segments = await get().api.call('topicSettings.segments', { topic });
      return { segments, segmentsLocalOnly: null };
    } catch (err) {
      const error = errorOf(err);
      if (error.code !== 'UNSUPPORTED') throw err;
      return { segments: null, segmentsLocalOnly: error.message };
    }
  };
  const noTopic = { settings: null, segments: null, segmentsLocalOnly: null, error: null };
  return {
    settings: { view: null, error: null, saving: false, savedAt: null },
    topicSettings: { topic: null, ...noTopic, savedAt: null },
    loadTopicSettings: async (topic) => {
      if (get().topicSettings.topic !== topic) patchTopic({ topic, ...noTopic, savedAt: null });
      try {
        const [settings, segments] = await Promise.all([
          get().api.call('topicSettings.get', { topic }),
          loadSegments(topic),
        ]);
        if (get().topicSettings.topic === topic) patchTopic({ settings, ...segments, error: null });
      } catch (err) {
        patchTopic({ error: errorOf(err) });
      }
    },
    saveTopicSettings: async (topic, change) => {
      patchTopic({ savedAt: null, error: null });
      try {
        const settings = await get().api.call('topicSettings.update', { topic, ...change });
        patchTopic({ settings, ...(await loadSegments(topic)), savedAt: Date.now() });
        return true;
      } catch (err) {
        patchTopic({ error: errorOf(err) });
        return false;
      }
    },
    loadSettings: async () => {
      try {
        show(await get().api.call('settings.get', {}));
      } catch (err) {
        patchState({ error: errorOf(err) });
      }
    },
    saveSettings: async (patch) => {
      patchState({ saving: true, error: null, savedAt: null });
      try {
        show(await get().api.call('settings.update', { patch }));
        patchState({ savedAt: Date.now() });
        return true;
      } catch (err) {
        patchState({ error: errorOf(err) });
        return false;
      } finally {
        patchState({ saving: false });
      }
    },
  };
};
