import { useMemo, useSyncExternalStore } from 'react';
import { clusterNameSchema, LOCAL_CLUSTER } from '../../common/api/clusters';
import { searchLinkOf, searchLinkParams, type SearchLink } from './search-link';

/**
 * The app's routes, kept in the URL hash so that they work the same from `file://` in
 * Electron and over HTTP in headless mode:
 *   #/dashboard  #/topics  #/topics/<name>?[partitions=0,2&]partition=&offset=[&merged=1]
 *   #/timeline?topics=a,b,c[&t=<ms>][&at=<topic>:<partition>:<offset>]
 *   #/groups  #/groups/<id>  #/collectors  #/settings  #/search/<saved search name>
 * A topic route may carry a search (`q=`, `mode=`, `cs=`, `from=`, `to=`; search-link.ts).
 * In a topic route, `partition`/`offset` are the selected message. Which partitions the view
 * shows: `partitions=0,2` (several, merged by time), else `merged=1` (all), else `partition`
 * alone (that one — the form of older links), else all. See `viewPartitionsOf`. A timeline
 * shows several topics merged by time; `t` is a time to open at, `at` the selected message.
 *
 * Any of them may be prefixed by `#/c/<cluster>` to show it on a remote cluster
 * (`#/c/prod/topics/orders`); without the prefix it is about `local`, so every older link
 * keeps working (docs/clusters.md).
 */
export type Route = RouteBody & {
  /** The cluster the route is about; absent = the one of the current address (links) or local. */
  cluster?: string;
};

type RouteBody =
  | { view: 'dashboard' }
  | { view: 'topics' }
  | {
      view: 'topic';
      topic: string;
      partition?: number;
      offset?: number;
      merged?: boolean;
      /** The partitions shown, when several but not all (sorted, no repeats). */
      partitions?: number[];
      /** A search to run on opening (search-link.ts). */
      search?: SearchLink;
    }
  | {
      view: 'timeline';
      /** The topics merged, in the order that breaks ties between equal timestamps. */
      topics: string[];
      /** A time (ms) to open at. */
      t?: number;
      /** The selected message. */
      at?: { topic: string; partition: number; offset: number };
    }
  | { view: 'groups' }
  | { view: 'group'; groupId: string }
  | { view: 'collectors' }
  | { view: 'settings' }
  | { view: 'topicSettings'; topic: string }
  | { view: 'replay'; topic?: string }
  /** A saved search by name: opens its topic with the search (`#/search/<name>`). */
  | { view: 'savedSearch'; name: string }
  | { view: 'notFound'; path: string };

/** The navigation sections; every route belongs to one. */
export const SECTIONS = [
  'dashboard',
  'topics',
  'groups',
  'collectors',
  'replay',
  'settings',
] as const;
export type Section = (typeof SECTIONS)[number];

export const HOME: Route = { view: 'dashboard' };

