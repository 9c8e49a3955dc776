import { create } from 'zustand';
import { createAppSlice, type AppSlice } from './slices/app';
import { createClustersSlice, type ClustersSlice } from './slices/clusters';
import { createCollectorsSlice, type CollectorsSlice } from './slices/collectors';
import { createColumnsSlice, type ColumnsSlice } from './slices/columns';
import { createDetailSlice, type DetailSlice } from './slices/detail';
import { createFacetsSlice, type FacetsSlice } from './slices/facets';
import { createDashboardSlice, type DashboardSlice } from './slices/dashboard';
import { createGroupsSlice, type GroupsSlice } from './slices/groups';
import { createReplaySlice, type ReplaySlice } from './slices/replay';
import { createSettingsSlice, type SettingsSlice } from './slices/settings';
import { createShippingSlice, type ShippingSlice } from './slices/shipping';
import { createBrowserSlice, type BrowserSlice } from './slices/browser';
import { createSavedSearchesSlice, type SavedSearchesSlice } from './slices/saved-searches';
import { createSearchSlice, type SearchSlice } from './slices/search';
import { createSearchViewSlice, type SearchViewSlice } from './slices/search-view';
import { createStorageSlice, type StorageSlice } from './slices/storage';
import { createToastsSlice, type ToastsSlice } from './slices/toasts';
import { createTimelineSlice, type TimelineSlice } from './slices/timeline';
import { createTopicsSlice, type TopicsSlice } from './slices/topics';

/**
 * The renderer's one zustand store, composed of slices (zustand's slices pattern). Each
 * slice lives in `./slices/<name>.ts` and is a `StateCreator<AppState, [], [], Slice>`;
 * its actions are the only code that calls the API (`get().api.call(...)`). To add one:
 * import it, add its type to `AppState` and spread its creator below. Components select
 * single fields: `useAppStore((s) => s.connection)`.
 */
export type AppState = AppSlice &
  ClustersSlice &
  GroupsSlice &
  CollectorsSlice &
  ShippingSlice &
  SettingsSlice &
  ReplaySlice &
  DashboardSlice &
  TopicsSlice &
  BrowserSlice &
  DetailSlice &
  ColumnsSlice &
  FacetsSlice &
  TimelineSlice &
  SearchSlice &
  SavedSearchesSlice &
  SearchViewSlice &
  StorageSlice &
  ToastsSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createAppSlice(...a),
  ...createClustersSlice(...a),
  ...createGroupsSlice(...a),
  ...createCollectorsSlice(...a),
  ...createShippingSlice(...a),
  ...createSettingsSlice(...a),
  ...createReplaySlice(...a),
  ...createDashboardSlice(...a),
  ...createTopicsSlice(...a),
  ...createBrowserSlice(...a),
  ...createDetailSlice(...a),
  ...createColumnsSlice(...a),
  ...createFacetsSlice(...a),
  ...createTimelineSlice(...a),
  ...createSearchSlice(...a),
  ...createSavedSearchesSlice(...a),
  ...createSearchViewSlice(...a),
  ...createStorageSlice(...a),
  ...createToastsSlice(...a),
}));
