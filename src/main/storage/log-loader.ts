/**
 * Opening a partition's directory (Kafka's LogLoader): finishes interrupted compaction
 * swaps, removes leftovers of interrupted writes, lists the segments, decides whether the
 * log needs recovery (no clean-shutdown marker, no readable partition.meta, or a clean
 * marker but an active segment whose tail does not parse) and runs it (recovery.ts), and
 * works out the offsets the log starts with. It runs before the log is visible to anyone;
 * PartitionLog.open is its only caller.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { LogdockError } from '../../common/errors';
import type { RecoveryReport } from './api';
import { type PartitionMeta, readMeta, syncDir } from './partition-meta';
import { completeInterruptedSwaps } from './compaction';
import { recoverSegments } from './recovery';
import { LogSegment, type SegmentSettings } from './segment';

export const CLEAN_SHUTDOWN_FILE = '.clean-shutdown';
const SEGMENT_FILE = /^(\d{20})\.log$/;
/** Leftovers of interrupted writes (meta/index rewrites, compaction): removed on open. */
const LEFTOVER_FILE = /\.(tmp|cleaned)$/;
/** Segment files stat'ed at once while listing (a partition may hold thousands). */
const STAT_PARALLEL = 32;

export interface LoadedLog {
  /** Oldest first; the last is the active segment (created empty in a new directory). */
  segments: LogSegment[];
  logStartOffset: number;
  logEndOffset: number;
  recoveryPoint: number;
  /** Compaction's first dirty offset (never beyond the end). */
  cleanerPoint: number;
  /** partition.meta is missing or behind what was loaded: the caller writes it. */
  metaStale: boolean;
}

/** Loads the log in `dir` (which exists), recovering it when needed; fills `report`. */
export async function loadLog(
  dir: string,
  settings: SegmentSettings,
  report: RecoveryReport,
  now: number,
): Promise<LoadedLog> {
  const names = await cleanDirectory(dir);
  const clean = names.includes(CLEAN_SHUTDOWN_FILE);
  const meta = await readMetaOrNull(dir);
  const bases = names
    .map((n) => SEGMENT_FILE.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  const segs = await statSegments(dir, bases, settings, now);
  if (segs.length === 0)
    segs.push(await LogSegment.create(dir, meta?.logStartOffset ?? 0, settings, now));
  for (let i = 0; i < segs.length - 1; i++) segs[i].nextOffset = segs[i + 1].baseOffset;

  // A brand-new directory has nothing to recover.
  let needRecovery = bases.length > 0 && (!clean || meta === null);
  if (!needRecovery) {
    try {
      await segs[segs.length - 1].loadSummary();
    } catch (err) {
      if (!(err instanceof LogdockError) || err.code !== 'CORRUPT_RECORD') throw err;
      needRecovery = true; // a clean marker but a bad tail: trust the bytes, not the marker
    }
  }
  if (needRecovery) await recoverSegments(segs, meta?.recoveryPoint ?? 0, report, settings);
  if (clean) {
    await fs.rm(join(dir, CLEAN_SHUTDOWN_FILE), { force: true });
    await syncDir(dir);
  }
  const active = segs[segs.length - 1];
  const end = active.nextOffset;
  const metaStale = needRecovery || meta === null;
  // What recovery validated is on disk once flushed: the recovery point moves to the end.
  if (metaStale) await active.flush(true);
  if (active.size > 0 && active.firstTimestamp !== null)
    active.rollStartMs = Math.min(now, active.firstTimestamp);
  return {
    segments: segs,
    logEndOffset: end,
    logStartOffset: Math.min(Math.max(meta?.logStartOffset ?? 0, segs[0].baseOffset), end),
    recoveryPoint: metaStale ? end : meta.recoveryPoint,
    // Never beyond the end: offsets past a truncation are dirty again when rewritten.
    cleanerPoint: Math.min(meta?.cleanerPoint ?? 0, end),
    metaStale,
  };
}

/** Finishes interrupted swaps, removes leftovers; returns the directory's names. */
async function cleanDirectory(dir: string): Promise<string[]> {
  let names = await fs.readdir(dir);
  // A compaction swap past its commit point is finished before the segments are listed.
  if ((await completeInterruptedSwaps(dir, names)).length > 0) names = await fs.readdir(dir);
  await Promise.all(
    names.filter((n) => LEFTOVER_FILE.test(n)).map((n) => fs.rm(join(dir, n), { force: true })),
  );
  return names;
}

/** partition.meta, or null when absent or unreadable (then the whole log is recovered). */
async function readMetaOrNull(dir: string): Promise<PartitionMeta | null> {
  try {
    return await readMeta(dir);
  } catch (err) {
    if (!(err instanceof LogdockError) || err.code !== 'CORRUPT_FILE') throw err;
    return null;
  }
}

async function statSegments(
  dir: string,
  bases: number[],
  settings: SegmentSettings,
  now: number,
): Promise<LogSegment[]> {
  const out: LogSegment[] = new Array(bases.length);
  for (let i = 0; i < bases.length; i += STAT_PARALLEL) {
    await Promise.all(
      bases.slice(i, i + STAT_PARALLEL).map(async (base, k) => {
        const seg = new LogSegment(dir, base, 0, settings, now);
        seg.size = (await fs.stat(seg.logPath)).size;
        out[i + k] = seg;
      }),
    );
  }
  return out;
}
