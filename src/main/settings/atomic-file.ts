import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Replaces `path` with `content` so that a crash at any moment leaves either the old file or
 * the new one, never a mix: write `path.tmp`, fsync it (the bytes are on disk before the
 * name points at them), rename over `path` (atomic on POSIX), then fsync the directory so the
 * rename itself survives a power cut. Not safe to call concurrently for the same path;
 * callers serialise writes (SettingsStore does). `mode` applies to the new file (0644 unless
 * given; 0600 for files holding secrets).
 *
 * @throws the underlying fs error (ENOSPC, EACCES, ...) with the path in its message.
 */
export async function writeFileAtomic(
  path: string,
  content: string | Buffer,
  mode = 0o644,
): Promise<void> {
  const tmp = `${path}.tmp`;
  // A leftover tmp of an interrupted write may have another mode: start from nothing.
  await fs.rm(tmp, { force: true });
  const handle = await fs.open(tmp, 'w', mode);
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

/** fsyncs a directory; some platforms (Windows) cannot open one, which is harmless there. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Directory fsync is best effort: not supported everywhere.
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
