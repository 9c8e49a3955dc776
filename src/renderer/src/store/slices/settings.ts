import type { StateCreator } from 'zustand';
import type { SettingsPatch, SettingsView } from '../../../../common/api/settings';
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

/** Application settings: load, save a partial change, apply the theme at once. */
export interface SettingsSlice {
  settings: SettingsState;
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
  return {
    settings: { view: null, error: null, saving: false, savedAt: null },
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
