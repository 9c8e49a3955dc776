import { useState, type FormEvent } from 'react';
import type { ScanRange } from '../../../../common/api/messages';
import { useAppStore } from '../../store';
import { queryOf } from '../../store/slices/search';
import { formatBytes, formatCount } from '../Topics/format';
import { parseRange } from './SearchPanel';

type What = 'all' | 'offsets' | 'time' | 'selected';

/** Export the selected message or a range (optionally only search matches) to JSONL or CSV. */
export function ExportDialog({ onClose }: { onClose: () => void }) {
  const job = useAppStore((s) => s.exportJob);
  const startExport = useAppStore((s) => s.startExport);
  const cancelExport = useAppStore((s) => s.cancelExport);
  const showExportInFolder = useAppStore((s) => s.showExportInFolder);
  const canShowInFolder = useAppStore(
    (s) => s.systemInfo?.capabilities.showExportInFolder ?? false,
  );
  const selectedIndex = useAppStore((s) => s.browser.selected);
  const rowAt = useAppStore((s) => s.rowAt);
  const form = useAppStore((s) => s.search.form);
  const [format, setFormat] = useState<'jsonl' | 'csv'>('jsonl');
  const [what, setWhat] = useState<What>('all');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [onlyMatches, setOnlyMatches] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const query = queryOf(form);
  const selected = selectedIndex === null ? undefined : rowAt(selectedIndex);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    let range: ScanRange | string;
    if (what === 'selected') {
      range = selected
        ? { kind: 'selection', items: [{ partition: selected.partition, offset: selected.offset }] }
        : 'select a message first';
    } else range = parseRange(what, from, to);
    if (typeof range === 'string') return setError(range);
    setError(null);
    startExport({ range, format, ...(onlyMatches && query ? { query } : {}) });
  };

  const p = job.progress;
  return (
    <form
      className="dialog export-dialog"
      onSubmit={submit}
      data-testid="export-dialog"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <h2>Export messages</h2>
      <label>
        Format{' '}
        <select
          value={format}
          onChange={(e) => setFormat(e.target.value as 'jsonl' | 'csv')}
          data-testid="export-format"
        >
          <option value="jsonl">JSON Lines</option>
          <option value="csv">CSV</option>
        </select>
      </label>
      <label>
        What{' '}
        <select
          value={what}
          onChange={(e) => setWhat(e.target.value as What)}
          data-testid="export-what"
        >
          <option value="all">Whole view</option>
          <option value="offsets">Offset range</option>
          <option value="time">Time window</option>
          <option value="selected">Selected message</option>
        </select>
      </label>
      {(what === 'offsets' || what === 'time') && (
        <>
          <input
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            placeholder="from"
            aria-label="Export range start"
          />
          <input
            value={to}
            onChange={(e) => setTo(e.target.value)}
            placeholder="to (empty = end)"
            aria-label="Export range end"
          />
        </>
      )}
      <label>
        <input
          type="checkbox"
          checked={onlyMatches}
          disabled={!query}
          onChange={(e) => setOnlyMatches(e.target.checked)}
        />{' '}
        Only messages matching the search
      </label>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      {job.running && p && (
        <p data-testid="export-progress">
          <progress value={p.total ? p.scanned : 0} max={Math.max(1, p.total)} />{' '}
          {formatCount(p.matched)} written, {formatBytes(p.writtenBytes)}
        </p>
      )}
      {job.result && (
        <p data-testid="export-result">
          Wrote {formatCount(job.result.written)} messages ({formatBytes(job.result.writtenBytes)})
          to <code>{job.result.path}</code>
        </p>
      )}
      {job.result && (job.downloadUrl || canShowInFolder) && (
        <p className="export-actions">
          {job.downloadUrl && (
            <a href={job.downloadUrl} download={job.result.fileName} data-testid="export-download">
              Download {job.result.fileName}
            </a>
          )}
          {canShowInFolder && (
            <button
              type="button"
              onClick={() => void showExportInFolder()}
              data-testid="export-show-in-folder"
            >
              Show in folder
            </button>
          )}
        </p>
      )}
      {job.error && (
        <p className="inline-error" role="alert" data-testid="export-error">
          {job.error.message}
        </p>
      )}
      {job.running ? (
        <button type="button" onClick={cancelExport}>
          Cancel export
        </button>
      ) : (
        <button type="submit" data-testid="export-start">
          Export
        </button>
      )}
      <button type="button" onClick={onClose}>
        Close
      </button>
    </form>
  );
}
