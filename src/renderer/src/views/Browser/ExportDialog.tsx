import { Download, FolderOpen } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import type { ScanRange } from '../../../../common/api/messages';
import { Button } from '../../components/ui/Button';
import { Dialog } from '../../components/ui/Dialog';
import { useAppStore } from '../../store';
import { queryOf } from '../../store/slices/search';
import { formatBytes, formatCount } from '../Topics/format';
import { parseRange } from './SearchPanel';

type What = 'all' | 'offsets' | 'time' | 'selected';

/**
 * Export the selected message or a range (optionally only search matches) of the open view,
 * a topic's or a timeline's (merged by time, each record naming its topic), to JSONL or CSV.
 */
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
  /** A timeline: offsets and a selection belong to one topic's partition, so only all or a time window. */
  const timeline = useAppStore((s) => s.browser.topics !== null);
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
    <Dialog title="Export messages" onClose={onClose} testId="export-dialog">
      <form className="dialog-form" onSubmit={submit}>
        <label>
          <span>Format</span>
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
          <span>What</span>
          <select
            value={what}
            onChange={(e) => setWhat(e.target.value as What)}
            data-testid="export-what"
          >
            <option value="all">Whole view</option>
            {!timeline && <option value="offsets">Offset range</option>}
            <option value="time">Time window</option>
            {!timeline && <option value="selected">Selected message</option>}
          </select>
        </label>
        {(what === 'offsets' || what === 'time') && (
          <>
            <label>
              <span>From</span>
              <input
                value={from}
                onChange={(e) => setFrom(e.target.value)}
                placeholder={what === 'time' ? '2026-05-01 10:00' : 'offset'}
                aria-label="Export range start"
                data-testid="export-from"
              />
            </label>
            <label>
              <span>To</span>
              <input
                value={to}
                onChange={(e) => setTo(e.target.value)}
                placeholder="empty = end"
                aria-label="Export range end"
                data-testid="export-to"
              />
            </label>
          </>
        )}
        <label className="wide check">
          <input
            type="checkbox"
            checked={onlyMatches}
            disabled={!query}
            onChange={(e) => setOnlyMatches(e.target.checked)}
            data-testid="export-only-matches"
          />
          Only messages matching the search
        </label>
        {error && (
          <p className="inline-error wide" role="alert" data-testid="export-range-error">
            {error}
          </p>
        )}
        {job.running && p && (
          <p className="wide" data-testid="export-progress">
            <progress value={p.total ? p.scanned : 0} max={Math.max(1, p.total)} />{' '}
            {formatCount(p.matched)} written, {formatBytes(p.writtenBytes)}
          </p>
        )}
        {job.result && (
          <p className="wide" data-testid="export-result">
            Wrote {formatCount(job.result.written)} messages ({formatBytes(job.result.writtenBytes)}
            ) to <code>{job.result.path}</code>
          </p>
        )}
        {job.result && (job.downloadUrl || canShowInFolder) && (
          <p className="export-actions wide">
            {job.downloadUrl && (
              <a
                href={job.downloadUrl}
                download={job.result.fileName}
                data-testid="export-download"
              >
                Download {job.result.fileName}
              </a>
            )}
            {canShowInFolder && (
              <Button
                size="sm"
                icon={FolderOpen}
                onClick={() => void showExportInFolder()}
                data-testid="export-show-in-folder"
              >
                Show in folder
              </Button>
            )}
          </p>
        )}
        {job.error && (
          <p className="inline-error wide" role="alert" data-testid="export-error">
            {job.error.message}
          </p>
        )}
        <div className="dialog-actions wide">
          <Button onClick={onClose}>Close</Button>
          {job.running ? (
            <Button variant="danger" onClick={cancelExport} data-testid="export-cancel">
              Cancel export
            </Button>
          ) : (
            <Button type="submit" variant="primary" icon={Download} data-testid="export-start">
              Export
            </Button>
          )}
        </div>
      </form>
    </Dialog>
  );
}
