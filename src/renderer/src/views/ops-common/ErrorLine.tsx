import type { ErrorPayload } from '../../../../common/errors';

/** One error from the API, with its code, where a view shows a failed action. */
export function ErrorLine({ error, testId }: { error: ErrorPayload | null; testId?: string }) {
  if (!error) return null;
  return (
    <p className="ops-error" role="alert" data-testid={testId}>
      <strong>{error.code}</strong> {error.message}
    </p>
  );
}
