import { memo, useEffect, useState, type FormEvent, type RefObject } from 'react';
import type { ScanRange } from '../../../../common/api/messages';
import { useAppStore } from '../../store';
import { SaveSearch } from './SaveSearch';
import type { SearchMode } from '../../store/slices/search';
import { formatCount, parseTimeInput, TIME_INPUT_HELP } from '../Topics/format';

const PLACEHOLDERS: Record<SearchMode, string> = {
  text: 'text in the value or key',
  regex: 'regular expression, e.g. timeout|refused',
  key: 'text in the key',
  header: 'header name',
  filter: 'level == "ERROR" && latency_ms > 200',
};

type RangeKind = 'all' | 'offsets' | 'time';

/**
 * Search over the open view's partitions (or a timeline's topics), run by the main process: the hits stream into the
 * message table (SearchTable) while a progress bar shows messages scanned, rate and time
 * left; Cancel stops it.
 */
export const SearchPanel = memo(function SearchPanel({
  inputRef,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
}) {
  const search = useAppStore((s) => s.search);
  const setForm = useAppStore((s) => s.setSearchForm);
  const checkSearch = useAppStore((s) => s.checkSearch);
  const startSearch = useAppStore((s) => s.startSearch);
  const cancelSearch = useAppStore((s) => s.cancelSearch);
  /** Recent queries, offered as the search box's suggestions. */
  const history = useAppStore((s) => s.searchHistory);
  /** A timeline: every topic is searched; offsets belong to one partition, so no offset range. */
  const timeline = useAppStore((s) => s.browser.topics !== null);
  const [rangeKind, setRangeKind] = useState<RangeKind>('all');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [rangeError, setRangeError] = useState<string | null>(null);
  const { form } = search;

  // Check the query with the main process shortly after typing stops.
  useEffect(() => {
    const t = setTimeout(() => void checkSearch(), 250);
    return () => clearTimeout(t);
  }, [form.input, form.mode, form.caseSensitive, checkSearch]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const range = parseRange(rangeKind, from, to);
    if (typeof range === 'string') return setRangeError(range);
    setRangeError(null);
    if (form.input.trim() === '' || search.problem) return;
    startSearch(range);
  };

  const p = search.progress;
  const percent = p && p.total > 0 ? Math.min(100, (p.scanned / p.total) * 100) : 0;
  return (
    <section className="search-panel" data-testid="search-panel">
      <form onSubmit={submit} className="search-form">
        <select
          value={form.mode}
          onChange={(e) => setForm({ mode: e.target.value as SearchMode })}
          aria-label="Search by"
          data-testid="search-mode"
        >
          <option value="text">Text</option>
          <option value="regex">Regex</option>
          <option value="key">Key</option>
          <option value="header">Header</option>
          <option value="filter">JSON filter</option>
        </select>
        <input
          ref={inputRef}
          className="search-input mono"
          value={form.input}
          onChange={(e) => setForm({ input: e.target.value })}
          placeholder={PLACEHOLDERS[form.mode]}
          aria-label="Search (/)"
          aria-invalid={!!search.problem}
          data-testid="search-input"
          list="search-history"
        />
        <datalist id="search-history">
          {history.map((q) => (
            <option key={q} value={q} />
          ))}
        </datalist>
        {form.mode === 'header' && (
          <input
            value={form.headerValue}
            onChange={(e) => setForm({ headerValue: e.target.value })}
            placeholder="value contains (optional)"
            aria-label="Header value"
          />
        )}
        <label>
          <input
            type="checkbox"
            checked={form.caseSensitive}
            onChange={(e) => setForm({ caseSensitive: e.target.checked })}
          />{' '}
          Match case
        </label>
        <select
          value={rangeKind}
          onChange={(e) => setRangeKind(e.target.value as RangeKind)}
          aria-label="Range"
          data-testid="search-range"
        >
          <option value="all">{timeline ? 'All topics' : 'Whole topic'}</option>
          {!timeline && <option value="offsets">Offsets</option>}
          <option value="time">Time window</option>
        </select>
        {rangeKind !== 'all' && (
          <>
            <input
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              placeholder={rangeKind === 'time' ? 'from 2026-05-01 10:00' : 'from offset'}
              aria-label="Range start"
              size={16}
              data-testid="search-from"
            />
            <input
              value={to}
              onChange={(e) => setTo(e.target.value)}
              placeholder={rangeKind === 'time' ? 'to (empty = now)' : 'to offset (empty = end)'}
              aria-label="Range end"
              size={16}
              data-testid="search-to"
            />
          </>
        )}
        {search.running ? (
          <button type="button" onClick={cancelSearch} data-testid="search-cancel">
            Cancel
          </button>
        ) : (
          <button
            type="submit"
            disabled={form.input.trim() === '' || !!search.problem}
            data-testid="search-go"
          >
            Search
          </button>
        )}
      </form>
      {search.problem && (
        <p className="inline-error" role="alert" data-testid="search-problem">
          {search.problem.message}
          {form.mode === 'filter' &&
            ' — fields: name, a.b, a[0]; $key $value $offset $partition $timestamp $headers.x; operators == != > >= < <= =~ contains && || !'}
        </p>
      )}
      {rangeError && (
        <p className="inline-error" role="alert" data-testid="search-range-error">
          {rangeError}
        </p>
      )}
      {search.error && (
        <p className="inline-error" role="alert" data-testid="search-error">
          {search.error.message}
        </p>
      )}
      {(search.running || p) && p && (
        <div className="search-progress" data-testid="search-progress">
          <progress value={percent} max={100} />
          <span>
            {formatCount(p.scanned)} of {formatCount(p.total)} scanned ·{' '}
            {formatCount(Math.round(p.rate))}/s
            {search.running && p.etaMs !== null
              ? ` · ${Math.ceil(p.etaMs / 1000)} s left`
              : ''} · {formatCount(search.hits.length)} found
          </span>
        </div>
      )}
      {!timeline && <SaveSearch />}
      {search.done && (
        <p className="muted" data-testid="search-done">
          {search.done.reason === 'limit'
            ? `Showing the first ${formatCount(search.hits.length)} matches; scrolling down the table finds more.`
            : search.done.reason === 'cancelled'
              ? 'Search cancelled.'
              : `Done: ${formatCount(search.done.matched)} found in ${formatCount(search.done.scanned)} messages, ${(search.done.elapsedMs / 1000).toFixed(1)} s.`}
        </p>
      )}
    </section>
  );
});

/** The range fields as a contract range, or what is wrong with them. */
export function parseRange(kind: RangeKind, from: string, to: string): ScanRange | string {
  if (kind === 'all') return { kind: 'all' };
  if (kind === 'offsets') {
    const f = from.trim() === '' ? 0 : Number(from);
    const t = to.trim() === '' ? null : Number(to);
    if (!Number.isSafeInteger(f) || f < 0)
      return `start offset “${from}” is not a whole number of 0 or more`;
    if (t !== null && (!Number.isSafeInteger(t) || t < 0))
      return `end offset “${to}” is not a whole number of 0 or more`;
    if (t !== null && t < f) return `the end offset ${t} is before the start offset ${f}`;
    return { kind: 'offsets', from: f, to: t };
  }
  const f = parseTimeInput(from);
  if (f === null) return `start “${from}” is not a date and time; ${TIME_INPUT_HELP}`;
  const t = to.trim() === '' ? null : parseTimeInput(to);
  if (to.trim() !== '' && t === null)
    return `end “${to}” is not a date and time; ${TIME_INPUT_HELP}`;
  if (t !== null && t < f) return 'the end time is before the start time';
  return { kind: 'time', from: f, to: t };
}
