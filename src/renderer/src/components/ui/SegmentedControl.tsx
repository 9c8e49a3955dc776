export interface SegmentedOption<T extends string> {
  value: T;
  label: string;
}

/** One choice of a few, as joined buttons (a radio group to assistive technology). */
export function SegmentedControl<T extends string>({
  options,
  value,
  onChange,
  label,
  testId,
}: {
  options: readonly SegmentedOption<T>[];
  value: T;
  onChange: (value: T) => void;
  label: string;
  testId?: string;
}) {
  return (
    <div className="segmented" role="radiogroup" aria-label={label} data-testid={testId}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={o.value === value}
          data-value={o.value}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
