import type { StateCreator } from 'zustand';
import type { SavedSearch } from '../../../../common/api/saved-search';
import type { AppState } from '../index';

const HISTORY_KEY = 'logdock.searchHistory';
const HISTORY_MAX = 15;

/**
 * Named saved searches (kept in the settings through `settings.update`, validated by the
 * main process: names, unique, the query's shape) and the recent queries typed in the
 * search box (this browser's localStorage, newest first).
 */
export interface SavedSearchesSlice {
  searchHistory: string[];
  /** Remembers a query that was run (newest first, no repeats). */
  rememberQuery(input: string): void;
  /** Saves the search shown under `name` (replacing one of that name); false on a refusal. */
  saveSearch(name: string): Promise<boolean>;
  deleteSavedSearch(name: string): Promise<boolean>;
}

const NONE: SavedSearch[] = [];

/** The saved searches (the same array until they change, as a store selector must). */
export function savedSearchesOf(s: AppState): SavedSearch[] {
  return s.settings.view?.settings.savedSearches ?? NONE;
}

function readHistory(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(v)
      ? v.filter((x): x is string => typeof x === 'string').slice(0, HISTORY_MAX)
      : [];
  } catch {
    return []; // an unreadable entry is forgotten, not fatal
  }
}

export const createSavedSearchesSlice: StateCreator<AppState, [], [], SavedSearchesSlice> = (
  set,
  get,
) => ({
  searchHistory: typeof localStorage === 'undefined' ? [] : readHistory(),

  rememberQuery: (input) => {
    const next = [input, ...get().searchHistory.filter((q) => q !== input)].slice(0, HISTORY_MAX);
    set({ searchHistory: next });
    try {
      localStorage.setItem(HISTORY_KEY, JSON.stringify(next));
    } catch {
      // storage full or off: the history lasts this session only
    }
  },

  saveSearch: async (name) => {
    const { topic, partitions } = get().browser;
    const active = get().search.active;
    if (!topic || !active) return false;
    if (!get().settings.view) await get().loadSettings();
    const range = active.range.kind === 'time' ? active.range : { kind: 'all' as const };
    const entry: SavedSearch = { name: name.trim(), topic, partitions, query: active.query, range };
    const others = savedSearchesOf(get()).filter((s) => s.name !== entry.name);
    return get().saveSettings({ savedSearches: [...others, entry] });
  },

  deleteSavedSearch: async (name) => {
    if (!get().settings.view) await get().loadSettings();
    return get().saveSettings({
      savedSearches: savedSearchesOf(get()).filter((s) => s.name !== name),
    });
  },
});
