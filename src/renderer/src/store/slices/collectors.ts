import type { StateCreator } from 'zustand';
import type { ResultOf } from '../../../../common/api/contract';
import type { Source } from '../../../../common/api/collectors';
import type { ErrorPayload } from '../../../../common/errors';
import type { SourceConfigInput } from '../../../../common/collectors/config';
import { errorOf } from '../../views/ops-common/errors';
import type { AppState } from '../index';

export type Preview = ResultOf<'collectors.preview'>;

export interface CollectorsState {
  sources: Source[];
  loaded: boolean;
  error: ErrorPayload | null;
  preview: Preview | null;
  previewError: ErrorPayload | null;
  /** Error of the last add/update, shown in the form. */
  formError: ErrorPayload | null;
}

/**
 * Collector sources: live status (through the `collectors.status` subscription, falling back
 * to `collectors.list`), add/edit with preview, pause/resume/remove.
 */
export interface CollectorsSlice {
  collectors: CollectorsState;
  loadSources(): Promise<void>;
  /** Follows live status; returns the unsubscribe function. */
  watchSources(): () => void;
  /** Adds (no `id` given) or updates source `id`; resolves true on success. */
  saveSource(config: SourceConfigInput, id?: string): Promise<boolean>;
  previewSource(config: SourceConfigInput): Promise<void>;
  clearPreview(): void;
  sourceAction(action: 'pause' | 'resume' | 'remove', id: string): Promise<void>;
}

export const createCollectorsSlice: StateCreator<AppState, [], [], CollectorsSlice> = (
  set,
  get,
) => {
  const patch = (p: Partial<CollectorsState>) =>
    set((s) => ({ collectors: { ...s.collectors, ...p } }));
  return {
    collectors: {
      sources: [],
      loaded: false,
      error: null,
      preview: null,
      previewError: null,
      formError: null,
    },
    loadSources: async () => {
      try {
        patch({ sources: await get().api.call('collectors.list', {}), loaded: true, error: null });
      } catch (err) {
        patch({ error: errorOf(err), loaded: true });
      }
    },
    watchSources: () =>
      get().api.subscribe(
        'collectors.status',
        {},
        (sources) => patch({ sources, loaded: true, error: null }),
        (error) => patch({ error: errorOf(error), loaded: true }),
      ),
    saveSource: async (config, id) => {
      patch({ formError: null });
      try {
        if (id === undefined) await get().api.call('collectors.add', { config });
        else await get().api.call('collectors.update', { id, config });
        await get().loadSources();
        return true;
      } catch (err) {
        patch({ formError: errorOf(err) });
        return false;
      }
    },
    previewSource: async (config) => {
      try {
        patch({
          preview: await get().api.call('collectors.preview', { config }),
          previewError: null,
        });
      } catch (err) {
        patch({ preview: null, previewError: errorOf(err) });
      }
    },
    clearPreview: () => patch({ preview: null, previewError: null }),
    sourceAction: async (action, id) => {
      try {
        await get().api.call(`collectors.${action}`, { id });
        await get().loadSources();
      } catch (err) {
        patch({ error: errorOf(err) });
      }
    },
  };
};
