/**
 * Crash-safe small-file writes: temporary file → fsync → rename → fsync of the directory.
 * After a crash the target holds either the old or the new content, never a mix; a
 * leftover `.tmp` means the crash came before the rename (readers decide whether to use it).
 */
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    // Data must be on disk before the rename makes it visible under the real name.
    await fh.sync();
  } catch (err) {
    // E.g. a full disk: leave no empty or partial temporary file to confuse the next start.
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
  // The rename itself lives in the directory; sync it so it survives a power loss.
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  } finally {
    await dir.close();
  }
}
