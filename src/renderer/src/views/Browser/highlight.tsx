import type { ReactNode } from 'react';
import type { SearchQuery } from '../../../../common/api/messages';
import type { Marker } from './MessageTable';

/** Marks per cell at most: a cell shows one line of ~300 characters. */
const MAX_MARKS = 20;

/**
 * What to mark in the hits of a search: the text (or key) searched for, the regular
 * expression where JavaScript reads it the same (RE2-only syntax such as `(?i)` is not
 * marked), and the string values a filter compares with. Null when nothing can be marked.
 */
export function markerFor(query: SearchQuery | null): Marker | undefined {
  const re = patternOf(query);
  if (!re) return undefined;
  return (text) => markText(text, re);
}

function patternOf(query: SearchQuery | null): RegExp | null {
  if (!query) return null;
  const flags = query.caseSensitive ? 'g' : 'gi';
  const literal = query.text ?? query.key;
  try {
    if (literal !== undefined) return new RegExp(escape(literal), flags);
    if (query.regex !== undefined) return new RegExp(query.regex, flags);
    if (query.filter !== undefined) {
      const strings = [...query.filter.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g)]
        .map((m) => (m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : m[2]))
        .filter((v) => v.length > 0);
      return strings.length ? new RegExp(strings.map(escape).join('|'), flags) : null;
    }
  } catch {
    return null; // a pattern JavaScript does not read: the hits are shown unmarked
  }
  return null;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function markText(text: string, re: RegExp): ReactNode {
  const parts: ReactNode[] = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null && parts.length < MAX_MARKS * 2; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(<mark key={m.index}>{m[0]}</mark>);
    last = m.index + m[0].length;
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(last));
  return parts;
}
