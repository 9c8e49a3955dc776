import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { normalizePartitions } from '../../router';

/** More selected partitions than this are summarised as a count ("9 of 12"). */
const LISTED = 4;

/** What the picker's button says: "All 12", "0, 2, 5", "9 of 12". */
export function summarizePartitions(selected: number[] | null, all: readonly number[]): string {
  if (selected === null) return all.length > 0 ? `All ${all.length}` : 'All';
  if (selected.length <= LISTED) return selected.join(', ');
  return `${selected.length} of ${all.length}`;
}

/**
 * The selection after the box of `partition` is switched: null (all) when every partition
 * ends up chosen, and never empty — the last chosen partition cannot be switched off.
 */
export function togglePartition(
  selected: number[] | null,
  all: readonly number[],
  partition: number,
): number[] | null {
  const current = selected ?? [...all];
  const next = current.includes(partition)
    ? current.filter((p) => p !== partition)
    : normalizePartitions([...current, partition]);
  if (next.length === 0) return selected;
  return all.length > 0 && all.every((p) => next.includes(p)) ? null : next;
}

/**
 * Which partitions the browser shows: one, several or all (merged by time). A button with
 * the summary opens a list of checkboxes; each change applies at once. Keyboard: Enter or
 * Space opens, arrows move between the boxes, Space switches one, Esc closes and returns to
 * the button; leaving the list with Tab closes it too.
 */
export function PartitionPicker({
  all,
  selected,
  onChange,
}: {
  /** Every partition of the topic, sorted. */
  all: readonly number[];
  /** null = all. */
  selected: number[] | null;
  onChange: (next: number[] | null) => void;
}) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const listId = useId();

  // Opening puts the focus on the first box, so the keyboard can go on from there.
  useEffect(() => {
    if (open) listRef.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, [open]);

  // A click anywhere else closes the list, as a native select would.
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      const root = listRef.current?.parentElement;
      if (root && !root.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  const onListKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    e.stopPropagation();
    const boxes = [...(listRef.current?.querySelectorAll<HTMLInputElement>('input') ?? [])];
    const at = boxes.indexOf(document.activeElement as HTMLInputElement);
    const to =
      e.key === 'Home'
        ? 0
        : e.key === 'End'
          ? boxes.length - 1
          : Math.min(boxes.length - 1, Math.max(0, at + (e.key === 'ArrowDown' ? 1 : -1)));
    boxes[to]?.focus();
  };

  const isChosen = (p: number) => selected === null || selected.includes(p);
  const onlyOne = selected !== null && selected.length === 1;

  return (
    <div className="partition-picker">
      <button
        ref={buttonRef}
        type="button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            e.stopPropagation(); // not also a move of the table's selection
            setOpen(true);
          }
        }}
        data-testid="browser-partition"
      >
        <span className="muted">Partitions:</span>{' '}
        <span data-testid="browser-partition-summary">{summarizePartitions(selected, all)}</span> ▾
      </button>
      {open && (
        <div
          ref={listRef}
          id={listId}
          className="partition-list"
          role="group"
          aria-label="Partitions to show"
          onKeyDown={onListKey}
          onBlur={(e) => {
            // Tab out of the list closes it; moving between its boxes does not.
            const root = listRef.current?.parentElement;
            if (e.relatedTarget && root && !root.contains(e.relatedTarget as Node)) setOpen(false);
          }}
          data-testid="browser-partition-list"
        >
          <label>
            <input
              type="checkbox"
              checked={selected === null}
              // "All" is left by switching off single partitions, so it only switches on.
              onChange={() => selected !== null && onChange(null)}
              data-testid="partition-option-all"
            />{' '}
            All partitions (by time)
          </label>
          {all.map((p) => (
            <label key={p}>
              <input
                type="checkbox"
                checked={isChosen(p)}
                aria-disabled={onlyOne && isChosen(p) ? true : undefined}
                title={onlyOne && isChosen(p) ? 'At least one partition is shown' : undefined}
                onChange={() => {
                  const next = togglePartition(selected, all, p);
                  if (next !== selected) onChange(next);
                }}
                data-testid={`partition-option-${p}`}
              />{' '}
              Partition {p}
            </label>
          ))}
        </div>
      )}
    </div>
  );
}
