/**
 * Journal files of a `files` list that do not exist. journalctl given one such `--file`
 * fails as a whole ("Failed to open files: No data available", naming none), so the source
 * runs it over the files that exist and reports the others by name.
 */
import { existsSync } from 'node:fs';
import { LogdockError } from '../../../common/errors';

export function missingFiles(files: readonly string[]): string[] {
  return files.filter((f) => !existsSync(f));
}

/** NOT_FOUND naming every missing file and what the source does meanwhile. */
export function missingFilesError(missing: readonly string[], reading: number): LogdockError {
  const names = missing.join(', ');
  const doing =
    reading > 0
      ? `reading the ${reading} other file(s) meanwhile`
      : 'nothing to read until one appears';
  return new LogdockError('NOT_FOUND', `journal file(s) not found: ${names}; ${doing}`);
}
