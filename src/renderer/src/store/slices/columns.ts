import type { StateCreator } from 'zustand';
import type { AppState } from '../index';

const KEY = 'logdock.columns';
/** One empty list, so that selectors return the same value while nothing is chosen. */
const NONE: string[] = [];

/**
 * The message table's field columns, per topic: what the person chose (remembered in
 * localStorage) or, until then, the most common fields of the first rows seen (not saved,
 * so that a topic whose lines change shape gets new defaults next time).
 */
export interface ColumnsSlice {
  /** Chosen field columns per topic, in order. */
  chosenColumns: Record<string, string[]>;
  /** Defaults per topic, from the first rows seen in this session. */
  defaultColumns: Record<string, string[]>;
  /** Field columns shown (true) or the raw value only (false). */
  showFields: boolean;
  /** The columns in effect for a topic. */
  columnsOf(topic: string): string[];
  /** Sets the chosen columns of a topic; null returns to the defaults. */
  setColumns(topic: string, columns: string[] | null): void;
  setDefaultColumns(topic: string, columns: string[]): void;
  setShowFields(show: boolean): void;
}

/** The saved choice, or nothing if it is missing or not what this code wrote. */
function load(): Record<string, string[]> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const out: Record<string, string[]> = {};
    for (const [topic, cols] of Object.entries(parsed))
      if (Array.isArray(cols) && cols.every((c) => typeof c === 'string'))
        out[topic] = cols.slice(0, 50);
    return out;
  } catch {
    return {};
  }
}

function save(chosen: Record<string, string[]>): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(chosen));
  } catch {
    // storage full or unavailable: the choice lasts for this session only
  }
}

export const createColumnsSlice: StateCreator<AppState, [], [], ColumnsSlice> = (set, get) => ({
  chosenColumns: typeof localStorage === 'undefined' ? {} : load(),
  defaultColumns: {},
  showFields: true,
  columnsOf: (topic) => get().chosenColumns[topic] ?? get().defaultColumns[topic] ?? NONE,
  setColumns: (topic, columns) => {
    const chosenColumns = { ...get().chosenColumns };
    if (columns === null) delete chosenColumns[topic];
    else chosenColumns[topic] = columns;
    save(chosenColumns);
    set({ chosenColumns });
  },
  setDefaultColumns: (topic, columns) =>
    set((s) => ({ defaultColumns: { ...s.defaultColumns, [topic]: columns } })),
  setShowFields: (showFields) => set({ showFields }),
});
