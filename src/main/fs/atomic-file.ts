/**
 * The one way Logdock replaces a small file so that a crash at any moment leaves either the
 * old content or the new, never a mix (settings, topic catalogue, partition.meta, collector
 * sources and checkpoints, window state, api.json, the exports index), and the one way a
 * reader finishes a write a crash interrupted. A leaf module: it imports only Node, so every
 * layer (storage included) may use it.
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';

export interface AtomicWriteOptions {
  /** Mode of the new file (default 0644; 0600 for files holding secrets). */
  mode?: number;
  /**
   * The temporary file (default `<path>.tmp`). Writers in different processes racing for the
   * same file give each their own, so that neither renames the other's half-written one.
   */
  tmpPath?: string;
}

/**
 * Replaces `path` with `content`: write the temporary file, fsync it (the bytes are on disk
 * before the name points at them), rename it over `path` (atomic on POSIX), then fsync the
 * directory so the rename itself survives a power cut. A failed write (a full disk) leaves
 * no temporary file behind. Not safe to call concurrently for the same path; callers
 * serialise their writes.
 * @throws the underlying fs error (ENOSPC, EACCES, ...), whose message names the path.
 */
export async function writeFileAtomic(
  path: string,
  content: string | Buffer,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const tmp = opts.tmpPath ?? `${path}.tmp`;
  // A leftover tmp of an interrupted write may have another mode: start from nothing.
  await fs.rm(tmp, { force: true });
  const handle = await fs.open(tmp, 'w', opts.mode ?? 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (err) {
    // E.g. a full disk: leave no empty or partial temporary file to confuse the next start.
    await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await handle.close();
  await fs.rename(tmp, path);
  await syncDirectory(dirname(path));
}

/** Errors of platforms and file systems that cannot open or fsync a directory at all. */
const DIR_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EACCES']);

/**
 * fsyncs a directory so that a rename in it is durable. Where directories cannot be synced
 * (Windows, some network file systems) that is skipped; any other failure is thrown.
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!DIR_SYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}

/** Reads a file as UTF-8, or returns null when it does not exist. */
export async function readFileIfExists(path: string): Promise<string | null> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Finishes or discards a write a crash interrupted, before `path` is read: a leftover
 * `<path>.tmp` that `check` accepts (returns without throwing) is complete (it was fsynced
 * before the rename that did not happen), so it is renamed over `path`; one `check` rejects
 * is a torn write and is removed. Nothing happens when there is none.
 */
export async function finishInterruptedWrite(
  path: string,
  check: (text: string, tmpPath: string) => unknown,
): Promise<void> {
  const tmp = `${path}.tmp`;
  const text = await readFileIfExists(tmp);
  if (text === null) return;
  try {
    check(text, tmp);
  } catch {
    await fs.rm(tmp, { force: true });
    return;
  }
  await fs.rename(tmp, path);
}
