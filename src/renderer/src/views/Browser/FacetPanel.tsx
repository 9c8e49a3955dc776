import { X } from 'lucide-react';
import { useEffect } from 'react';
import { Button, IconButton } from '../../components/ui/Button';
import { useAppStore } from '../../store';
import { formatCount } from '../Topics/format';
import { fieldLabel } from './fields';

const TOP = 10;

/**
 * The top values of one field with counts, counted by the main process over every message
 * of the view, or over the hits of the search shown (`store/slices/facets.ts`); a click on
 * a value searches the view for it (a filter on a JSON field, the `key=value` text in logfmt).
 */
export function FacetPanel({ field, onClose }: { field: string; onClose: () => void }) {
  const facet = useAppStore((s) => s.facet);
  const openFacet = useAppStore((s) => s.openFacet);
  const cancelFacet = useAppStore((s) => s.cancelFacet);
  const closeFacet = useAppStore((s) => s.closeFacet);
  const active = useAppStore((s) => s.search.active);
  const setSearchForm = useAppStore((s) => s.setSearchForm);
  const startSearch = useAppStore((s) => s.startSearch);
  const loadedRows = useAppStore((s) => s.loadedRows);

  // Counted again when the field or the search it counts over changes.
  useEffect(() => {
    openFacet(field);
  }, [field, active, openFacet]);
  useEffect(() => () => closeFacet(), [closeFacet]);

  const result = facet?.field === field ? facet.result : null;
  const values = result?.values.slice(0, TOP) ?? [];
  const max = Math.max(1, ...values.map((v) => v.count));
  const p = facet?.progress;
  const percent = p && p.total > 0 ? Math.min(100, (p.scanned / p.total) * 100) : 0;

  const filterBy = (value: string) => {
    const json = loadedRows().some((r) => r.value?.text.trimStart().startsWith('{'));
    const asNumber = value !== '' && Number.isFinite(Number(value));
    setSearchForm(
      json
        ? { mode: 'filter', input: `${field} == ${asNumber ? value : JSON.stringify(value)}` }
        : { mode: 'text', input: `${field}=${value}` },
    );
    startSearch({ kind: 'all' });
  };

  const counted = result
    ? `${formatCount(result.present)} of ${formatCount(result.matched)} ${facet?.over === 'search' ? 'hits' : 'messages'}${result.truncated ? ' (stopped at the limit)' : ''}`
    : 'counting…';
  return (
    <aside
      className="facet-panel"
      aria-label={`Top values of ${field}`}
      data-testid="facet-panel"
      data-over={facet?.over}
      data-running={facet?.running ? 'true' : 'false'}
    >
      <header>
        <strong>{fieldLabel(field)}</strong>
        <span className="muted" data-testid="facet-counted">
          top values · {counted}
          {facet?.over === 'search' ? ' of the search' : ' of the view'}
        </span>
        {facet?.running && (
          <>
            <progress value={percent} max={100} aria-label="Counted so far" />
            <Button size="sm" onClick={cancelFacet} data-testid="facet-cancel">
              Stop
            </Button>
          </>
        )}
        <IconButton icon={X} size="sm" label="Close" onClick={onClose} />
      </header>
      {facet?.error && <p className="inline-error">{facet.error}</p>}
      {result && values.length === 0 && <p className="muted">No message here has this field.</p>}
      <ul>
        {values.map((v) => (
          <li key={v.value}>
            <button
              type="button"
              className="facet-value"
              onClick={() => filterBy(v.value)}
              title={`Search for ${field} = ${v.value}`}
              data-testid="facet-value"
              data-count={v.count}
            >
              <span className="facet-bar" style={{ width: `${(100 * v.count) / max}%` }} />
              <span className="mono facet-label">{v.value === '' ? '(empty)' : v.value}</span>
              <span className="facet-count">{formatCount(v.count)}</span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
