import { useEffect, type RefObject } from 'react';
import type { MessageRow } from '../../../../common/api/messages';
import { useAppStore, type AppState } from '../../store';

/**
 * The browser's keys: j/k or arrows move, g/G go to the ends, / focuses search, Enter
 * opens the detail, Esc closes it. Ignored while typing in a field (except Esc there,
 * which leaves the field), and Enter is left to a focused button or link.
 */
export function useBrowserKeys({
  searchRef,
  onOpen,
}: {
  searchRef: RefObject<HTMLInputElement | null>;
  onOpen: (row: MessageRow) => void;
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      const typing =
        !!target &&
        (target.tagName === 'INPUT' ||
          target.tagName === 'TEXTAREA' ||
          target.tagName === 'SELECT' ||
          target.isContentEditable);
      const s = useAppStore.getState();
      // A dialog (produce, export) has its own keys; none of them moves the table behind it.
      if (target?.closest?.('[role="dialog"]')) return;
      if (typing) {
        if (e.key === 'Escape') target.blur();
        return;
      }
      // Enter on a focused button or link is its own click (e.g. opening the partition
      // picker), not "open the selected row".
      if ((target?.tagName === 'BUTTON' || target?.tagName === 'A') && e.key === 'Enter') return;
      // While a search is shown, the keys act on what the table shows: its hits (or a hit's
      // context), never on the hidden table of every message.
      if (s.search.active !== null && s.searchView.show !== 'all') {
        if (hitKey(e.key, s, searchRef)) e.preventDefault();
        return;
      }
      const { total, selected } = s.browser;
      const move = (to: number) => {
        if (total === 0) return;
        const index = Math.min(total - 1, Math.max(0, to));
        s.select(index);
        if (s.browser.following && index < total - 1) s.setFollowing(false);
      };
      switch (e.key) {
        case 'j':
        case 'ArrowDown':
          move((selected ?? -1) + 1);
          break;
        case 'k':
        case 'ArrowUp':
          move((selected ?? 1) - 1);
          break;
        case 'g':
        case 'Home':
          void s.seek({ kind: 'earliest' });
          break;
        case 'G':
        case 'End':
          void s.seek({ kind: 'latest' });
          break;
        case '/':
          searchRef.current?.focus();
          break;
        case 'Enter': {
          const row = selected === null ? undefined : s.rowAt(selected);
          if (row) onOpen(row);
          break;
        }
        case 'Escape':
          s.closeDetail();
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [searchRef, onOpen]);
}

/**
 * A key while the hits are shown: j/k and arrows move among them, g/G go to the first and
 * last, Enter shows the selected hit's context (as a double click does). Moves mean nothing
 * in a hit's context (a short fixed list); Esc still closes the detail. Says whether the key
 * was taken.
 */
function hitKey(key: string, s: AppState, searchRef: RefObject<HTMLInputElement | null>): boolean {
  const { selectedHit, show } = s.searchView;
  const hits = s.search.hits;
  const moves: Record<string, () => void> = {
    j: () => s.moveHit((selectedHit ?? -1) + 1),
    ArrowDown: () => s.moveHit((selectedHit ?? -1) + 1),
    k: () => s.moveHit((selectedHit ?? 1) - 1),
    ArrowUp: () => s.moveHit((selectedHit ?? 1) - 1),
    g: () => s.moveHit(0),
    Home: () => s.moveHit(0),
    G: () => s.moveHit(hits.length - 1),
    End: () => s.moveHit(hits.length - 1),
    Enter: () => {
      const hit = selectedHit === null ? undefined : hits[selectedHit];
      if (hit) void s.showContext(hit);
    },
  };
  if (key === '/') searchRef.current?.focus();
  else if (key === 'Escape') s.closeDetail();
  else if (moves[key]) {
    if (show === 'hits') moves[key]();
  } else return false;
  return true;
}
