import type { StateCreator } from 'zustand';
import type { Facet } from '../../../../common/api/aggregate';
import type { Unsubscribe } from '../../../../common/api/contract';
import type { ScanProgress } from '../../../../common/api/messages';
import type { AppState } from '../index';
import { asPayload } from './errors';

export interface FacetState {
  field: string;
  /** What is counted: every message of the view, or the hits of the search shown. */
  over: 'view' | 'search';
  running: boolean;
  progress: Omit<ScanProgress, 'type'> | null;
  /** The counts so far (while running) or final. */
  result: (Facet & { matched: number; truncated: boolean }) | null;
  error: string | null;
}

/**
 * The top values of a field over the open view or the active search, counted by the main
 * process (`messages.aggregate`) over every message, not only the rows loaded in the table.
 */
export interface FacetsSlice {
  facet: FacetState | null;
  /** Counts `field` over the view, or over the search's hits when a search is active. */
  openFacet(field: string): void;
  cancelFacet(): void;
  closeFacet(): void;
}

export const createFacetsSlice: StateCreator<AppState, [], [], FacetsSlice> = (set, get) => {
  let stop: Unsubscribe | null = null;
  let current: object | null = null;
  const patch = (p: Partial<FacetState>) =>
    set((s) => (s.facet ? { facet: { ...s.facet, ...p } } : {}));

  return {
    facet: null,

    openFacet: (field) => {
      get().cancelFacet();
      const { topic, partitions } = get().browser;
      if (!topic) return;
      const active = get().search.active;
      const token = {};
      current = token;
      set({
        facet: {
          field,
          over: active ? 'search' : 'view',
          running: true,
          progress: null,
          result: null,
          error: null,
        },
      });
      stop = get().api.subscribe(
        'messages.aggregate',
        {
          topic,
          partitions,
          field,
          ...(active ? { query: active.query, range: active.range } : {}),
        },
        (e) => {
          if (current !== token) return;
          if (e.type === 'progress') {
            const { type: _t, ...progress } = e;
            patch({ progress });
          } else if (e.type === 'result') {
            if (e.final) current = null;
            if (e.facet)
              patch({
                running: !e.final,
                result: { ...e.facet, matched: e.matched, truncated: e.truncated },
              });
          } else {
            current = null;
            patch({ running: false, error: e.message });
          }
        },
        (err) => {
          if (current !== token) return;
          current = null;
          patch({ running: false, error: asPayload(err).message });
        },
      );
    },

    cancelFacet: () => {
      stop?.();
      stop = null;
      if (current === null) return;
      current = null;
      patch({ running: false });
    },

    closeFacet: () => {
      get().cancelFacet();
      set({ facet: null });
    },
  };
};
