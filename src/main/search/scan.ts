import type { ScanProgress, ScanRange } from '../../common/api/messages';
import { LogdockError } from '../../common/errors';
import { selectPartitions, type MessageSource, type PartitionEnds } from '../browse/partitions';
import type { StoredRecord } from '../storage/api';
import { decodeRecords, iterateBatches, RECORD_BATCH_OVERHEAD } from '../storage/record-batch';
import { decompress } from '../storage/compression';
import { readAhead } from '../storage/read-ahead';
import type { BatchFilter, RecordMatcher } from './query';

/** Bytes per broker read: large enough for memchr-speed scanning, small enough to bound memory. */
const READ_BYTES = 4 * 1024 * 1024;
/** Longest stretch of scanning before the event loop gets a turn (IPC, other requests). */
const SLICE_MS = 15;

export type ProgressFigures = Omit<ScanProgress, 'type'>;

export interface ScanOptions {
  source: MessageSource;
  topic: string;
  partitions: number[] | null;
  range: ScanRange;
  /** null: every message of the range matches (a plain export). */
  matcher: RecordMatcher | null;
  /** Lets whole batches be skipped undecoded (see compileBatchFilter). */
  batchFilter?: BatchFilter | null;
  signal: AbortSignal;
  /**
   * Called for each match; return false to stop the scan (a result limit was reached). The
   * record's key, value and header values are views of a reused read buffer, valid during
   * the call only: copy what you keep.
   */
  onMatch: (record: StoredRecord, partition: number) => boolean | void | Promise<boolean | void>;
  onProgress: (figures: ProgressFigures) => void;
  progressIntervalMs?: number;
}

export interface ScanOutcome {
  reason: 'complete' | 'limit' | 'cancelled';
  scanned: number;
  matched: number;
  elapsedMs: number;
}

/** One partition's share of a scan: offsets [from, to), and a time filter for time ranges. */
interface Span {
  partition: number;
  from: number;
  to: number;
  offsets: number[] | null; // a selection: exactly these offsets
  timeFrom: number;
  timeTo: number;
}

/**
 * Reads a range of a topic partition by partition, in offset order, testing each message,
 * reporting progress at most every `progressIntervalMs` and giving the event loop a turn
 * every few milliseconds so that the process stays responsive. The end of the range is
 * fixed when the scan starts. Aborting `signal` stops it at the next message.
 * @throws LogdockError UNKNOWN_TOPIC / UNKNOWN_PARTITION, or what the cluster throws.
 */
export async function scanRange(opts: ScanOptions): Promise<ScanOutcome> {
  const started = Date.now();
  const parts = await selectPartitions(opts.source, opts.topic, opts.partitions);
  const spans = await resolveSpans(opts.source, opts.topic, parts, opts.range);
  const total = spans.reduce((n, s) => n + (s.offsets ? s.offsets.length : s.to - s.from), 0);
  const state = { scanned: 0, bytes: 0, matched: 0, lastProgress: 0, sliceStart: Date.now() };
  const interval = opts.progressIntervalMs ?? 200;

  const progress = (force: boolean) => {
    const now = Date.now();
    if (!force && now - state.lastProgress < interval) return;
    state.lastProgress = now;
    const elapsedMs = now - started;
    const rate = elapsedMs > 0 ? (state.scanned * 1000) / elapsedMs : 0;
    const left = Math.max(0, total - state.scanned);
    opts.onProgress({
      scanned: state.scanned,
      total,
      scannedBytes: state.bytes,
      matched: state.matched,
      rate,
      etaMs: rate > 0 ? Math.round((left * 1000) / rate) : null,
      elapsedMs,
    });
  };

  const finish = (reason: ScanOutcome['reason']): ScanOutcome => {
    progress(true);
    return {
      reason,
      scanned: state.scanned,
      matched: state.matched,
      elapsedMs: Date.now() - started,
    };
  };

  progress(true);
  for (const span of spans) {
    const batches = span.offsets ? readSelection(opts, span) : readSpan(opts, span);
    for await (const { records, skipped, skippedBytes } of batches) {
      state.scanned += skipped;
      state.bytes += skippedBytes;
      for (const r of records) {
        if (opts.signal.aborted) return finish('cancelled');
        state.scanned++;
        state.bytes += (r.value?.length ?? 0) + (r.key?.length ?? 0);
        if (r.timestamp < span.timeFrom || r.timestamp >= span.timeTo) continue;
        if (opts.matcher !== null && !opts.matcher(r, span.partition)) continue;
        state.matched++;
        if ((await opts.onMatch(r, span.partition)) === false) return finish('limit');
      }
      progress(false);
      if (Date.now() - state.sliceStart > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        state.sliceStart = Date.now();
      }
      if (opts.signal.aborted) return finish('cancelled');
    }
  }
  return finish('complete');
}

