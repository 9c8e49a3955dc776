/**
 * The partition's metadata file `partition.meta` (docs/format/partition-meta.md): the log
 * start offset, the recovery point and the cleaner point, as text lines. Written crash-safely: the new content
 * goes to `partition.meta.tmp`, is fsynced, renamed over the old file (atomic on POSIX), and
 * the directory is fsynced so that the rename itself survives a power loss. A crash before
 * the rename leaves the old file intact; the leftover .tmp is ignored and removed on open.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { LogdockError } from '../../common/errors';
import { writeFileAtomic } from '../fs/atomic-file';

export const META_FILE = 'partition.meta';
const HEADER = 'logdock-partition-meta v1';

export interface PartitionMeta {
  logStartOffset: number;
  recoveryPoint: number;
  /**
   * Compaction's first dirty offset: records below it were cleaned by a completed pass
   * (Kafka's cleaner-offset-checkpoint). 0 when absent (files written before it existed).
   */
  cleanerPoint: number;
}

/** Reads `partition.meta`; null when absent. Throws CORRUPT_FILE naming the file and line. */
export async function readMeta(dir: string): Promise<PartitionMeta | null> {
  const path = join(dir, META_FILE);
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const lines = text.split('\n');
  if (lines[0] !== HEADER) {
    throw new LogdockError('CORRUPT_FILE', `${path}: first line is not "${HEADER}"`);
  }
  const values = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const m = /^([a-zA-Z]+) (\d{1,16})$/.exec(lines[i]);
    if (!m) throw new LogdockError('CORRUPT_FILE', `${path}: line ${i + 1} is malformed`);
    values.set(m[1], Number(m[2]));
  }
  const logStartOffset = values.get('logStartOffset');
  const recoveryPoint = values.get('recoveryPoint');
  if (logStartOffset === undefined || recoveryPoint === undefined) {
    throw new LogdockError('CORRUPT_FILE', `${path}: logStartOffset or recoveryPoint missing`);
  }
  return { logStartOffset, recoveryPoint, cleanerPoint: values.get('cleanerPoint') ?? 0 };
}

/** Atomically replaces `partition.meta` (see the file comment). Not safe concurrently. */
export async function writeMeta(dir: string, meta: PartitionMeta): Promise<void> {
  const text =
    `${HEADER}\nlogStartOffset ${meta.logStartOffset}\nrecoveryPoint ${meta.recoveryPoint}\n` +
    `cleanerPoint ${meta.cleanerPoint}\n`;
  await writeFileAtomic(join(dir, META_FILE), text);
}

/** fsyncs a directory so that creations, renames and unlinks in it are durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
