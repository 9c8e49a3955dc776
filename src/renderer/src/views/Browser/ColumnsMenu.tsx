import { ArrowDown, ArrowUp, Columns3, X } from 'lucide-react';
import { useState } from 'react';
import { Button, IconButton } from '../../components/ui/Button';
import { useAppStore } from '../../store';
import { columnsKeyOf } from '../../store/slices/view-source';
import { fieldLabel, fieldsOf, knownFields } from './fields';

const NONE: string[] = [];

/**
 * Chooses the field columns of the open topic: add, remove and reorder (remembered per
 * topic), or go back to the defaults. The fields offered are those of the rows loaded now.
 */
export function ColumnsMenu() {
  const topic = useAppStore((s) => columnsKeyOf(s.browser));
  const columns = useAppStore((s) => (topic === null ? NONE : s.columnsOf(topic)));
  const chosen = useAppStore((s) => topic !== null && s.chosenColumns[topic] !== undefined);
  const setColumns = useAppStore((s) => s.setColumns);
  const loadedRows = useAppStore((s) => s.loadedRows);
  const [open, setOpen] = useState(false);
  if (topic === null) return null;

  const offered = open
    ? knownFields(loadedRows().map(fieldsOf)).filter((f) => !columns.includes(f))
    : [];
  const put = (next: string[]) => setColumns(topic, next);
  const move = (i: number, by: number) => {
    const next = [...columns];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    put(next);
  };

  return (
    <div className="popover-anchor">
      <Button
        icon={Columns3}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        data-testid="columns-menu"
      >
        Columns
      </Button>
      {open && (
        <div
          className="popover"
          role="dialog"
          aria-label="Field columns"
          data-testid="columns-panel"
          onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
        >
          <strong>Shown</strong>
          {columns.length === 0 && <p className="muted">No field columns.</p>}
          <ul className="popover-list">
            {columns.map((name, i) => (
              <li key={name} data-testid={`column-${name}`}>
                <span>{fieldLabel(name)}</span>
                <IconButton
                  icon={ArrowUp}
                  size="sm"
                  label={`Move ${name} left`}
                  disabled={i === 0}
                  onClick={() => move(i, -1)}
                />
                <IconButton
                  icon={ArrowDown}
                  size="sm"
                  label={`Move ${name} right`}
                  disabled={i === columns.length - 1}
                  onClick={() => move(i, 1)}
                />
                <IconButton
                  icon={X}
                  size="sm"
                  label={`Remove ${name}`}
                  onClick={() => put(columns.filter((c) => c !== name))}
                  data-testid={`remove-column-${name}`}
                />
              </li>
            ))}
          </ul>
          {offered.length > 0 && (
            <>
              <strong>Add</strong>
              <ul className="popover-list">
                {offered.slice(0, 30).map((name) => (
                  <li key={name}>
                    <button
                      type="button"
                      className="btn-ghost btn-sm"
                      onClick={() => put([...columns, name])}
                      data-testid={`add-column-${name}`}
                    >
                      + {fieldLabel(name)}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
          {chosen && (
            <Button size="sm" onClick={() => setColumns(topic, null)} data-testid="columns-reset">
              Back to the defaults
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
