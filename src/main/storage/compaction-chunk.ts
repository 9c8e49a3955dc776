/**
 * The CPU half of a compaction pass (see compaction.ts): for one chunk of a segment's bytes
 * (~1 MiB of whole batches, read by the main thread), checks and decodes every batch —
 * CRC-32C, decompression, records — and either maps its keys to their newest offset
 * (`mapChunk`) or decides which records survive and re-encodes the batches that lost some
 * (`filterChunk`). Plain functions of bytes and the shared OffsetMap: compaction runs them
 * on a worker thread (CompactionTasks, given by the broker) or, without one, inline.
 *
 * A chunk may end inside a batch: the functions stop before it and say how many bytes they
 * `consumed`; when even the first batch is not whole they consume nothing and say how many
 * bytes it `needs`, so that the caller reads it whole. Errors are CORRUPT_RECORD naming the
 * partition, the file and the batch's position, as when this ran on the main thread.
 */
import { LogdockError } from '../../common/errors';
import type { StoredRecord } from './api';
import { OffsetMap, type OffsetMapShare } from './offset-map';
import {
  type EncodableRecord,
  type RecordBatchHeader,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  decodeRecordBatch,
  encodeBatchWithOffsets,
  lastOffsetOf,
  readBatchHeader,
} from './record-batch';

/** What both tasks are given: a chunk and where it lies. */
export interface ChunkParams {
  /** Whole batches from `position` on (maybe a partial one at the end); only read. */
  raw: Uint8Array;
  /** File position of raw[0]. */
  position: number;
  /** End of the segment's batches: a batch running past it is corrupt. */
  end: number;
  /** The segment file and the partition, for messages. */
  file: string;
  name: string;
  map: OffsetMapShare;
}

export interface ChunkAnswer {
  /** Bytes of whole batches handled, from raw[0]. */
  consumed: number;
  /** When `consumed` is 0: the size of the first batch, to read whole. */
  needs: number;
}

export interface MapChunkParams extends ChunkParams {
  /** Records below this were cleaned before: not mapped. */
  firstDirty: number;
}

export interface MapChunkResult extends ChunkAnswer {
  /** The offset of the first record whose key did not fit the full map, or null. */
  stop: number | null;
}

export interface FilterChunkParams extends ChunkParams {
  /** End of the mapped range: what lies beyond is kept. */
  stop: number;
  /** Tombstones older than this are dropped (delete.retention.ms). */
  tombstoneLimit: number;
}

export interface FilterChunkResult extends ChunkAnswer {
  removed: number;
  /** The consumed bytes as they are to be written, or null when every record survived. */
  out: Uint8Array | null;
}

interface Batch {
  header: RecordBatchHeader;
  at: number;
  raw: Buffer;
}

/** Walks the whole batches of the chunk until `visit` returns true; see ChunkAnswer. */
function eachBatch(p: ChunkParams, visit: (b: Batch) => boolean | void): ChunkAnswer {
  const buf = Buffer.from(p.raw.buffer, p.raw.byteOffset, p.raw.byteLength);
  let at = 0;
  while (p.position + at < p.end) {
    const pos = p.position + at;
    const corrupt = (what: string) =>
      new LogdockError(
        'CORRUPT_RECORD',
        `compacting ${p.name}, ${p.file} position ${pos}: ${what}`,
      );
    if (pos + RECORD_BATCH_OVERHEAD > p.end) throw corrupt('too few bytes for a batch header');
    if (at + RECORD_BATCH_OVERHEAD > buf.length) return incomplete(at, RECORD_BATCH_OVERHEAD);
    let header: RecordBatchHeader;
    try {
      header = readBatchHeader(buf, at);
    } catch (err) {
      throw corrupt((err as Error).message);
    }
    const size = LOG_OVERHEAD + header.batchLength;
    if (pos + size > p.end) throw corrupt(`batch of ${size} bytes runs past ${p.end}`);
    if (at + size > buf.length) return incomplete(at, size);
    if (visit({ header, at, raw: buf.subarray(at, at + size) }) === true) break;
    at += size;
  }
  return { consumed: at, needs: 0 };
}

/** The chunk ends inside the batch at `at`, of `size` bytes. */
function incomplete(at: number, size: number): ChunkAnswer {
  return { consumed: at, needs: at === 0 ? size : 0 };
}

function recordsOf(p: ChunkParams, b: Batch): StoredRecord[] {
  try {
    return decodeRecordBatch(b.raw).records;
  } catch (err) {
    throw new LogdockError(
      'CORRUPT_RECORD',
      `compacting ${p.name}, ${p.file} position ${p.position + b.at}: ${(err as Error).message}`,
    );
  }
}

/**
 * Puts the keys of the chunk's records at or above `firstDirty` into the map, with their
 * offsets; stops at the first key the full map refuses (`stop`, and `consumed` then ends
 * before its batch).
 */
export function mapChunk(p: MapChunkParams): MapChunkResult {
  const map = OffsetMap.attach(p.map);
  let stop: number | null = null;
  const answer = eachBatch(p, (b) => {
    if (b.header.isControl || lastOffsetOf(b.header) < p.firstDirty) return;
    for (const r of recordsOf(p, b)) {
      if (r.offset < p.firstDirty || r.key === null) continue;
      if (!map.put(r.key, r.offset)) {
        stop = r.offset;
        return true;
      }
    }
  });
  return { ...answer, stop };
}

/**
 * The chunk's batches with the records a newer offset of their key supersedes removed, and
 * tombstones older than `tombstoneLimit`; batches that lose every record are left out,
 * those that lose some re-encoded (see filterBatch). `out` is null when nothing was lost.
 */
export function filterChunk(p: FilterChunkParams): FilterChunkResult {
  const map = OffsetMap.attach(p.map);
  const parts: Buffer[] = [];
  let removed = 0;
  let changed = false;
  const answer = eachBatch(p, (b) => {
    const kept = filterBatch(p, b, map);
    if (kept === null) {
      parts.push(b.raw);
      return;
    }
    changed = true;
    removed += kept.removed;
    if (kept.buf) parts.push(kept.buf);
  });
  return { ...answer, removed, out: changed ? concatUnpooled(parts) : null };
}

/** One buffer of its own (never a slice of Node's shared pool), so it can be moved between threads. */
function concatUnpooled(parts: Buffer[]): Uint8Array {
  let total = 0;
  for (const b of parts) total += b.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of parts) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/**
 * Null when the batch keeps every record (it is copied as stored), else its re-encoded
 * survivors (null when none) and how many records it lost.
 */
function filterBatch(
  p: FilterChunkParams,
  b: Batch,
  map: OffsetMap,
): { buf: Buffer | null; removed: number } | null {
  const h = b.header;
  // Beyond the mapped range nothing is known to supersede a record: keep it.
  if (h.isControl || h.isTransactional || h.baseOffset >= p.stop) return null;
  const records = recordsOf(p, b);
  const keep = records.filter((r) => {
    if (r.offset >= p.stop) return true;
    if (r.key !== null && map.get(r.key) > r.offset) return false;
    // A tombstone below `stop` is its key's newest record there, so older ones are gone too.
    return !(r.value === null && r.timestamp < p.tombstoneLimit);
  });
  if (keep.length === records.length) return null;
  return {
    buf: keep.length > 0 ? reencode(h, keep) : null,
    removed: records.length - keep.length,
  };
}

function reencode(h: RecordBatchHeader, keep: StoredRecord[]): Buffer {
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
