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
