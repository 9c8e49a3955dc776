import type { z } from 'zod';
import { LogdockError } from '../errors';

/**
 * Parses `value` with `schema`, or throws INVALID_ARGUMENT naming `what` and every field
 * that is wrong, e.g. `topics.create: partitions: expected number, received string`.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(params)'}: ${issue.message}`)
    .join('; ');
  throw new LogdockError('INVALID_ARGUMENT', `${what}: ${details}`);
}
