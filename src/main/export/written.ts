import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readFileIfExists, writeFileAtomic } from '../fs/atomic-file';

/**
 * Which files of `<dataDir>/exports/` Logdock itself wrote, and the identity (inode, size,
 * modification time) each had when its export finished: `<dataDir>/exports.json` (see
 * docs/format/exports-index.md). A file placed in exports/ by anyone else — a hard link to
 * a file elsewhere, a copy, a file replaced after the export — does not match and is
 * never served.
 */
export const EXPORTS_INDEX_FILE = 'exports.json';
const VERSION = 1;
/** Oldest entries are dropped past this; their files are then no longer served. */
const MAX_ENTRIES = 10_000;

const entrySchema = z.object({ ino: z.number(), size: z.number(), mtimeMs: z.number() });
const indexSchema = z.object({
  version: z.literal(VERSION),
  exports: z.record(z.string(), entrySchema),
});
type Entry = z.infer<typeof entrySchema>;
type Index = Record<string, Entry>;

// Writes of one index are serialised in this process (an export finishing while another does).
const queues = new Map<string, Promise<unknown>>();

/** Records `fileName`, just renamed into exports/ with `stats`, as an export Logdock wrote. */
export function recordWrittenExport(
  dataDir: string,
  fileName: string,
  stats: Stats,
): Promise<void> {
  const path = join(dataDir, EXPORTS_INDEX_FILE);
  const next = (queues.get(path) ?? Promise.resolve())
    .catch(() => {})
    .then(async () => {
      const index = await readIndex(path);
      delete index[fileName]; // re-inserted last: insertion order is age order
      index[fileName] = identity(stats);
      const names = Object.keys(index);
      for (const old of names.slice(0, Math.max(0, names.length - MAX_ENTRIES))) delete index[old];
      await writeFileAtomic(path, `${JSON.stringify({ version: VERSION, exports: index })}\n`);
    });
  queues.set(path, next);
  return next;
}

/** Whether the open file `stats` is the export `fileName` as Logdock finished writing it. */
export async function isWrittenExport(
  dataDir: string,
  fileName: string,
  stats: Stats,
): Promise<boolean> {
  const entry = (await readIndex(join(dataDir, EXPORTS_INDEX_FILE)))[fileName];
  if (entry === undefined) return false;
  const now = identity(stats);
  return entry.ino === now.ino && entry.size === now.size && entry.mtimeMs === now.mtimeMs;
}

function identity(stats: Stats): Entry {
  return { ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs };
}

/** An unreadable or malformed index is empty: nothing is served rather than anything. */
async function readIndex(path: string): Promise<Index> {
  try {
    const text = await readFileIfExists(path);
    if (text === null) return {};
    const parsed = indexSchema.safeParse(JSON.parse(text));
    return parsed.success ? { ...parsed.data.exports } : {};
  } catch {
    return {};
  }
}
