import { useEffect, useState } from 'react';
import type { SourceConfigInput } from '../../../../common/collectors/config';
import { useAppStore } from '../../store';
import { validateConfig } from './sourceDraft';

/**
 * The state every source form shares: the draft, a preview half a second after the last
 * change of a valid draft, and saving (add, or update when editing) with the schema's errors
 * by field.
 */
export function useSourceForm<D extends { id: string }>(
  initial: D,
  toConfig: (draft: D) => SourceConfigInput,
  editing: boolean,
  onDone: () => void,
) {
  const formError = useAppStore((s) => s.collectors.formError);
  const previewSource = useAppStore((s) => s.previewSource);
  const clearPreview = useAppStore((s) => s.clearPreview);
  const saveSource = useAppStore((s) => s.saveSource);
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    const checked = validateConfig(toConfig(draft));
    if ('errors' in checked) return;
    const timer = setTimeout(() => void previewSource(checked.config), 500);
    return () => clearTimeout(timer);
  }, [draft, previewSource, toConfig]);
  useEffect(() => clearPreview, [clearPreview]);

  const set = <K extends keyof D>(key: K, value: D[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const save = async () => {
    const checked = validateConfig(toConfig(draft));
    if ('errors' in checked) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setSaving(true);
    const ok = await saveSource(checked.config, editing ? draft.id : undefined);
    setSaving(false);
    if (ok) onDone();
  };

  return { draft, setDraft, set, errors, saving, save, formError };
}
