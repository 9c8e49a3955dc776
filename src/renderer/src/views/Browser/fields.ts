import { EMPTY_FIELDS, parseFields, topCounts, type Fields } from '../../../../common/fields';

export { parseFields, type Fields };

/**
 * The table's field columns read a row's value preview with the shared parser
 * (src/common/fields.ts; a collector's parser keeps what the line carried under `fields.`,
 * which headers leave out, see fieldLabel).
 */

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
  return topCounts(count, max);
}

const parsed = new WeakMap<object, Fields>();

/** The fields of a row's value preview, parsed once per row object. */
export function fieldsOf(row: {
  value: { text: string; truncated: boolean; binary: boolean } | null;
}): Fields {
  const known = parsed.get(row);
  if (known) return known;
  const v = row.value;
  const fields = v && !v.binary ? parseFields(v.text, v.truncated) : EMPTY_FIELDS;
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
