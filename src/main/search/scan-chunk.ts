/**
 * The CPU half of a scan (see scan.ts), run in a worker thread: tests the batches of one
 * read against a query and returns copies of the matching records. Batches the batch
 * filter rules out are counted and skipped undecoded.
 */
import type { SearchQuery } from '../../common/api/messages';
import { decompress } from '../storage/compression';
import { decodeRecords, iterateBatches, RECORD_BATCH_OVERHEAD } from '../storage/record-batch';
import { checkedBatches, type BatchFault, type SegmentBounds } from '../storage/check-batches';
import type { StoredRecord } from '../storage/api';
import { compileBatchFilter, compileQuery, type BatchFilter, type RecordMatcher } from './query';
import { compileHitLocator, walkHits, type HitLocator } from './text-hits';

export interface ScanChunkParams {
  /**
   * Whole batches as stored (the first may start before `offset`): a view of a
   * SharedArrayBuffer the scan reads into (read here in place), or a copy moved here and
   * moved back. Only read.
   */
  raw: Uint8Array;
  partition: number;
  /** The offsets wanted: [offset, to). */
  offset: number;
  to: number;
  timeFrom: number;
  timeTo: number;
  /** null: every record of the range matches (a plain export). */
  query: SearchQuery | null;
  /** The most matches wanted from this read. */
  limit: number;
  /**
   * Set when the read's batches were not checked yet (ReadResult.unchecked): each batch is
   * checked here (header, offsets within these bounds, CRC) before it is used, and the walk
   * stops at a bad one.
   */
  check?: SegmentBounds | null;
}

/** Where a field's bytes are in a chunk's `data`: [start, length], or null for a null field. */
export type Span = [number, number] | null;

/** A matching record, its bytes copied into the chunk's `data`; `at` is how many were scanned up to it. */
export interface WireMatch {
  offset: number;
  timestamp: number;
  key: Span;
  value: Span;
  headers: { key: string; value: Span }[];
  at: number;
}

export interface ScanChunkResult extends ChunkWalk {
  matches: WireMatch[];
  /** The bytes of every match's key, value and header values, in one buffer moved back. */
  data: Uint8Array;
  /** The read buffer, given back for the next read. */
  raw: Uint8Array;
}

interface Compiled {
  matcher: RecordMatcher | null;
  batchFilter: BatchFilter | null;
  locate: HitLocator | null;
}

/** Queries compiled in this thread, by their JSON: a scan sends the same one per read. */
const compiled = new Map<string, Compiled>();

function compile(query: SearchQuery | null): Compiled {
  if (query === null) return { matcher: null, batchFilter: null, locate: null };
  const key = JSON.stringify(query);
  let c = compiled.get(key);
  if (!c) {
    if (compiled.size >= 16) compiled.clear();
    c = {
      matcher: compileQuery(query),
      batchFilter: compileBatchFilter(query),
      locate: compileHitLocator(query),
    };
    compiled.set(key, c);
  }
  return c;
}

export function scanChunk(p: ScanChunkParams): {
  result: ScanChunkResult;
  transfer: ArrayBuffer[];
} {
  const found: { record: StoredRecord; at: number }[] = [];
  const counts = walkChunk(p, (record, at) => {
    found.push({ record, at });
    return found.length < p.limit;
  });
  const { matches, data } = pack(found);
  const result: ScanChunkResult = { matches, data, ...counts, raw: p.raw };
  return { result, transfer: [...movedBack(p.raw), data.buffer as ArrayBuffer] };
}

/** The read buffer to move back: none when it is shared memory (given back by reference). */
export function movedBack(raw: Uint8Array): ArrayBuffer[] {
  return raw.buffer instanceof SharedArrayBuffer ? [] : [raw.buffer];
}

/** How a walk over one read came out (see walkChunk). */
export interface ChunkWalk {
  scanned: number;
  bytes: number;
  /** The match callback said stop (a limit) before the end of the read. */
  truncated: boolean;
  /** With `check`: the bytes from the start of the read that passed the check. */
  checked: number;
  /** With `check`: the bad batch that ended the walk (the batches before it were used). */
  fault: BatchFault | null;
}

