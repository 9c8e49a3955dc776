/**
 * Log compaction (cleanup.policy=compact), after Kafka's LogCleaner. A pass:
 *
 * 1. Maps the keys of the dirty range — from the first offset no earlier pass cleaned to the
 *    active segment — to their newest offset in a bounded OffsetMap (one per process, see
 *    offset-map.ts). When the map fills first, the pass only cleans up to the last offset
 *    mapped (`cleanedUpTo`); the rest waits for the next pass, as in Kafka.
 * 2. Groups adjacent sealed segments below that point whose combined log size fits in
 *    segment.bytes, whose indexes fit in MAX_INDEX_BYTES each and whose offsets fit the
 *    index's int32 relative offset (Kafka's groupSegmentsBySize), and rewrites each group
 *    into one segment named by the group's first base offset: records superseded by a newer
 *    offset of their key are dropped, so are tombstones older than delete.retention.ms;
 *    every surviving record keeps its offset, each batch its lastOffsetDelta, codec and
 *    producer fields; control and transactional batches are copied unchanged. A lone
 *    segment that loses nothing is left alone.
 *
 * The active segment is never touched, so appends continue; a reader that holds an old
 * segment keeps reading its open (unlinked) file. Passes of all logs of the process run one
 * at a time, sharing one map, so memory stays at one map's size (Kafka's one cleaner thread).
 *
 * Threads: this file does the I/O — reads ~1 MiB chunks of whole batches, writes the
 * cleaned file, swaps segments — and hands each chunk to `tasks` (compaction-chunk.ts),
 * which checks, decompresses and decodes its batches and fills or consults the offset map.
 * The broker gives tasks that run on a worker thread, with the map in a SharedArrayBuffer,
 * so that a pass over gigabytes never holds the event loop longer than a chunk's I/O
 * callbacks; without them the tasks run inline (as before, one chunk per turn).
 *
 * Crash safety of a group's swap, step by step (recovery: completeInterruptedSwaps):
 * (1) `<base>.log.cleaned` is written and fdatasynced — a crash leaves a leftover that open()
 *     deletes, and the old group intact;
 * (2) it is renamed to `<base>-<end>.swap` (dir fsynced) — the commit point: from here open()
 *     finishes the swap, deleting every segment file with a base offset in [base, end)
 *     except `<base>.log` and renaming the swap over `<base>.log`;
 * (3) the files of the group's later segments and the first one's indexes are deleted;
 * (4) the swap is renamed over `<base>.log` (atomic; dir fsynced) — a crash leaves the new
 *     log without indexes, rebuilt lazily;
 * (5) the new log's indexes are written and it replaces the group in the segment list.
 * So after any crash either the old group or the new segment is visible, never both.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir } from './partition-meta';
import { OffsetMap, type OffsetMapShare } from './offset-map';
import {
  type ChunkAnswer,
  type ChunkParams,
  type FilterChunkParams,
  type FilterChunkResult,
  type MapChunkParams,
  type MapChunkResult,
  filterChunk,
  mapChunk,
} from './compaction-chunk';
import { LOG_SUFFIX, LogSegment, type SegmentSettings, segmentFileName } from './segment';
import { OFFSET_INDEX_ENTRY } from './offset-index';
import { TIME_INDEX_ENTRY } from './time-index';
import { LogdockError } from '../../common/errors';

/** Kafka's segment.index.bytes default: the most index bytes a merged segment may get. */
export const MAX_INDEX_BYTES = 10 * 1024 * 1024;
/** Largest offset distance an index entry can hold (int32 relative offset). */
const MAX_RELATIVE_OFFSET = 2 ** 31 - 1;
const READ_CHUNK = 1024 * 1024;
const WRITE_CHUNK = 1024 * 1024;
const SWAP_FILE = /^(\d{20})-(\d{20})\.swap$/;
const SEGMENT_PART = /^(\d{20})\.(log|index|timeindex)$/;

/** Points of a group's swap, reported to `afterStep` (a test seam to simulate crashes). */
export type SwapStep =
  'cleaned-written' | 'swap-committed' | 'member-deleted' | 'old-deleted' | 'renamed';

/**
 * Where the CPU half of a pass runs (see compaction-chunk.ts): the answers must be those of
 * mapChunk and filterChunk for the same parameters.
 */
export interface CompactionTasks {
  map(p: MapChunkParams): Promise<MapChunkResult>;
  filter(p: FilterChunkParams): Promise<FilterChunkResult>;
}

