import { useEffect } from 'react';
import type { SavedSearch } from '../../../../common/api/saved-search';
import { EmptyState } from '../../components/ui/PageHeader';
import { hrefFor, replaceRoute, topicRoute, type Route } from '../../router';
import { linkOfSearch } from '../../search-link';
import { useAppStore } from '../../store';
import { savedSearchesOf } from '../../store/slices/saved-searches';

/** The topic address that runs a saved search (its partitions, query and range). */
export function routeOfSavedSearch(s: SavedSearch): Route {
  const link = linkOfSearch(s.query, s.range);
  const at = topicRoute(s.topic, s.partitions);
  return link ? { ...at, search: link } : at;
}

/** `#/search/<name>`: opens the saved search's topic with the search running. */
export function SavedSearchOpener({ name }: { name: string }) {
  const loaded = useAppStore((s) => s.settings.view !== null);
  const saved = useAppStore((s) => savedSearchesOf(s).find((x) => x.name === name));
  const loadSettings = useAppStore((s) => s.loadSettings);
  useEffect(() => {
    if (!loaded) void loadSettings();
  }, [loaded, loadSettings]);
  useEffect(() => {
    if (saved) replaceRoute(routeOfSavedSearch(saved));
  }, [saved]);
  if (!loaded || saved) return <p className="muted">Opening the saved search {name}…</p>;
  return (
    <EmptyState title={`No saved search named “${name}”`} testId="saved-search-missing">
      Run a search in a topic and save it under this name, or pick one with Ctrl/Cmd+K.{' '}
      <a href={hrefFor({ view: 'topics' })}>Topics</a>
    </EmptyState>
  );
}
