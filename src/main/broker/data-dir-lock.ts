import { open, readFile, readlink, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isNoSpace, LogdockError } from '../../common/errors';

export const LOCK_FILE = '.lock';

/** True if a process with this pid exists (EPERM means it exists but belongs to someone else). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dataDir>/.lock`, created exclusively with this process's pid, so that two
 * processes never open the same logs. A lock left by a dead process (crash, SIGKILL) is
 * taken over. Throws UNAVAILABLE naming the holder's pid when another live process (or
 * another broker in this process) holds it. Returns the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await createLock(path);
      return async () => {
        await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new LogdockError(
          'IO_ERROR',
          `cannot create lock file ${path}: ${(err as Error).message}`,
        );
      }
    }
    const text = await readLock(path);
    const pid = Number.parseInt(text.trim(), 10);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      const who =
        pid === process.pid ? 'this process (a broker is already open on it)' : `process ${pid}`;
      throw new LogdockError(
        'UNAVAILABLE',
        `data directory ${dataDir} is in use by ${who}; stop it or use another --data-dir (lock file ${path})`,
      );
    }
    // Stale (dead pid) or unreadable half-written lock: remove it and try again.
    await rm(path, { force: true });
  }
  throw new LogdockError('UNAVAILABLE', `could not take the lock ${path} after several attempts`);
}

/**
 * Creates the lock exclusively with this process's pid in it (EEXIST when it exists). On a
 * full disk, where even a few bytes of file content are refused, the pid goes into a
 * symbolic link's target instead (stored in the inode, as Emacs' lock files do), so that
 * Logdock can still start and serve reads.
 */
async function createLock(path: string): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writeFile(`${process.pid}\n`);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    if (!isNoSpace(err)) throw err;
    await rm(path, { force: true });
    await symlink(String(process.pid), path);
    return;
  }
  await fh.close();
}

/** The pid a lock holds ('' when unreadable): a file's text or a symbolic link's target. */
async function readLock(path: string): Promise<string> {
  try {
    return await readlink(path);
  } catch {
    return readFile(path, 'utf8').catch(() => '');
  }
}
