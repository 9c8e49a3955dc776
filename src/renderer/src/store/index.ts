import { create } from 'zustand';
import { createAppSlice, type AppSlice } from './slices/app';

/**
 * The renderer's one zustand store, composed of slices (zustand's slices pattern). Each
 * slice lives in `./slices/<name>.ts` and is a `StateCreator<AppState, [], [], Slice>`;
 * its actions are the only code that calls the API (`get().api.call(...)`). To add one:
 * import it, add its type to `AppState` and spread its creator below. Components select
 * single fields: `useAppStore((s) => s.connection)`.
 */
export type AppState = AppSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createAppSlice(...a),
}));