/** Parses `location.hash`; an empty hash is the home route, anything unknown is notFound. */
export function parseHash(hash: string): Route {
  const scoped = /^#?\/c\/([^/?]+)(.*)$/.exec(hash);
  if (scoped) {
    const name = clusterNameSchema.safeParse(safeDecode(scoped[1]));
    if (!name.success) return { view: 'notFound', path: hash.replace(/^#/, '') };
    const route = parseLocalHash(scoped[2]);
    return name.data === LOCAL_CLUSTER ? route : { ...route, cluster: name.data };
  }
  return parseLocalHash(hash);
}

/** The cluster a route is about. */
export function clusterOf(route: Route): string {
  return route.cluster ?? LOCAL_CLUSTER;
}

function parseLocalHash(hash: string): RouteBody {
  const raw = hash.replace(/^#/, '');
  if (raw === '' || raw === '/') return HOME;
  const [path, query = ''] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean).map(safeDecode);
  const params = new URLSearchParams(query);
  const [head, id, ...rest] = parts;
  if (rest.length === 0) {
    if (head === 'dashboard' && !id) return { view: 'dashboard' };
    if (head === 'collectors' && !id) return { view: 'collectors' };
    if (head === 'settings' && !id) return { view: 'settings' };
    if (head === 'topics') {
      if (!id) return { view: 'topics' };
      return {
        view: 'topic',
        topic: id,
        ...optionalInt('partition', params.get('partition')),
        ...optionalInt('offset', params.get('offset')),
        ...(params.get('merged') === '1' ? { merged: true } : {}),
        ...optionalIntList('partitions', params.get('partitions')),
        ...searchLinkOf(params),
      };
    }
    if (head === 'timeline' && !id) return timelineOf(params);
    if (head === 'search' && id) return { view: 'savedSearch', name: id };
    if (head === 'groups') return id ? { view: 'group', groupId: id } : { view: 'groups' };
    if (head === 'replay' && !id) {
      const topic = params.get('topic');
      return topic ? { view: 'replay', topic } : { view: 'replay' };
    }
  }
  if (head === 'topics' && id && rest.length === 1 && rest[0] === 'settings') {
    return { view: 'topicSettings', topic: id };
  }
  return { view: 'notFound', path: raw };
}

/**
 * The hash for a route, e.g. `#/topics/app%20logs?partition=0&offset=42`; on a remote cluster
 * prefixed `#/c/<cluster>`. A route that names no cluster stays on the current address's, so
 * links inside a view never leave the cluster it shows.
 */
export function hrefFor(route: Route): string {
  const cluster =
    route.cluster ??
    (typeof window === 'undefined' ? undefined : parseHash(window.location.hash).cluster);
  const body = bodyHref(route);
  return cluster && cluster !== LOCAL_CLUSTER
    ? `#/c/${encodeURIComponent(cluster)}${body.slice(1)}`
    : body;
}

function bodyHref(route: RouteBody): string {
  switch (route.view) {
    case 'topic': {
      // Only numbers go in, so nothing needs escaping (and `0,2` stays readable, not `0%2C2`).
      const params: string[] = [];
      if (route.partitions) params.push(`partitions=${route.partitions.join(',')}`);
      if (route.partition !== undefined) params.push(`partition=${route.partition}`);
      if (route.offset !== undefined) params.push(`offset=${route.offset}`);
      if (route.merged) params.push('merged=1');
      params.push(...searchLinkParams(route.search));
      const query = params.join('&');
      return `#/topics/${encodeURIComponent(route.topic)}${query ? '?' + query : ''}`;
    }
    case 'timeline':
      return timelineHref(route);
    case 'group':
      return `#/groups/${encodeURIComponent(route.groupId)}`;
    case 'topicSettings':
      return `#/topics/${encodeURIComponent(route.topic)}/settings`;
    case 'savedSearch':
      return `#/search/${encodeURIComponent(route.name)}`;
    case 'replay':
      return route.topic ? `#/replay?topic=${encodeURIComponent(route.topic)}` : '#/replay';
    case 'notFound':
      // `path` is the raw hash, which usually already starts with a slash.
      return `#/${route.path.replace(/^\/+/, '')}`;
    default:
      return `#/${route.view}`;
  }
}

export type TopicRoute = Extract<Route, { view: 'topic' }>;
export type TimelineRoute = Extract<Route, { view: 'timeline' }>;

/** Topic names hold only [a-zA-Z0-9._-], so `,` and `:` separate them unescaped. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

function timelineOf(params: URLSearchParams): RouteBody {
  const topics = [...new Set((params.get('topics') ?? '').split(',').filter(Boolean))];
  if (topics.length === 0 || !topics.every((t) => TOPIC_NAME.test(t)))
    return { view: 'notFound', path: `/timeline?${params.toString()}` };
  const at = /^([a-zA-Z0-9._-]+):(\d+):(\d+)$/.exec(params.get('at') ?? '');
  return {
    view: 'timeline',
    topics,
    ...optionalInt('t', params.get('t')),
    ...(at ? { at: { topic: at[1], partition: Number(at[2]), offset: Number(at[3]) } } : {}),
  };
}

function timelineHref(route: TimelineRoute): string {
  const params = [`topics=${route.topics.join(',')}`];
  if (route.t !== undefined) params.push(`t=${route.t}`);
  if (route.at) params.push(`at=${route.at.topic}:${route.at.partition}:${route.at.offset}`);
  return `#/timeline?${params.join('&')}`;
}

/** The partitions a topic route shows: a list, or null for all of them merged by time. */
export function viewPartitionsOf(route: TopicRoute): number[] | null {
  if (route.partitions) return route.partitions;
  if (route.merged || route.partition === undefined) return null;
  return [route.partition];
}

/**
 * The route of a view of `partitions` (null = all), optionally with a selected message, in
 * the shortest form that parses back to the same view: one partition keeps the form of
 * older links (`?partition=&offset=`).
 */
export function topicRoute(
  topic: string,
  partitions: number[] | null,
  position?: { partition: number; offset: number },
): TopicRoute {
  const at = position ? { partition: position.partition, offset: position.offset } : {};
  if (partitions === null)
    return { view: 'topic', topic, ...at, ...(position ? { merged: true } : {}) };
  if (partitions.length === 1) return { view: 'topic', topic, partition: partitions[0], ...at };
  return { view: 'topic', topic, partitions: normalizePartitions(partitions), ...at };
}

/** Sorted, without repeats. */
export function normalizePartitions(partitions: readonly number[]): number[] {
  return [...new Set(partitions)].sort((a, b) => a - b);
}

/** The navigation section a route is shown under. */
export function sectionOf(route: Route): Section | null {
  switch (route.view) {
    case 'topic':
    case 'topicSettings':
    case 'timeline':
    case 'savedSearch':
      return 'topics';
    case 'group':
      return 'groups';
    case 'notFound':
      return null;
    default:
      return route.view;
  }
}

/** Goes to `route` (adds a history entry). */
export function navigate(route: Route): void {
  window.location.hash = hrefFor(route);
}

/** Replaces the current history entry with `route`, e.g. when a view changes the offset. */
export function replaceRoute(route: Route): void {
  window.history.replaceState(null, '', hrefFor(route));
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The current route; re-renders the component when the hash changes. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  // The same object while the hash is unchanged, so it can sit in effect dependencies.
  return useMemo(() => parseHash(hash), [hash]);
}

function optionalInt<K extends string>(key: K, value: string | null): { [P in K]?: number } {
  if (value === null || !/^\d+$/.test(value)) return {};
  return { [key]: Number(value) } as { [P in K]?: number };
}

/** `0,2,5` → [0, 2, 5] (sorted, no repeats); anything else is left out of the route. */
function optionalIntList<K extends string>(key: K, value: string | null): { [P in K]?: number[] } {
  if (value === null || !/^\d+(,\d+)*$/.test(value)) return {};
  return { [key]: normalizePartitions(value.split(',').map(Number)) } as { [P in K]?: number[] };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
