import type { z } from 'zod';
import { LogdockError } from '../../common/errors';
import { readFileIfExists } from '../fs/atomic-file';

/**
 * Reads a JSON file of the data directory through its schema; null when it does not exist.
 * @throws LogdockError CORRUPT_FILE naming the file and the first field that is wrong.
 */
export async function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<z.output<S> | null> {
  const text = await readFileIfExists(path);
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new LogdockError('CORRUPT_FILE', `${path}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new LogdockError('CORRUPT_FILE', `${path}: ${where}${issue.message}`);
  }
  return parsed.data;
}

/** Runs tasks one after another in call order; a failed task does not stop the next. */
export function serialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };
}
