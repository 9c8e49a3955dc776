import type { SourceConfig, SourceConfigInput } from '../../../../common/collectors/config';

type Fields = Record<string, unknown>;

const isFields = (v: unknown): v is Fields =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Nested objects a form may show only some fields of: a file form shows a parser's kind but
 * not a JSON parser's field names, and a multi-line preset or pattern but not its limits.
 * A parser of another kind starts afresh (its fields belong to the old kind); every other
 * nested value (`env`, `key`) the form edits whole.
 */
function mergesInside(key: string, before: Fields, after: Fields): boolean {
  return key === 'multiline' || (key === 'parser' && before.type === after.type);
}

/** `edited` over `original`: a key `edited` holds as `undefined` is one the form cleared. */
function overlay(original: Fields, edited: Fields, nested: boolean): Fields {
  const out: Fields = { ...original };
  for (const [key, value] of Object.entries(edited)) {
    const before = original[key];
    if (value === undefined) delete out[key];
    else if (!isFields(value)) out[key] = value;
    else
      out[key] = overlay(
        nested && isFields(before) && mergesInside(key, before, value) ? before : {},
        value,
        false,
      );
  }
  return out;
}

/**
 * The config a source form saves: the fields it edits (`edited`, which names a field it
 * cleared with `undefined`) over the config it was opened on, so the settings the form does
 * not show (limits, timeouts, `paused`, a parser's field names, …) survive an edit instead
 * of falling back to their defaults. A new source (no `original`) is `edited` alone.
 */
export function keepUnedited(
  original: SourceConfig | undefined,
  edited: SourceConfigInput,
): SourceConfigInput {
  const base = original?.type === edited.type ? original : {};
  return overlay(base, edited, true) as SourceConfigInput;
}