/** The CPU half on the calling thread: each chunk's work is one turn of its event loop. */
export const inlineCompactionTasks: CompactionTasks = {
  map: async (p) => mapChunk(p),
  filter: async (p) => filterChunk(p),
};

export interface CompactionContext {
  /** The current segments, oldest first; the last one is active. */
  segments: () => LogSegment[];
  /** Swaps `cleaned` in for the adjacent segments `old`; false when they are no longer in the log. */
  replace: (old: LogSegment[], cleaned: LogSegment) => boolean;
  settings: SegmentSettings;
  now: number;
  deleteRetentionMs: number;
  /** segment.bytes: the largest log a merged group may have. */
  segmentBytes: number;
  /** Offsets below this were cleaned by an earlier pass (0 when unknown: all is dirty). */
  firstDirtyOffset: number;
  /** Size of the offset map (log.cleaner.dedupe.buffer.size). */
  offsetMapBytes: number;
  name: string;
  /** Where chunks are checked, decoded and filtered; inline when absent. */
  tasks?: CompactionTasks;
  afterStep?: (step: SwapStep) => void | Promise<void>;
}

export interface CompactionResult {
  removedRecords: number;
  /** What a pass did; absent when none ran (policy delete, no sealed segment). */
  pass?: {
    /** Offsets below this are clean now: the next pass maps keys from here. */
    cleanedUpTo: number;
    /** The map filled before the end of the dirty range. */
    mapFull: boolean;
    mappedKeys: number;
    /** The map's fixed size in bytes. */
    offsetMapBytes: number;
    segmentsBefore: number;
    segmentsAfter: number;
  };
}

let sharedMap: OffsetMap | null = null;
let cleanerChain: Promise<unknown> = Promise.resolve();

/** Runs `task` with the process's one offset map (cleared), one pass at a time. */
function withOffsetMap<T>(bytes: number, task: (map: OffsetMap) => Promise<T>): Promise<T> {
  const run = cleanerChain.then(() => {
    if (sharedMap?.requestedBytes !== bytes) {
      sharedMap = null; // let the old table go before allocating the new one
      sharedMap = new OffsetMap(bytes);
    }
    sharedMap.clear();
    return task(sharedMap);
  });
  cleanerChain = run.catch(() => undefined);
  return run;
}

/**
 * Hands the batches of sealed segment `seg` to `task` in chunks of ~1 MiB (more when one
 * batch is larger), each read into memory of its own, shared with a worker thread rather
 * than copied to it; then awaits `each` with the answer, the chunk's position and the bytes
 * the task consumed. Stops when `each` returns true.
 */
async function eachChunk<A extends ChunkAnswer>(
  seg: LogSegment,
  ctx: CompactionContext,
  map: OffsetMapShare,
  task: (chunk: ChunkParams) => Promise<A>,
  each: (answer: A, position: number, consumed: Buffer) => Promise<boolean | void>,
): Promise<void> {
  const end = seg.size;
  let pos = 0;
  let want = READ_CHUNK;
  while (pos < end) {
    const length = Math.min(want, end - pos);
    const raw = await seg.readAt(pos, length, Buffer.from(new SharedArrayBuffer(length)));
    // A file shorter than its segment's size: the task reports the batch cut there as corrupt.
    const answer = await task({
      raw,
      position: pos,
      end: raw.length < length ? pos + raw.length : end,
      file: seg.logPath,
      name: ctx.name,
      map,
    });
    if (answer.consumed === 0 && answer.needs > raw.length) {
      want = answer.needs; // one batch larger than a chunk: read it whole
      continue;
    }
    want = READ_CHUNK;
    if (await each(answer, pos, raw.subarray(0, answer.consumed))) return;
    if (answer.consumed === 0) {
      throw new LogdockError('INTERNAL', `compacting ${seg.logPath} position ${pos}: no progress`);
    }
    pos += answer.consumed;
  }
}

/** Runs one compaction pass; see the file comment. Not safe concurrently with itself on one log. */
export function compactLog(ctx: CompactionContext): Promise<CompactionResult> {
  return withOffsetMap(ctx.offsetMapBytes, (map) => compactWith(ctx, map));
}

