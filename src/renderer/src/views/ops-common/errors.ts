import type { ErrorPayload } from '../../../../common/errors';

/** Whatever an API call threw, as the `{ code, message }` the views display. */
export function errorOf(err: unknown): ErrorPayload {
  const e = err as Partial<ErrorPayload> | null;
  if (e && typeof e === 'object' && typeof e.message === 'string') {
    return { code: (e.code ?? 'INTERNAL') as ErrorPayload['code'], message: e.message };
  }
  return { code: 'INTERNAL', message: String(err) };
}
