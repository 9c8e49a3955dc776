import { useEffect, useRef } from 'react';
import { useAppStore } from '../../store';
import type { ViewTarget } from '../../store/slices/view-source';

/**
 * Opens a view of the message table (a topic's, a timeline) when its identity `viewKey`
 * changes or the connection (re)opens, then goes to the place the address links to
 * (`linked()`), else the newest message, unless a seek was asked while it opened (a click on
 * Earliest as the view loads is not undone when its first answer comes). The same view
 * reopening after a lost connection keeps following the tail: what arrived meanwhile, and
 * after, shows up as before.
 */
export function useOpenView(
  viewKey: string,
  open: () => Promise<void>,
  linked: () => ViewTarget | null,
): void {
  const status = useAppStore((s) => s.connection.status);
  const seek = useAppStore((s) => s.seek);
  const openedView = useRef<string | null>(null);
  useEffect(() => {
    if (status !== 'open') return;
    const follow = openedView.current === viewKey && useAppStore.getState().browser.following;
    openedView.current = viewKey;
    let cancelled = false;
    void (async () => {
      await open();
      if (cancelled) return;
      await seek((follow ? null : linked()) ?? { kind: 'latest' }, { ifUnmoved: true });
    })();
    return () => {
      cancelled = true;
    };
    // Only the view identity and the connection re-open the view; positions are the
    // caller's to follow.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [viewKey, status]);
}