/**
 * Tests the records of one read against the query, calling `onMatch` for each match in
 * offset order with how many records were scanned up to it; it returns false to stop.
 * Shared by the scan (which copies the matches back) and the count (which counts them
 * here, in the worker, see count-chunk.ts).
 */
export function walkChunk(
  p: Omit<ScanChunkParams, 'limit'>,
  onMatch: (record: StoredRecord, at: number) => boolean,
): ChunkWalk {
  const { matcher, batchFilter, locate } = compile(p.query);
  const raw = Buffer.from(p.raw.buffer, p.raw.byteOffset, p.raw.byteLength);
  const counts = { scanned: 0, bytes: 0, truncated: false };
  const check = { checked: 0, fault: null as BatchFault | null, lastOffset: -1 };
  const batches = p.check ? checkedBatches(raw, p.check, check) : iterateBatches(raw);
  batches: for (const { header, position, size } of batches) {
    const first = header.baseOffset;
    const last = first + header.lastOffsetDelta;
    if (last < p.offset) continue; // a read may start with a batch before the asked offset
    if (first >= p.to) break;
    const area = raw.subarray(position + RECORD_BATCH_OVERHEAD, position + size);
    const inside = first >= p.offset && last < p.to;
    let body: Buffer | null = null;
    if (inside && (batchFilter || locate)) {
      body = header.compression === 'none' ? area : decompress(header.compression, area);
      // With a text, finding it is the batch's test: no occurrence, no match; the other
      // conditions are then tested on the records holding it.
      const hits = locate ? locate(body) : null;
      if (hits ? hits.starts.length === 0 : !batchFilter!(body)) {
        counts.scanned += header.recordCount;
        counts.bytes += body.length;
        continue;
      }
      if (hits) {
        // Only the records holding the query's needle are decoded (see text-hits.ts).
        const before = counts.scanned;
        let stop: { index: number; end: number } | null = null;
        walkHits(body, header, hits, (index, r, end) => {
          if (r.timestamp < p.timeFrom || r.timestamp >= p.timeTo) return true;
          if (matcher !== null && !matcher(r, p.partition)) return true;
          if (onMatch(r, before + index + 1)) return true;
          stop = { index, end };
          return false;
        });
        const stopped = stop as { index: number; end: number } | null;
        counts.scanned += stopped ? stopped.index + 1 : header.recordCount;
        counts.bytes += stopped ? stopped.end : body.length;
        if (stopped) {
          counts.truncated = true;
          break;
        }
        continue;
      }
    }
    // Decoded from the body already decompressed for the filter, not decompressed again.
    const records = body
      ? decodeRecords(body, { ...header, compression: 'none' })
      : decodeRecords(area, header);
    for (const r of records) {
      if (r.offset < p.offset || r.offset >= p.to) continue;
      counts.scanned++;
      counts.bytes += (r.value?.length ?? 0) + (r.key?.length ?? 0);
      if (r.timestamp < p.timeFrom || r.timestamp >= p.timeTo) continue;
      if (matcher !== null && !matcher(r, p.partition)) continue;
      if (!onMatch(r, counts.scanned)) {
        counts.truncated = true;
        break batches;
      }
    }
  }
  return { ...counts, checked: check.checked, fault: check.fault };
}

/**
 * Copies the matches' bytes into one buffer: one object to move back rather than a small
 * buffer per field, each of which the main thread would have to rebuild and collect.
 */
function pack(found: { record: StoredRecord; at: number }[]): {
  matches: WireMatch[];
  data: Uint8Array;
} {
  let total = 0;
  for (const { record: r } of found) {
    total += (r.key?.length ?? 0) + (r.value?.length ?? 0);
    for (const h of r.headers) total += h.value?.length ?? 0;
  }
  const data = Buffer.allocUnsafeSlow(total);
  let pos = 0;
  const put = (b: Buffer | null): Span => {
    if (b === null) return null;
    b.copy(data, pos);
    pos += b.length;
    return [pos - b.length, b.length];
  };
  const matches = found.map(({ record: r, at }) => ({
    offset: r.offset,
    timestamp: r.timestamp,
    key: put(r.key),
    value: put(r.value),
    headers: r.headers.map((h) => ({ key: h.key, value: put(h.value) })),
    at,
  }));
  return { matches, data: new Uint8Array(data.buffer, 0, total) };
}
