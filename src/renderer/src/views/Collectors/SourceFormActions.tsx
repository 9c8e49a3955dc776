import { ErrorLine } from '../ops-common/ErrorLine';
import type { useSourceForm } from './useSourceForm';

/** The end of every source form: the errors of the last save, Save and Cancel. */
export function SourceFormActions({
  form,
  editing,
  onDone,
}: {
  form: Pick<ReturnType<typeof useSourceForm>, 'errors' | 'formError' | 'saving' | 'save'>;
  editing: boolean;
  onDone: () => void;
}) {
  return (
    <>
      {form.errors.source && <p className="ops-error">{form.errors.source}</p>}
      <ErrorLine error={form.formError} testId="source-form-error" />
      <div className="ops-actions">
        <button
          className="primary"
          data-testid="source-save"
          disabled={form.saving}
          onClick={() => void form.save()}
        >
          {editing ? 'Save and restart' : 'Add source'}
        </button>
        <button onClick={onDone}>Cancel</button>
      </div>
    </>
  );
}
