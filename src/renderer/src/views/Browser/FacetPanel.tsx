import { X } from 'lucide-react';
import { IconButton } from '../../components/ui/Button';
import { useAppStore } from '../../store';
import { formatCount } from '../Topics/format';
import { fieldLabel, fieldsOf, topValues } from './fields';

const TOP = 10;

/**
 * The top values of one field over the rows loaded in the view, with counts; a click on a
 * value searches the view for it (a filter on a JSON field, the `key=value` text in logfmt).
 */
export function FacetPanel({ field, onClose }: { field: string; onClose: () => void }) {
  useAppStore((s) => s.browser.version); // recount as rows arrive
  const loadedRows = useAppStore((s) => s.loadedRows);
  const setSearchForm = useAppStore((s) => s.setSearchForm);
  const startSearch = useAppStore((s) => s.startSearch);
  const rows = loadedRows();
  const all = rows.map((r) => ({ row: r, fields: fieldsOf(r) }));
  const values = topValues(
    all.map((a) => a.fields),
    field,
    TOP,
  );
  const json = all.some((a) => a.row.value?.text.trimStart().startsWith('{'));
  const max = Math.max(1, ...values.map((v) => v.count));

  const filterBy = (value: string) => {
    const asNumber = value !== '' && Number.isFinite(Number(value));
    setSearchForm(
      json
        ? {
            mode: 'filter',
            input: `${field} == ${asNumber ? value : JSON.stringify(value)}`,
          }
        : { mode: 'text', input: `${field}=${value}` },
    );
    startSearch({ kind: 'all' });
  };

  return (
    <aside className="facet-panel" aria-label={`Top values of ${field}`} data-testid="facet-panel">
      <header>
        <strong>{fieldLabel(field)}</strong>
        <span className="muted">top values of {formatCount(rows.length)} loaded rows</span>
        <IconButton icon={X} size="sm" label="Close" onClick={onClose} />
      </header>
      {values.length === 0 && <p className="muted">No loaded row has this field.</p>}
      <ul>
        {values.map((v) => (
          <li key={v.value}>
            <button
              type="button"
              className="facet-value"
              onClick={() => filterBy(v.value)}
              title={`Search for ${field} = ${v.value}`}
              data-testid="facet-value"
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
