import type { StateCreator } from 'zustand';
import type { Unsubscribe } from '../../../../common/api/contract';
import type {
  MessageRow,
  ScanProgress,
  ScanRange,
  SearchQuery,
} from '../../../../common/api/messages';
import type { ErrorPayload } from '../../../../common/errors';
import type { AppState } from '../index';
import { asPayload } from './errors';
import { columnsKeyOf, exportOf, searchOf, type HitPlace } from './view-source';

export type SearchMode = 'text' | 'regex' | 'key' | 'header' | 'filter';

export interface SearchForm {
  mode: SearchMode;
  /** The text, pattern, key, header name or filter expression, by mode. */
  input: string;
  /** For mode "header": the value the header must contain (optional). */
  headerValue: string;
  caseSensitive: boolean;
}

export interface SearchState {
  form: SearchForm;
  /** What is wrong with the form, checked by the main process as it is typed. */
  problem: { message: string; position: number | null } | null;
  running: boolean;
  progress: Omit<ScanProgress, 'type'> | null;
  hits: MessageRow[];
  done: {
    reason: 'complete' | 'limit' | 'cancelled';
    scanned: number;
    matched: number;
    elapsedMs: number;
  } | null;
  error: ErrorPayload | null;
  /**
   * The query and range of the search shown (running or finished), until it is cleared:
   * facets and the histogram count over its hits while it is set.
   */
  active: { query: SearchQuery; range: ScanRange } | null;
}

export interface ExportState {
  running: boolean;
  progress: (Omit<ScanProgress, 'type'> & { writtenBytes: number }) | null;
  result: { path: string; fileName: string; written: number; writtenBytes: number } | null;
  /** Where the browser downloads the finished file; null where downloads are not offered. */
  downloadUrl: string | null;
  error: ErrorPayload | null;
}

export interface SearchSlice {
  search: SearchState;
  exportJob: ExportState;
  setSearchForm(form: Partial<SearchForm>): void;
  /** Asks the main process whether the form's query is valid; sets `problem`. */
  checkSearch(): Promise<void>;
  /** Starts a search over `range` of the open view (cancelling any running one): a topic's partitions, or a timeline's topics. */
  startSearch(range: ScanRange, maxResults?: number): void;
  /** Goes on with a search stopped at its limit, after its last hit (scrolling down the hits). */
  moreHits(): void;
  cancelSearch(): void;
  clearSearch(): void;
  startExport(params: {
    range: ScanRange;
    format: 'jsonl' | 'csv';
    query?: SearchQuery;
    fileName?: string;
  }): void;
  cancelExport(): void;
  /** Opens the system's file manager on the finished export (where the backend offers it). */
  showExportInFolder(): Promise<void>;
}

/** The form as a contract query, or null when it is empty. */
export function queryOf(form: SearchForm): SearchQuery | null {
  const input = form.input;
  if (input.trim() === '') return null;
  const base = { caseSensitive: form.caseSensitive };
  switch (form.mode) {
    case 'text':
      return { ...base, text: input };
    case 'regex':
      return { ...base, regex: input };
    case 'key':
      return { ...base, key: input };
    case 'header':
      return {
        ...base,
        header: { key: input.trim(), ...(form.headerValue ? { value: form.headerValue } : {}) },
      };
    case 'filter':
      return { ...base, filter: input };
  }
}

/** Hits asked for at a time: the search stops there and goes on as the person scrolls. */
export const MAX_HITS = 1000;
/** Hits kept in the renderer at most (previews of 300 bytes: ~20 MB). */
export const MAX_KEPT_HITS = 50_000;

