/**
 * The CPU half of a scan (see scan.ts), run in a worker thread: tests the batches of one
 * read against a query and returns copies of the matching records. Batches the batch
 * filter rules out are counted and skipped undecoded.
 */
import type { SearchQuery } from '../../common/api/messages';
import { decompress } from '../storage/compression';
import { decodeRecords, iterateBatches, RECORD_BATCH_OVERHEAD } from '../storage/record-batch';
import type { StoredRecord } from '../storage/api';
import { compileBatchFilter, compileQuery, type BatchFilter, type RecordMatcher } from './query';

export interface ScanChunkParams {
  /** Whole batches as stored (the first may start before `offset`); moved, and moved back. */
  raw: Uint8Array;
  partition: number;
  /** The offsets wanted: [offset, to). */
  offset: number;
  to: number;
  timeFrom: number;
  timeTo: number;
  /** null: every record of the range matches (a plain export). */
  query: SearchQuery | null;
}

/** A matching record, copied out of the read buffer; `at` is how many were scanned up to it. */
export interface WireMatch {
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: { key: string; value: Uint8Array | null }[];
  at: number;
}

export interface ScanChunkResult {
  matches: WireMatch[];
  scanned: number;
  bytes: number;
  /** The read buffer, given back for the next read. */
  raw: Uint8Array;
}

interface Compiled {
  matcher: RecordMatcher | null;
  batchFilter: BatchFilter | null;
}

/** Queries compiled in this thread, by their JSON: a scan sends the same one per read. */
const compiled = new Map<string, Compiled>();

function compile(query: SearchQuery | null): Compiled {
  if (query === null) return { matcher: null, batchFilter: null };
  const key = JSON.stringify(query);
  let c = compiled.get(key);
  if (!c) {
    if (compiled.size >= 16) compiled.clear();
    c = { matcher: compileQuery(query), batchFilter: compileBatchFilter(query) };
    compiled.set(key, c);
  }
  return c;
}

export function scanChunk(p: ScanChunkParams): {
  result: ScanChunkResult;
  transfer: ArrayBuffer[];
} {
  const { matcher, batchFilter } = compile(p.query);
  const raw = Buffer.from(p.raw.buffer, p.raw.byteOffset, p.raw.byteLength);
  const out: ScanChunkResult = { matches: [], scanned: 0, bytes: 0, raw: p.raw };
  for (const { header, position, size } of iterateBatches(raw)) {
    const first = header.baseOffset;
    const last = first + header.lastOffsetDelta;
    if (last < p.offset) continue; // a read may start with a batch before the asked offset
    if (first >= p.to) break;
    const area = raw.subarray(position + RECORD_BATCH_OVERHEAD, position + size);
    const inside = first >= p.offset && last < p.to;
    let body: Buffer | null = null;
    if (inside && batchFilter) {
      body = header.compression === 'none' ? area : decompress(header.compression, area);
      if (!batchFilter(body)) {
        out.scanned += header.recordCount;
        out.bytes += body.length;
        continue;
      }
    }
    // Decoded from the body already decompressed for the filter, not decompressed again.
    const records = body
      ? decodeRecords(body, { ...header, compression: 'none' })
      : decodeRecords(area, header);
    for (const r of records) {
      if (r.offset < p.offset || r.offset >= p.to) continue;
      out.scanned++;
      out.bytes += (r.value?.length ?? 0) + (r.key?.length ?? 0);
      if (r.timestamp < p.timeFrom || r.timestamp >= p.timeTo) continue;
      if (matcher !== null && !matcher(r, p.partition)) continue;
      out.matches.push(copyOut(r, out.scanned));
    }
  }
  return { result: out, transfer: [p.raw.buffer as ArrayBuffer] };
}

function copyOut(r: StoredRecord, at: number): WireMatch {
  return {
    offset: r.offset,
    timestamp: r.timestamp,
    key: copy(r.key),
    value: copy(r.value),
    headers: r.headers.map((h) => ({ key: h.key, value: copy(h.value) })),
    at,
  };
}

/** A copy (Buffer#slice would be a view of the read buffer, which goes back to the reader). */
function copy(b: Buffer | null): Uint8Array | null {
  return b === null ? null : new Uint8Array(b);
}