async function compactWith(ctx: CompactionContext, map: OffsetMap): Promise<CompactionResult> {
  const all = ctx.segments();
  const sealed = all.slice(0, -1);
  if (sealed.length === 0) return { removedRecords: 0 };
  const rangeEnd = sealed[sealed.length - 1].nextOffset;
  const firstDirty = Math.min(ctx.firstDirtyOffset, rangeEnd);
  const stop = await buildOffsetMap(ctx, sealed, firstDirty, map);
  const groups = await groupSegments(
    sealed.filter((s) => s.baseOffset < stop),
    ctx.segmentBytes,
  );
  const tombstoneLimit = ctx.now - ctx.deleteRetentionMs;
  let removed = 0;
  for (const group of groups) removed += await cleanGroup(ctx, group, map, stop, tombstoneLimit);
  return {
    removedRecords: removed,
    pass: {
      cleanedUpTo: stop,
      mapFull: stop < rangeEnd,
      mappedKeys: map.size,
      offsetMapBytes: map.byteSize,
      segmentsBefore: all.length,
      segmentsAfter: ctx.segments().length,
    },
  };
}

/**
 * Maps the keys of [firstDirty, end of the sealed segments) to their newest offset. Returns
 * the end of the mapped range: the offset of the first record whose key did not fit, or
 * the end of the sealed segments.
 */
async function buildOffsetMap(
  ctx: CompactionContext,
  sealed: LogSegment[],
  firstDirty: number,
  map: OffsetMap,
): Promise<number> {
  const tasks = ctx.tasks ?? inlineCompactionTasks;
  const share = map.share();
  for (const seg of sealed) {
    if (seg.nextOffset <= firstDirty) continue;
    let stop: number | null = null;
    await eachChunk(
      seg,
      ctx,
      share,
      (chunk) => tasks.map({ ...chunk, firstDirty }),
      async (answer) => {
        stop = answer.stop;
        return stop !== null;
      },
    );
    if (stop !== null) return stop;
  }
  return sealed[sealed.length - 1].nextOffset;
}

/** Kafka's groupSegmentsBySize: greedy runs of adjacent segments that fit one segment. */
async function groupSegments(segs: LogSegment[], segmentBytes: number): Promise<LogSegment[][]> {
  const groups: LogSegment[][] = [];
  let i = 0;
  while (i < segs.length) {
    const head = segs[i];
    await head.ensureIndexes();
    let logBytes = head.size;
    let indexBytes = head.offsetIndex.entries * OFFSET_INDEX_ENTRY;
    let timeIndexBytes = head.timeIndex.entries * TIME_INDEX_ENTRY;
    let j = i + 1;
    for (; j < segs.length; j++) {
      const s = segs[j];
      await s.ensureIndexes();
      const fits =
        logBytes + s.size <= segmentBytes &&
        indexBytes + s.offsetIndex.entries * OFFSET_INDEX_ENTRY <= MAX_INDEX_BYTES &&
        timeIndexBytes + s.timeIndex.entries * TIME_INDEX_ENTRY <= MAX_INDEX_BYTES &&
        s.nextOffset - 1 - head.baseOffset <= MAX_RELATIVE_OFFSET;
      if (!fits) break;
      logBytes += s.size;
      indexBytes += s.offsetIndex.entries * OFFSET_INDEX_ENTRY;
      timeIndexBytes += s.timeIndex.entries * TIME_INDEX_ENTRY;
    }
    groups.push(segs.slice(i, j));
    i = j;
  }
  return groups;
}

/** Streams a cleaned log to its file in ~1 MiB writes; opened only when needed. */
class CleanedWriter {
  private fh: FileHandle | null = null;
  private parts: Buffer[] = [];
  private pending = 0;
  size = 0;

  constructor(readonly path: string) {}

  get opened(): boolean {
    return this.fh !== null;
  }

  async open(): Promise<void> {
    this.fh = await fs.open(this.path, 'w');
  }

  async push(buf: Buffer): Promise<void> {
    this.parts.push(buf);
    this.pending += buf.length;
    this.size += buf.length;
    if (this.pending >= WRITE_CHUNK) await this.drain();
  }

  /** Copies bytes [from, to) of `seg` unchanged (a prefix that lost nothing). */
  async copy(seg: LogSegment, from: number, to: number): Promise<void> {
    for (let pos = from; pos < to; pos += READ_CHUNK)
      await this.push(await seg.readAt(pos, Math.min(READ_CHUNK, to - pos)));
  }

  private async drain(): Promise<void> {
    const data = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    this.pending = 0;
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.fh!.write(data, done, data.length - done);
      done += bytesWritten;
    }
  }

  /** Writes the rest, fdatasyncs and closes; returns the size. */
  async finish(): Promise<number> {
    await this.drain();
    await this.fh!.datasync();
    await this.fh!.close();
    this.fh = null;
    return this.size;
  }

  /** Closes and removes the file after a failure. */
  async abort(): Promise<void> {
    await this.fh?.close().catch(() => undefined);
    this.fh = null;
    await fs.rm(this.path, { force: true });
  }
}