/** Records of one read, and how many messages (and bytes) a batch filter skipped undecoded. */
interface Chunk {
  records: StoredRecord[];
  skipped: number;
  skippedBytes: number;
}

/**
 * Reads raw batches (the bytes as stored, as a Kafka Fetch returns them), the next read in
 * flight while this one is tested, and decodes only the batches the batch filter cannot
 * rule out; this is what lets a search run near the speed of the disk rather than of
 * record decoding.
 */
async function* readSpan(opts: ScanOptions, span: Span): AsyncGenerator<Chunk> {
  const read = async (offset: number, into?: Buffer) =>
    (await opts.source.read(opts.topic, span.partition, offset, READ_BYTES, into)).records;
  const reads = readAhead(read, span.from, span.to, {
    signal: opts.signal,
    bufferBytes: READ_BYTES,
  });
  for await (const { raw, offset } of reads) {
    const chunk: Chunk = { records: [], skipped: 0, skippedBytes: 0 };
    for (const { header, position, size } of iterateBatches(raw)) {
      const first = header.baseOffset;
      const last = first + header.lastOffsetDelta;
      if (last < offset) continue; // a read may start with a batch before the asked offset
      if (first >= span.to) break;
      const area = raw.subarray(position + RECORD_BATCH_OVERHEAD, position + size);
      const inside = first >= offset && last < span.to;
      if (inside && opts.batchFilter) {
        const body = header.compression === 'none' ? area : decompress(header.compression, area);
        if (!opts.batchFilter(body)) {
          chunk.skipped += header.recordCount;
          chunk.skippedBytes += body.length;
          continue;
        }
      }
      for (const r of decodeRecords(area, header)) {
        if (r.offset >= offset && r.offset < span.to) chunk.records.push(r);
      }
    }
    yield chunk;
  }
}

async function* readSelection(opts: ScanOptions, span: Span): AsyncGenerator<Chunk> {
  for (const offset of span.offsets ?? []) {
    if (opts.signal.aborted) return;
    const records = await opts.source.readRecords(opts.topic, span.partition, offset, {
      maxRecords: 1,
    });
    yield { records: records.filter((r) => r.offset === offset), skipped: 0, skippedBytes: 0 };
  }
}

async function resolveSpans(
  source: MessageSource,
  topic: string,
  parts: PartitionEnds[],
  range: ScanRange,
): Promise<Span[]> {
  const base = (p: PartitionEnds): Span => ({
    partition: p.partition,
    from: p.logStartOffset,
    to: p.logEndOffset,
    offsets: null,
    timeFrom: -Infinity,
    timeTo: Infinity,
  });
  switch (range.kind) {
    case 'all':
      return parts.map(base);
    case 'offsets':
      if (range.to !== null && range.to < range.from) {
        throw new LogdockError(
          'INVALID_ARGUMENT',
          `range: end offset ${range.to} is before start offset ${range.from}`,
        );
      }
      return parts.map((p) => ({
        ...base(p),
        from: Math.max(range.from, p.logStartOffset),
        to: Math.min(range.to ?? p.logEndOffset, p.logEndOffset),
      }));
    case 'time': {
      if (range.to !== null && range.to < range.from) {
        throw new LogdockError(
          'INVALID_ARGUMENT',
          `range: end time ${new Date(range.to).toISOString()} is before start time ${new Date(range.from).toISOString()}`,
        );
      }
      const spans: Span[] = [];
      for (const p of parts) {
        const at = async (t: number) =>
          clamp((await source.offsetForTimestamp(topic, p.partition, t)) ?? p.logEndOffset, p);
        const from = await at(range.from);
        const to = range.to === null ? p.logEndOffset : await at(range.to);
        spans.push({ ...base(p), from, to, timeFrom: range.from, timeTo: range.to ?? Infinity });
      }
      return spans;
    }
    case 'selection': {
      return parts
        .map((p) => {
          const offsets = range.items
            .filter(
              (i) =>
                i.partition === p.partition &&
                i.offset >= p.logStartOffset &&
                i.offset < p.logEndOffset,
            )
            .map((i) => i.offset)
            .sort((a, b) => a - b);
          return { ...base(p), offsets: [...new Set(offsets)] };
        })
        .filter((s) => s.offsets.length > 0);
    }
  }
}

function clamp(offset: number, p: PartitionEnds): number {
  return Math.min(Math.max(offset, p.logStartOffset), p.logEndOffset);
}
