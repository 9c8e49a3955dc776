import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { exportFileNameSchema } from '../../common/api/messages';
import { LogdockError } from '../../common/errors';
import { exportsDir } from './export';

/** A finished export opened for reading; the caller closes `handle`. */
export interface OpenExport {
  path: string;
  handle: FileHandle;
  size: number;
}

// Windows has no O_NOFOLLOW; there the file-type check of the open descriptor remains.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Opens the finished export `fileName` in `<dataDir>/exports/` for reading. Only a bare
 * name that `messages.export` could have written is accepted (no separators, not `.`/`..`,
 * not a `.partial` file), the last component is opened without following a symlink
 * (so a link planted in exports/ cannot point elsewhere), and the type is checked on the
 * open descriptor, so nothing can be swapped in between the check and the read.
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
    handle = await open(path, constants.O_RDONLY | NO_FOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw notFound(code === 'ELOOP' ? 'it is a symbolic link' : (code ?? 'cannot be opened'));
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notFound('not a regular file');
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
