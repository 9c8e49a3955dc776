/**
 * Fields of a log line for the table's field columns: JSON objects (flattened with dotted
 * names, the paths a search filter takes; a collector's parser keeps what the line carried
 * under `fields.`, which headers leave out, see fieldLabel) and logfmt (`key=value key2="quoted value"`). Works on a row's preview, which
 * may be cut short: a cut JSON object yields the pairs before the cut, logfmt all but the
 * last pair.
 */
export type Fields = ReadonlyMap<string, string>;

const EMPTY: Fields = new Map();
/** Keys the table shows in columns of their own already (timestamp, level). */
const SHOWN_ELSEWHERE = new Set([
  'time',
  'ts',
  'timestamp',
  '@timestamp',
  'level',
  'lvl',
  'severity',
  'loglevel',
]);

export function parseFields(text: string, truncated: boolean): Fields {
  const s = text.trimStart();
  if (s.startsWith('{')) return parseJsonFields(s, truncated);
  if (/^[\w.@-]+=/.test(s)) return parseLogfmt(s, truncated);
  return EMPTY;
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

/**
 * The field names most rows have, most common first (ties by first appearance), leaving out
 * those the table shows anyway; at most `max`.
 */
export function commonFields(all: Iterable<Fields>, max: number): string[] {
  const count = new Map<string, number>();
  for (const fields of all)
    for (const name of fields.keys())
      if (!SHOWN_ELSEWHERE.has(fieldLabel(name).toLowerCase()))
        count.set(name, (count.get(name) ?? 0) + 1);
  return [...count.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, max)
    .map(([name]) => name);
}

/** Every field name seen, most common first (for the column chooser). */
export function knownFields(all: Iterable<Fields>): string[] {
  return commonFields(all, Number.MAX_SAFE_INTEGER);
}

/** The top values of a field with their counts, most common first (a facet). */
export function topValues(
  all: Iterable<Fields>,
  field: string,
  max: number,
): { value: string; count: number }[] {
  const count = new Map<string, number>();
  for (const fields of all) {
    const v = fields.get(field);
    if (v !== undefined) count.set(v, (count.get(v) ?? 0) + 1);
  }
  return [...count.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([value, n]) => ({ value, count: n }));
}

const parsed = new WeakMap<object, Fields>();

/** The fields of a row's value preview, parsed once per row object. */
export function fieldsOf(row: {
  value: { text: string; truncated: boolean; binary: boolean } | null;
}): Fields {
  const known = parsed.get(row);
  if (known) return known;
  const v = row.value;
  const fields = v && !v.binary ? parseFields(v.text, v.truncated) : EMPTY;
  parsed.set(row, fields);
  return fields;
}

/** A column's header: the field's own name, without the collector's `fields.` prefix. */
export function fieldLabel(name: string): string {
  return name.startsWith('fields.') ? name.slice('fields.'.length) : name;
}

/** The free-text message fields get the room; others a column as wide as a short value. */
export function fieldTrack(name: string): string {
  return /^(msg|message|text|body|event|error|err)$/i.test(fieldLabel(name))
    ? 'minmax(120px, 2fr)'
    : 'minmax(56px, 140px)';
}
