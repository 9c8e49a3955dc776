/**
 * Fields of a log line (shared by the browser's field columns and the main process's facet
 * counts, so both name and read a field the same way): JSON objects flattened with dotted
 * names (the paths a search filter takes) and logfmt (`key=value key2="quoted value"`).
 * Works on text that may be cut short: a cut JSON object yields the pairs before the cut,
 * logfmt all but the last pair.
 */
export type Fields = ReadonlyMap<string, string>;

export const EMPTY_FIELDS: Fields = new Map();
export function parseFields(text: string, truncated: boolean): Fields {
  const s = text.trimStart();
  if (s.startsWith('{')) return parseJsonFields(s, truncated);
  if (/^[\w.@-]+=/.test(s)) return parseLogfmt(s, truncated);
  return EMPTY_FIELDS;
}

function parseJsonFields(s: string, truncated: boolean): Fields {
  if (!truncated) {
    try {
      const obj: unknown = JSON.parse(s);
      if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
        const out = new Map<string, string>();
        flatten(obj as Record<string, unknown>, '', out);
        return out;
      }
    } catch {
      // not JSON after all: fall through to the pairs that can be read
    }
  }
  return jsonPairs(s);
}

function flatten(obj: Record<string, unknown>, prefix: string, out: Map<string, string>): void {
  for (const [k, v] of Object.entries(obj)) {
    const name = `${prefix}${k}`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      flatten(v as Record<string, unknown>, `${name}.`, out);
    } else if (!out.has(name)) {
      out.set(name, typeof v === 'string' ? v : JSON.stringify(v));
    }
  }
}

const PAIR = /"((?:[^"\\]|\\.)+)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false|null)/g;

/** The complete `"key": scalar` pairs of a JSON text cut short (nesting not tracked). */
function jsonPairs(s: string): Fields {
  const out = new Map<string, string>();
  for (const m of s.matchAll(PAIR)) {
    if (out.has(m[1])) continue;
    const raw = m[2];
    out.set(m[1], raw.startsWith('"') ? unquote(raw) : raw);
  }
  return out;
}

function unquote(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

const LOGFMT = /([\w.@/-]+)=("(?:[^"\\]|\\.)*"|\S*)/g;

function parseLogfmt(s: string, truncated: boolean): Fields {
  const out = new Map<string, string>();
  const pairs = [...s.matchAll(LOGFMT)];
  // The last pair of a cut line may be cut itself.
  if (truncated) pairs.pop();
  for (const m of pairs)
    if (!out.has(m[1])) out.set(m[1], m[2].startsWith('"') ? unquote(m[2]) : m[2]);
  return out;
}

/** The values of a count, most common first (ties in text order), at most `max`. */
export function topCounts(
  count: ReadonlyMap<string, number>,
  max: number,
): { value: string; count: number }[] {
  return [...count.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, max)
    .map(([value, n]) => ({ value, count: n }));
}

/**
 * One field of a line, as `parseFields(text).get(field)` would give it, without flattening
 * the whole object when the text is complete JSON: `a.b` is the key `a.b` or `b` inside
 * `a` (flattened names cannot tell them apart, so both are tried). Objects are not values.
 */
export function fieldOf(text: string, field: string): string | undefined {
  const s = text.trimStart();
  if (s.startsWith('{')) {
    let obj: unknown;
    try {
      obj = JSON.parse(s);
    } catch {
      return parseFields(s, true).get(field);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
    const v = lookup(obj as Record<string, unknown>, field.split('.'), 0);
    if (v === undefined || (v !== null && typeof v === 'object' && !Array.isArray(v)))
      return undefined;
    return typeof v === 'string' ? v : JSON.stringify(v);
  }
  return parseFields(s, false).get(field);
}

function lookup(obj: Record<string, unknown>, parts: string[], i: number): unknown {
  for (let j = i + 1; j <= parts.length; j++) {
    const key = j === i + 1 ? parts[i] : parts.slice(i, j).join('.');
    if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
    const v = obj[key];
    if (j === parts.length) return v;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const found = lookup(v as Record<string, unknown>, parts, j);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
