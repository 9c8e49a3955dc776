/**
 * Checkpoints of a file source. The truth is the topic: every record carries the source,
 * file identity and byte range it came from, so on start the position of each file is the
 * `logdock.end` of its last record, and the checkpoint can never drift from what was
 * appended. The checkpoint file (`<dataDir>/collectors/checkpoints/<source>.json`) is only
 * a cache that says where in each partition the scan may start: it stores the positions
 * together with the partitions' end offsets taken *before* those positions were
 * snapshotted, so every record past `scanFrom` is re-applied and none before it is
 * missing. Format: see docs/format/collector-checkpoint.md.
 */
import { readFile, rm } from 'node:fs/promises';
import { z } from 'zod';
import type { Cluster } from '../cluster';
import type { Logger } from '../logger';
import { writeFileAtomic } from '../fs/atomic-file';
import type { PastGeneration } from './copies';
import { parseIdentity, type Fingerprint } from './identity';
import { H, headerString } from './record';

export const CHECKPOINT_VERSION = 1;

const fileSchema = z.object({
  key: z.string(),
  path: z.string(),
  fp: z.object({ length: z.number().int().min(0), hash: z.string() }),
  position: z.number().int().min(0),
});

const checkpointSchema = z.object({
  version: z.literal(CHECKPOINT_VERSION),
  source: z.string(),
  topic: z.string(),
  /** True once the source's first scan has placed every file (startAt applied). */
  initialized: z.boolean(),
  scanFrom: z.record(z.string(), z.number().int().min(0)),
  files: z.array(fileSchema),
  /** Content that ended (truncated, finished): how far it was read, to recognise copies of it. */
  past: z
    .array(
      z.object({
        fp: fileSchema.shape.fp,
        position: z.number().int().min(0),
        path: z.string().optional(),
      }),
    )
    .default([]),
});

export type FileCheckpoint = z.infer<typeof fileSchema>;
export type SourceCheckpoint = z.infer<typeof checkpointSchema>;

/**
 * Reads a checkpoint file. A leftover `.tmp` that parses completely is newer than the
 * file (the crash came between its fsync and the rename) and wins; a torn one is
 * ignored. A malformed checkpoint is reported and treated as absent: the topic scan
 * then rebuilds the positions, so nothing is lost.
 */
export async function readCheckpoint(
  path: string,
  logger: Logger,
): Promise<SourceCheckpoint | null> {
  for (const candidate of [`${path}.tmp`, path]) {
    let text: string;
    try {
      text = await readFile(candidate, 'utf8');
    } catch {
      continue;
    }
    try {
      return checkpointSchema.parse(JSON.parse(text));
    } catch (err) {
      if (candidate === path)
        logger.warn(`ignoring malformed checkpoint ${path}: ${(err as Error).message}`);
      await rm(candidate, { force: true });
    }
  }
  return null;
}

/** Writes a checkpoint atomically (temporary file, fsync, rename). */
export async function writeCheckpoint(
  path: string,
  checkpoint: z.input<typeof checkpointSchema>,
): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(checkpoint));
}

export interface RecoveredFile extends FileCheckpoint {
  partition?: number;
}

/**
 * Applies to `files` every record of `source` found in `topic` from the checkpoint's
 * `scanFrom` (or the log start) to the end: the last record of each file identity gives
 * its path, fingerprint and position. A record of another fingerprint that starts before
 * the last end under the same `dev:ino` ends that generation: it is added to `past`.
 * Returns the number of records scanned.
 * @throws whatever the cluster throws for the topic (e.g. UNKNOWN_TOPIC).
 */
export async function scanTopic(
  cluster: Cluster,
  topic: string,
  source: string,
  scanFrom: Record<string, number>,
  files: Map<string, RecoveredFile>,
  past: PastGeneration[] = [],
  stopped: () => boolean = () => false,
): Promise<number> {
  let scanned = 0;
  for (const p of (await cluster.describeTopic(topic)).partitions) {
    const offset0 = Math.max(p.logStartOffset, scanFrom[String(p.partition)] ?? 0);
    let offset = offset0 > p.logEndOffset ? p.logStartOffset : offset0;
    // A source closed during its start stops reading a long topic (its result is dropped).
    while (offset < p.logEndOffset && !stopped()) {
      const records = await cluster.readRecords(topic, p.partition, offset, { maxRecords: 5000 });
      if (records.length === 0) break;
      for (const r of records) {
        scanned++;
        if (headerString(r.headers, H.source) !== source) continue;
        const id = parseIdentity(headerString(r.headers, H.identity) ?? '');
        const end = Number(headerString(r.headers, H.end));
        if (!id || !Number.isSafeInteger(end)) continue;
        const known = files.get(id.key);
        // Offsets only grow within one content: a record starting before the last end,
        // with another fingerprint, is the file's next content after a truncation.
        const start = Number(headerString(r.headers, H.offset));
        if (known && known.fp.hash !== id.fp.hash && start < known.position)
          past.push({ fp: known.fp, position: known.position, path: known.path });
        // Records of one file sit in one partition unless keys spread them; then the
        // furthest position of the same content wins.
        if (
          known &&
          known.partition !== undefined &&
          known.partition !== p.partition &&
          sameFp(known.fp, id.fp) &&
          known.position > end
        )
          continue;
        files.set(id.key, {
          key: id.key,
          path: headerString(r.headers, H.file) ?? known?.path ?? '',
          fp: id.fp,
          position: end,
          partition: p.partition,
        });
      }
      offset = records[records.length - 1].offset + 1;
    }
  }
  return scanned;
}

function sameFp(a: Fingerprint, b: Fingerprint): boolean {
  const n = Math.min(a.length, b.length);
  return n === 0 || (a.length === b.length && a.hash === b.hash);
}
