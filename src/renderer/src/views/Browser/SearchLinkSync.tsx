import { useEffect, useRef, type MutableRefObject } from 'react';
import { hrefFor, replaceRoute, viewPartitionsOf, type TopicRoute } from '../../router';
import { linkOfSearch, rangeOfLink } from '../../search-link';
import { useAppStore } from '../../store';

/**
 * A search in the address (`?q=…`, search-link.ts) runs once the view is open, and the
 * address follows the search shown (replaced, not pushed): a search can be linked to,
 * reloaded and saved as a bookmark; clearing it takes it out of the address.
 */
export function SearchLinkSync({
  route,
  lastWritten,
}: {
  route: TopicRoute;
  lastWritten: MutableRefObject<string | null>;
}) {
  // The view of the address is open: its topic and partitions (the parent opens it after
  // this component's effects have run, so the store may still hold the previous view).
  const partitions = JSON.stringify(viewPartitionsOf(route));
  const open = useAppStore(
    (s) => s.browser.topic === route.topic && JSON.stringify(s.browser.partitions) === partitions,
  );
  const active = useAppStore((s) => s.search.active);
  const setSearchForm = useAppStore((s) => s.setSearchForm);
  const startSearch = useAppStore((s) => s.startSearch);
  /** The search of the address already run (or written there), as JSON. */
  const ran = useRef<string | null>(null);
  const wanted = route.search ? JSON.stringify(route.search) : null;

  useEffect(() => {
    const link = route.search;
    if (!open || !link || wanted === ran.current) return;
    ran.current = wanted;
    setSearchForm({ mode: link.mode, input: link.q, caseSensitive: link.cs });
    startSearch(rangeOfLink(link));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, wanted]);

  useEffect(() => {
    if (!open) return;
    if (!active && wanted !== null && ran.current !== wanted) return; // not run yet
    const link = active ? linkOfSearch(active.query, active.range) : undefined;
    const shown = link ? JSON.stringify(link) : null;
    if (shown === wanted) return;
    ran.current = shown;
    const { search: _old, ...rest } = route;
    const next = link ? { ...rest, search: link } : rest;
    lastWritten.current = hrefFor(next);
    replaceRoute(next);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, active]);
  return null;
}
