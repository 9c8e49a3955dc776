import type { StateCreator } from 'zustand';
import type { StorageHealth } from '../../../../common/api/system';
import type { AppState } from '../index';

/**
 * The data directory's storage health (`system.storage`): corrupt batches found by readers or
 * the background scrub, and a full disk refusing writes. Shown as a banner in the frame.
 */
export interface StorageSlice {
  storageHealth: StorageHealth | null;
  /** Follows the storage health; returns the unsubscribe function. */
  watchStorageHealth(): () => void;
}

export const createStorageSlice: StateCreator<AppState, [], [], StorageSlice> = (set, get) => ({
  storageHealth: null,
  watchStorageHealth: () =>
    get().api.subscribe('system.storage', {}, (health) => set({ storageHealth: health })),
});