export const createSearchSlice: StateCreator<AppState, [], [], SearchSlice> = (set, get) => {
  let stopSearch: Unsubscribe | null = null;
  /** Identifies the running search, so that events of a replaced one are ignored. */
  let current: object | null = null;
  let stopExport: Unsubscribe | null = null;
  let currentExport: object | null = null;
  /** The export started last, running or not (currentExport is cleared when it ends). */
  let lastExport: object | null = null;
  let checkSeq = 0;
  const patch = (p: Partial<SearchState>) => set((s) => ({ search: { ...s.search, ...p } }));
  const patchExport = (p: Partial<ExportState>) =>
    set((s) => ({ exportJob: { ...s.exportJob, ...p } }));

  /**
   * Asks for the download link of a finished export when the backend offers downloads
   * (system.info's capabilities); `job` is the export it belongs to, so that the link of a
   * replaced export never lands on a newer one.
   */
  const linkExport = async (fileName: string, job: object) => {
    if (!get().systemInfo) await get().loadSystemInfo();
    if (!get().systemInfo?.capabilities.downloadExports) return;
    try {
      const { url } = await get().api.call('messages.exportDownload', { fileName });
      if (get().exportJob.result?.fileName === fileName && lastExport === job)
        patchExport({ downloadUrl: url });
    } catch (err) {
      if (lastExport === job) patchExport({ error: asPayload(err) });
    }
  };

  /**
   * Runs the search (or goes on after hit `after`), appending to `kept`; a scan resumed
   * after a hit counts what it scans on top of what the earlier ones scanned.
   */
  const run = (
    active: NonNullable<SearchState['active']>,
    maxResults: number,
    kept: MessageRow[],
    after?: HitPlace,
  ) => {
    const view = get().browser;
    if (columnsKeyOf(view) === null) return;
    const before = after ? (get().search.progress ?? null) : null;
    const base = { scanned: before?.scanned ?? 0, elapsedMs: before?.elapsedMs ?? 0 };
    let hits = kept;
    const token = {};
    current = token;
    stopSearch = searchOf(
      get().api,
      view,
      {
        range: active.range,
        query: active.query,
        maxResults,
        previewBytes: 300,
        ...(after ? { after } : {}),
      },
      (e) => {
        if (current !== token) return; // a newer search replaced this one
        if (e.type === 'hits') {
          hits = hits.concat(e.hits).slice(0, MAX_KEPT_HITS);
          patch({ hits });
        } else if (e.type === 'progress') {
          const { type: _t, ...p } = e;
          const progress = {
            ...p,
            scanned: p.scanned + base.scanned,
            total: p.total + base.scanned,
            elapsedMs: p.elapsedMs + base.elapsedMs,
          };
          // A scan reports 0 scanned only when it starts: after a reconnect the transport
          // re-subscribes and the main process starts over, so earlier hits would repeat.
          if (e.scanned === 0) hits = kept;
          patch(e.scanned === 0 ? { progress, hits } : { progress });
        } else if (e.type === 'done') {
          current = null;
          patch({
            running: false,
            done: {
              reason: e.reason,
              scanned: e.scanned + base.scanned,
              matched: hits.length,
              elapsedMs: e.elapsedMs + base.elapsedMs,
            },
          });
        } else {
          current = null;
          patch({
            running: false,
            error: { code: e.code as ErrorPayload['code'], message: e.message },
          });
        }
      },
      (error) => {
        if (current !== token) return;
        current = null;
        patch({ running: false, error: asPayload(error) });
      },
    );
  };

  return {
    search: {
      form: { mode: 'text', input: '', headerValue: '', caseSensitive: false },
      problem: null,
      running: false,
      progress: null,
      hits: [],
      done: null,
      error: null,
      active: null,
    },
    exportJob: { running: false, progress: null, result: null, downloadUrl: null, error: null },

    setSearchForm: (form) => patch({ form: { ...get().search.form, ...form } }),

    checkSearch: async () => {
      const query = queryOf(get().search.form);
      const seq = ++checkSeq;
      if (!query) return patch({ problem: null });
      try {
        const { error } = await get().api.call('messages.checkQuery', { query });
        if (seq === checkSeq)
          patch({ problem: error ? { message: error.message, position: error.position } : null });
      } catch (err) {
        if (seq === checkSeq)
          patch({ problem: { message: asPayload(err).message, position: null } });
      }
    },

    startSearch: (range, maxResults = MAX_HITS) => {
      get().cancelSearch();
      const query = queryOf(get().search.form);
      if (columnsKeyOf(get().browser) === null || !query) return;
      patch({
        running: true,
        progress: null,
        hits: [],
        done: null,
        error: null,
        active: { query, range },
      });
      set((st) => ({
        searchView: {
          show: 'hits',
          context: null,
          hitsScrollTop: 0,
          selectedHit: null,
          revealSeq: st.searchView.revealSeq,
        },
      }));
      get().rememberQuery(get().search.form.input);
      run({ query, range }, maxResults, []);
    },

    moreHits: () => {
      const s = get().search;
      const last = s.hits[s.hits.length - 1];
      if (s.running || !s.active || s.done?.reason !== 'limit' || !last) return;
      if (s.hits.length >= MAX_KEPT_HITS) return;
      patch({ running: true, done: null, error: null });
      run(s.active, MAX_HITS, s.hits, {
        topic: last.topic,
        partition: last.partition,
        offset: last.offset,
      });
    },

    cancelSearch: () => {
      stopSearch?.();
      stopSearch = null;
      if (current === null) return;
      current = null;
      const s = get().search;
      patch({
        running: false,
        done: {
          reason: 'cancelled',
          scanned: s.progress?.scanned ?? 0,
          matched: s.hits.length,
          elapsedMs: s.progress?.elapsedMs ?? 0,
        },
      });
    },

    clearSearch: () => {
      get().cancelSearch();
      patch({ hits: [], progress: null, done: null, error: null, active: null });
    },

    startExport: ({ range, format, query, fileName }) => {
      get().cancelExport();
      const view = get().browser;
      if (columnsKeyOf(view) === null) return;
      patchExport({ running: true, progress: null, result: null, downloadUrl: null, error: null });
      const token = {};
      currentExport = token;
      lastExport = token;
      stopExport = exportOf(
        get().api,
        view,
        { range, format, ...(query ? { query } : {}), ...(fileName ? { fileName } : {}) },
        (e) => {
          if (currentExport !== token) return;
          if (e.type === 'progress') {
            const { type: _t, ...progress } = e;
            patchExport({ progress });
          } else if (e.type === 'done') {
            currentExport = null;
            patchExport({
              running: false,
              result: {
                path: e.path,
                fileName: e.fileName,
                written: e.written,
                writtenBytes: e.writtenBytes,
              },
            });
            void linkExport(e.fileName, token);
          } else {
            currentExport = null;
            patchExport({
              running: false,
              error: { code: e.code as ErrorPayload['code'], message: e.message },
            });
          }
        },
        (error) => {
          if (currentExport !== token) return;
          currentExport = null;
          patchExport({ running: false, error: asPayload(error) });
        },
      );
    },

    showExportInFolder: async () => {
      const fileName = get().exportJob.result?.fileName;
      if (!fileName) return;
      try {
        await get().api.call('messages.exportShow', { fileName });
      } catch (err) {
        patchExport({ error: asPayload(err) });
      }
    },

    cancelExport: () => {
      stopExport?.();
      stopExport = null;
      if (currentExport === null) return;
      currentExport = null;
      patchExport({
        running: false,
        error: { code: 'CANCELLED', message: 'export cancelled; the partial file was removed' },
      });
    },
  };
};
