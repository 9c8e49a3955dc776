/**
 * Log compaction (cleanup.policy=compact): keeps, among the sealed segments, the newest
 * record of each key, drops tombstones (null value) older than delete.retention.ms and
 * keeps every surviving record's offset. The active segment is never touched, so appends
 * continue; each cleaned segment is written beside the old one and swapped in atomically,
 * while readers that hold the old segment keep reading its (unlinked) file.
 *
 * Crash safety of the swap, step by step: (1) `<base>.log.cleaned` is written and fsynced
 * — a crash leaves a leftover that open() deletes; (2) the old indexes are unlinked — a
 * crash leaves the old log without indexes, rebuilt lazily; (3) `.cleaned` is renamed over
 * `.log` (atomic) — a crash leaves the new log without indexes, rebuilt lazily; (4) the
 * indexes of the new log are written.
 */
import { promises as fs } from 'node:fs';
import type { StoredRecord } from './api';
import { syncDir } from './checkpoint';
import { type EncodableRecord, decodeRecordBatch, encodeBatchWithOffsets } from './record-batch';
import { type BatchLocation, LogSegment, type SegmentSettings } from './segment';
import { LogdockError } from '../../common/errors';

export interface CompactionContext {
  /** The current segments, oldest first; the last one is active. */
  segments: () => LogSegment[];
  /** Swaps `cleaned` in for `old`; false when `old` is no longer in the log. */
  replace: (old: LogSegment, cleaned: LogSegment) => boolean;
  settings: SegmentSettings;
  now: number;
  deleteRetentionMs: number;
  name: string;
}

function keyOf(r: StoredRecord): string | null {
  return r.key === null ? null : r.key.toString('latin1');
}

async function batchesOf(seg: LogSegment): Promise<BatchLocation[]> {
  const out: BatchLocation[] = [];
  await seg.scanHeaders(0, seg.size, (b) => {
    out.push(b);
  });
  return out;
}

async function readBatch(
  seg: LogSegment,
  b: BatchLocation,
  name: string,
): Promise<{ raw: Buffer; records: StoredRecord[] }> {
  const raw = await seg.readAt(b.position, b.size);
  try {
    return { raw, records: decodeRecordBatch(raw).records };
  } catch (err) {
    throw new LogdockError(
      'CORRUPT_RECORD',
      `compacting ${name}, ${seg.logPath} position ${b.position}: ${(err as Error).message}`,
    );
  }
}

/** Runs one compaction pass; see the file comment. Not safe concurrently with itself. */
export async function compactLog(ctx: CompactionContext): Promise<{ removedRecords: number }> {
  const sealed = ctx.segments().slice(0, -1);
  if (sealed.length === 0) return { removedRecords: 0 };
  // Pass 1: newest offset of every key.
  const latest = new Map<string, number>();
  for (const seg of sealed) {
    for (const b of await batchesOf(seg)) {
      if (b.header.isControl) continue;
      for (const r of (await readBatch(seg, b, ctx.name)).records) {
        const k = keyOf(r);
        if (k !== null) latest.set(k, r.offset);
      }
    }
  }
  // Pass 2: rewrite segments that lose records.
  const tombstoneLimit = ctx.now - ctx.deleteRetentionMs;
  let removed = 0;
  for (const seg of sealed) {
    const parts: Buffer[] = [];
    let changed = false;
    for (const b of await batchesOf(seg)) {
      const { raw, records } = await readBatch(seg, b, ctx.name);
      if (b.header.isControl || b.header.isTransactional) {
        parts.push(raw);
        continue;
      }
      const keep = records.filter((r) => {
        const k = keyOf(r);
        if (k !== null && latest.get(k) !== r.offset) return false;
        return !(r.value === null && r.timestamp < tombstoneLimit);
      });
      if (keep.length === records.length) {
        parts.push(raw);
        continue;
      }
      changed = true;
      removed += records.length - keep.length;
      if (keep.length > 0) parts.push(reencode(b, keep));
    }
    if (changed) await swapIn(ctx, seg, Buffer.concat(parts));
  }
  return { removedRecords: removed };
}

function reencode(b: BatchLocation, keep: StoredRecord[]): Buffer {
  const h = b.header;
  const records: EncodableRecord[] = keep.map((r) => ({
    offsetDelta: r.offset - h.baseOffset,
    timestamp: r.timestamp,
    key: r.key,
    value: r.value,
    headers: r.headers,
  }));
  // lastOffsetDelta is kept so the batch still ends at its original last offset (Kafka does so).
  return encodeBatchWithOffsets(records, {
    baseOffset: h.baseOffset,
    compression: h.compression,
    timestampType: h.timestampType,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    lastOffsetDelta: h.lastOffsetDelta,
    maxTimestamp: h.timestampType === 'LogAppendTime' ? h.maxTimestamp : undefined,
  });
}

async function swapIn(ctx: CompactionContext, old: LogSegment, data: Buffer): Promise<void> {
  const cleanedPath = `${old.logPath}.cleaned`;
  const fh = await fs.open(cleanedPath, 'w');
  try {
    await fh.writeFile(data);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await old.handle(); // readers holding `old` keep using this descriptor after the rename
  await old.offsetIndex.remove();
  await old.timeIndex.remove();
  await fs.rename(cleanedPath, old.logPath);
  await syncDir(old.dir);
  const cleaned = new LogSegment(old.dir, old.baseOffset, data.length, ctx.settings, ctx.now);
  cleaned.nextOffset = old.nextOffset;
  await cleaned.rebuildIndexes(false);
  if (cleaned.nextOffset < old.nextOffset) cleaned.nextOffset = old.nextOffset;
  if (ctx.replace(old, cleaned)) await old.retire();
  else await cleaned.closeHandle();
}
