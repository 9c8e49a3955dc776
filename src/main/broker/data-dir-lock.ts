import { constants } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { lock } from 'os-lock';
import { isNoSpace, LogdockError } from '../../common/errors';

export const LOCK_FILE = '.lock';

/** Directories this process holds: an OS record lock does not exclude its own process. */
const heldHere = new Set<string>();

/**
 * Takes an exclusive OS advisory lock on `<dataDir>/.lock` (fcntl on Unix, LockFileEx on
 * Windows, through os-lock), so that two processes never open the same logs. The kernel
 * releases it when the process ends, however it ends (SIGKILL, crash, power cut), so a lock
 * is never "stale" and no pid is trusted: a reused pid cannot keep a directory locked. The
 * file keeps the holder's pid only to name it in the error, and is never removed (removing
 * it would let a waiting process lock an unlinked inode while another locks a new one).
 * Throws UNAVAILABLE naming the holder when another process (or another broker in this
 * process) holds it. Returns the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  const key = resolve(dataDir);
  if (heldHere.has(key))
    throw inUse(dataDir, path, 'this process (a broker is already open on it)');
  heldHere.add(key);
  let handle: FileHandle | undefined;
  try {
    handle = await openLockFile(path);
    try {
      await lock(handle.fd, { exclusive: true, immediate: true });
    } catch (err) {
      if (!isContention(err)) throw err;
      const pid = await holderPid(handle);
      throw inUse(dataDir, path, pid === null ? 'another process' : `process ${pid}`);
    }
    await writePid(handle);
  } catch (err) {
    heldHere.delete(key);
    // Closing the descriptor also drops the lock, if it was taken.
    await handle?.close();
    if (err instanceof LogdockError) throw err;
    throw new LogdockError('IO_ERROR', `cannot lock ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const held = handle;
  return async () => {
    heldHere.delete(key);
    await held.close();
  };
}

/**
 * Opens (creating) the lock file without following a symlink: Logdock versions before the
 * OS lock kept the pid in a symlink's target on a full disk; such a link is removed.
 */
async function openLockFile(path: string): Promise<FileHandle> {
  const flags = constants.O_RDWR | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);
  try {
    return await open(path, flags, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOOP') throw err;
    await rm(path, { force: true });
    return open(path, flags, 0o644);
  }
}

/**
 * Records this process's pid for others' error messages. On a full disk the lock holds
 * all the same (it needs no data blocks); the file then names no pid.
 */
async function writePid(handle: FileHandle): Promise<void> {
  try {
    await handle.truncate(0);
    await handle.write(`${process.pid}\n`, 0);
    await handle.sync();
  } catch (err) {
    if (!isNoSpace(err)) throw err;
    await handle.truncate(0).catch(() => undefined);
  }
}

function isContention(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EACCES' || code === 'EBUSY';
}

/** The pid the holder wrote, read through our own descriptor; null if unreadable. */
async function holderPid(handle: FileHandle): Promise<number | null> {
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(32), 0, 32, 0);
    const pid = Number.parseInt(buffer.subarray(0, bytesRead).toString('utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null; // Windows: the locked range cannot be read by others
  }
}

function inUse(dataDir: string, path: string, who: string): LogdockError {
  return new LogdockError(
    'UNAVAILABLE',
    `data directory ${dataDir} is in use by ${who}; stop it or use another --data-dir (lock file ${path})`,
  );
}
