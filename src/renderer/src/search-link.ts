import type { ScanRange, SearchQuery } from '../../common/api/messages';

/**
 * A search in a topic's address: `#/topics/T?q=<text>&mode=regex&cs=1&from=<ms>&to=<ms>`
 * (with the view's `partitions=`), so a search can be linked to and reopened. `mode` is text
 * (default), regex, key or filter; `from`/`to` a time window in ms since the epoch.
 */
export interface SearchLink {
  q: string;
  mode: 'text' | 'regex' | 'key' | 'filter';
  cs: boolean;
  from?: number;
  to?: number;
}

const MODES = ['text', 'regex', 'key', 'filter'] as const;

/** The search a topic address carries, if any. */
export function searchLinkOf(params: URLSearchParams): { search?: SearchLink } {
  const q = params.get('q');
  if (!q) return {};
  const mode = MODES.find((m) => m === params.get('mode')) ?? 'text';
  const time = (key: string) => {
    const v = params.get(key);
    return v !== null && /^\d{1,16}$/.test(v) ? { [key]: Number(v) } : {};
  };
  return { search: { q, mode, cs: params.get('cs') === '1', ...time('from'), ...time('to') } };
}

/** The address parameters of a search link (escaped). */
export function searchLinkParams(link: SearchLink | undefined): string[] {
  if (!link) return [];
  const out = [`q=${encodeURIComponent(link.q)}`];
  if (link.mode !== 'text') out.push(`mode=${link.mode}`);
  if (link.cs) out.push('cs=1');
  if (link.from !== undefined) out.push(`from=${link.from}`);
  if (link.to !== undefined) out.push(`to=${link.to}`);
  return out;
}

/** A query and range as a link (a header search, which has no text form, gives none). */
export function linkOfSearch(query: SearchQuery, range: ScanRange): SearchLink | undefined {
  const mode = MODES.find((m) => query[m] !== undefined);
  const q = mode && query[mode];
  if (!mode || typeof q !== 'string') return undefined;
  const time =
    range.kind === 'time'
      ? { from: range.from, ...(range.to !== null ? { to: range.to } : {}) }
      : {};
  return { q, mode, cs: query.caseSensitive, ...time };
}

/** The range a link searches: its time window, or the whole topic. */
export function rangeOfLink(link: SearchLink): ScanRange {
  return link.from !== undefined
    ? { kind: 'time', from: link.from, to: link.to ?? null }
    : { kind: 'all' };
}
