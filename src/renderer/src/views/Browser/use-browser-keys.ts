import { useEffect, type RefObject } from 'react';
import type { MessageRow } from '../../../../common/api/messages';
import { useAppStore } from '../../store';

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
      if (typing) {
        if (e.key === 'Escape') target.blur();
        return;
      }
      // Enter on a focused button or link is its own click (e.g. opening the partition
      // picker), not "open the selected row".
      if ((target?.tagName === 'BUTTON' || target?.tagName === 'A') && e.key === 'Enter') return;
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