/** Rewrites `group` into one segment when it merges several or loses records; returns removed count. */
async function cleanGroup(
  ctx: CompactionContext,
  group: LogSegment[],
  map: OffsetMap,
  stop: number,
  tombstoneLimit: number,
): Promise<number> {
  const tasks = ctx.tasks ?? inlineCompactionTasks;
  const share = map.share();
  const head = group[0];
  const out = new CleanedWriter(`${head.logPath}.cleaned`);
  let removed = 0;
  try {
    if (group.length > 1) await out.open();
    for (const seg of group) {
      const filter = (chunk: ChunkParams) => tasks.filter({ ...chunk, stop, tombstoneLimit });
      await eachChunk(seg, ctx, share, filter, async (answer, position, consumed) => {
        if (answer.out === null) {
          if (out.opened) await out.push(consumed);
          return;
        }
        removed += answer.removed;
        if (!out.opened) {
          // A lone segment's first loss: what came before it is copied as is.
          await out.open();
          await out.copy(head, 0, position);
        }
        await out.push(Buffer.from(answer.out.buffer, answer.out.byteOffset, answer.out.length));
      });
    }
    if (!out.opened) return 0;
    await out.finish();
  } catch (err) {
    await out.abort();
    throw err;
  }
  await swapIn(ctx, group, out.size);
  return removed;
}

/** `<base>-<end>.swap`: a cleaned segment for [base, end), committed but not yet in place. */
export function swapFileName(base: number, end: number): string {
  return `${String(base).padStart(20, '0')}-${String(end).padStart(20, '0')}.swap`;
}

/** Steps (2)-(5) of the file comment for the written `<base>.log.cleaned` of `group`. */
async function swapIn(ctx: CompactionContext, group: LogSegment[], size: number): Promise<void> {
  const head = group[0];
  const end = group[group.length - 1].nextOffset;
  const step = async (s: SwapStep) => {
    if (ctx.afterStep) await ctx.afterStep(s);
  };
  // Readers holding an old segment keep reading these descriptors after the unlinks, and
  // its loaded indexes (so nothing rewrites index files under the new segment's names).
  for (const s of group) {
    await s.handle();
    await s.ensureIndexes();
  }
  await step('cleaned-written');
  const swapPath = join(head.dir, swapFileName(head.baseOffset, end));
  await fs.rename(`${head.logPath}.cleaned`, swapPath);
  await syncDir(head.dir);
  await step('swap-committed');
  for (const s of group.slice(1).reverse()) {
    await fs.rm(s.logPath, { force: true });
    await s.offsetIndex.remove();
    await s.timeIndex.remove();
    await step('member-deleted');
  }
  await head.offsetIndex.remove();
  await head.timeIndex.remove();
  await syncDir(head.dir);
  await step('old-deleted');
  await fs.rename(swapPath, head.logPath);
  await syncDir(head.dir);
  await step('renamed');
  const cleaned = new LogSegment(head.dir, head.baseOffset, size, ctx.settings, ctx.now);
  cleaned.nextOffset = end;
  await cleaned.rebuildIndexes(false);
  if (cleaned.nextOffset < end) cleaned.nextOffset = end;
  if (ctx.replace(group, cleaned)) {
    for (const s of group) await s.retire();
  } else {
    await cleaned.closeHandle();
  }
}

/**
 * Finishes swaps a crash interrupted after their commit point (step 2): for each
 * `<base>-<end>.swap` in `dir` (whose names are `names`), deletes every segment file with a
 * base offset in [base, end) but `<base>.log`, then renames the swap over `<base>.log`.
 * Idempotent (a crash during it is finished on the next open). Returns the swaps finished.
 */
export async function completeInterruptedSwaps(dir: string, names: string[]): Promise<string[]> {
  const done: string[] = [];
  for (const name of names) {
    const m = SWAP_FILE.exec(name);
    if (!m) continue;
    const base = Number(m[1]);
    const end = Number(m[2]);
    for (const other of names) {
      const part = SEGMENT_PART.exec(other);
      if (!part) continue;
      const b = Number(part[1]);
      if (b < base || b >= end || (b === base && part[2] === 'log')) continue;
      await fs.rm(join(dir, other), { force: true });
    }
    await syncDir(dir);
    await fs.rename(join(dir, name), join(dir, segmentFileName(base, LOG_SUFFIX)));
    await syncDir(dir);
    done.push(name);
  }
  return done;
}
