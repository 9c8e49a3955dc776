import type { ErrorPayload } from '../../../../common/errors';

/** Anything thrown by an API call as the plain `{ code, message }` the views show. */
export function asPayload(err: unknown): ErrorPayload {
  const e = err as Partial<ErrorPayload> | null;
  if (e && typeof e === 'object' && typeof e.message === 'string') {
    return { code: (e.code ?? 'INTERNAL') as ErrorPayload['code'], message: e.message };
  }
  return { code: 'INTERNAL', message: String(err) };
}
