import type { ReactNode } from 'react';

/** One row of the collectors' forms: the label, its input, and the input's error if any. */
export function FormField({
  id,
  label,
  error,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  children: ReactNode;
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      {children}
      {error && <span className="field-error">{error}</span>}
    </>
  );
}

/** A select over `[value, label]` choices (source kinds, parsers). */
export function ChoiceSelect<T extends string>({
  id,
  value,
  choices,
  onChange,
}: {
  id: string;
  value: T;
  choices: readonly (readonly [T, string])[];
  onChange: (value: T) => void;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)}>
      {choices.map(([v, label]) => (
        <option key={v} value={v}>
          {label}
        </option>
      ))}
    </select>
  );
}

/** The keys of `D` whose values are any string (not a union of literals, which has a select). */
type TextKeys<D> = {
  [K in keyof D]: string extends D[K] ? (D[K] extends string ? K : never) : never;
}[keyof D];
/** The keys of `D` whose values are booleans (checkboxes). */
type CheckKeys<D> = { [K in keyof D]: D[K] extends boolean ? K : never }[keyof D];

/** What the row builders need of a source form (`useSourceForm`). */
interface RowsForm<D> {
  draft: D;
  setDraft: (draft: D) => void;
  set: <K extends keyof D>(key: K, value: D[K]) => void;
  errors: Record<string, string>;
}

/**
 * The rows of a source form whose inputs are named `<prefix>-<key>` (labels point at them,
 * tests find them), bound to the form's draft: `field` labels an input and shows the first
 * error of its keys; `text`, `area` and `check` are inputs of one draft field (the id is
 * fixed once the source is saved); `kind` is the row choosing a new source's kind, which
 * starts a fresh draft of that kind (a saved source keeps its kind, so editing has none).
 */
export function sourceFormRows<D>(prefix: string, form: RowsForm<D>, editing: boolean) {
  const { draft, setDraft, set, errors } = form;
  const id = (key: PropertyKey) => `${prefix}-${String(key)}`;
  const field = (key: string, label: string, input: ReactNode, ...more: string[]) => (
    <FormField
      id={id(key)}
      label={label}
      error={[key, ...more].map((k) => errors[k]).find(Boolean)}
    >
      {input}
    </FormField>
  );
  const text = (key: TextKeys<D>, hint = '') => (
    <input
      id={id(key)}
      placeholder={hint}
      value={draft[key] as string}
      disabled={editing && key === 'id'}
      onChange={(e) => set(key, e.target.value as D[TextKeys<D>])}
    />
  );
  const area = (key: TextKeys<D>, hint: string, rows: number) => (
    <textarea
      id={id(key)}
      rows={rows}
      placeholder={hint}
      value={draft[key] as string}
      onChange={(e) => set(key, e.target.value as D[TextKeys<D>])}
    />
  );
  const check = (key: CheckKeys<D>) => (
    <input
      id={id(key)}
      type="checkbox"
      checked={draft[key] as boolean}
      onChange={(e) => set(key, e.target.checked as D[CheckKeys<D>])}
    />
  );
  const kind = <T extends string>(
    value: T,
    choices: readonly (readonly [T, string])[],
    fresh: (type: T) => D,
  ) =>
    !editing &&
    field(
      'type',
      'Kind',
      <ChoiceSelect
        id={id('type')}
        value={value}
        choices={choices}
        onChange={(type: T) => setDraft(fresh(type))}
      />,
    );
  return { field, text, area, check, kind };
}
