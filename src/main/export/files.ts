import { constants } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { exportFileNameSchema } from '../../common/api/messages';
import { LogdockError } from '../../common/errors';
import { exportsDir } from './export';
import { isWrittenExport } from './written';

/** A finished export opened for reading; the caller closes `handle`. */
export interface OpenExport {
  path: string;
  handle: FileHandle;
  size: number;
}

// Windows has neither flag; there the checks of the open descriptor remain.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
// Opening a FIFO blocks until a writer comes, holding one of libuv's four pool threads.
const NON_BLOCK = constants.O_NONBLOCK ?? 0;

/**
 * Opens the finished export `fileName` in `<dataDir>/exports/` for reading. Only a bare
 * name that `messages.export` could have written is accepted (no separators, not `.`/`..`,
 * not a `.partial` file). The name is lstat'ed first and anything but a regular file (a
 * FIFO, a device, a symlink) is refused before it is opened; it is then opened
 * non-blocking without following a symlink, and the open descriptor must be a regular
 * file with one link that exports.json records as an export Logdock finished (so a hard
 * link or copy of a file from elsewhere is refused): nothing can be swapped in between
 * the check and the read.
 * @throws LogdockError NOT_FOUND for anything that is not a finished export there.
 */
export async function openFinishedExport(dataDir: string, fileName: string): Promise<OpenExport> {
  const dir = exportsDir(dataDir);
  const notFound = (why: string) =>
    new LogdockError(
      'NOT_FOUND',
      `no finished export named ${JSON.stringify(fileName)} in ${dir} (${why})`,
    );
  if (!exportFileNameSchema.safeParse(fileName).success)
    throw notFound('not a bare export file name');
  const path = join(dir, fileName);
  let handle: FileHandle;
  try {
    if (!(await lstat(path)).isFile()) throw notFound('not a regular file');
    handle = await open(path, constants.O_RDONLY | NO_FOLLOW | NON_BLOCK);
  } catch (err) {
    if (err instanceof LogdockError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw notFound(code === 'ELOOP' ? 'it is a symbolic link' : (code ?? 'cannot be opened'));
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notFound('not a regular file');
    if (stats.nlink !== 1) throw notFound('it has other hard links');
    if (!(await isWrittenExport(dataDir, fileName, stats)))
      throw notFound('not an export Logdock wrote, or changed since');
    return { path, handle, size: stats.size };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/**
 * The checked path of the finished export `fileName` (see openFinishedExport).
 * @throws LogdockError NOT_FOUND
 */
export async function finishedExportPath(dataDir: string, fileName: string): Promise<string> {
  const found = await openFinishedExport(dataDir, fileName);
  await found.handle.close();
  return found.path;
}
