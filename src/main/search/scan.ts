import type { ScanProgress, ScanRange, SearchQuery } from '../../common/api/messages';
import { LogdockError } from '../../common/errors';
import { selectPartitions, type MessageSource, type PartitionEnds } from '../browse/partitions';
import type { StoredRecord } from '../storage/api';
import { readAhead } from '../storage/read-ahead';
import { giveReadBuffer, takeReadBuffer } from './read-buffers';
import { readStriped } from '../storage/read-striped';
import { sharedWorkerPool, type WorkerPool } from '../workers/pool';
import type { CountChunkResult } from './count-chunk';
import type { Counts, CountSpec } from './counters';
import { compileQuery, type RecordMatcher } from './query';
import type { ChunkWalk, ScanChunkParams, ScanChunkResult, Span as WireSpan } from './scan-chunk';
import type { UncheckedRead } from '../storage/api';
import type { BatchFault } from '../storage/check-batches';

/** Bytes per broker read: large enough for memchr-speed scanning, small enough to bound memory. */
const READ_BYTES = 8 * 1024 * 1024;
/**
 * Fetches in flight per partition when the cluster is reached over the network (a remote
 * cluster): one at a time, each read would wait a round trip and the broker would idle.
 */
const NETWORK_READS = 3;
/** Longest stretch of handling matches before the event loop gets a turn (IPC, other requests). */
const SLICE_MS = 15;

export type ProgressFigures = Omit<ScanProgress, 'type'>;

export interface ScanOptions {
  source: MessageSource;
  topic: string;
  partitions: number[] | null;
  range: ScanRange;
  /** null: every message of the range matches (a plain export). Compiled by the caller first. */
  query: SearchQuery | null;
  signal: AbortSignal;
  /**
   * Called for each match, in offset order; return false to stop the scan (a result limit
   * was reached). The record is a copy the caller may keep.
   */
  onMatch: (record: StoredRecord, partition: number) => boolean | void | Promise<boolean | void>;
  onProgress: (figures: ProgressFigures) => void;
  progressIntervalMs?: number;
  /** The most matches the caller takes (onMatch says false at the last): bounds each read's. */
  limit?: number;
  /** Bytes per read (tests make it small to cross many reads); 16 MiB by default. */
  readBytes?: number;
  /** The threads that test the messages; the process's shared pool by default. */
  pool?: WorkerPool;
  /**
   * Resume a scan after this message: partitions scanned before it are skipped, and its
   * partition starts at the next offset (a search showing more hits as the person scrolls).
   */
  after?: { partition: number; offset: number };
  /**
   * Count the matches of each read in the worker instead of handing them to onMatch: only
   * the counts come back (see counters.ts), given to onCounts in offset order. The matches
   * of a selection, tested here, still go to onMatch. `limit` is then exact: the read that
   * would pass it is counted again up to it.
   */
  count?: { spec: CountSpec; onCounts: (counts: Counts) => void };
}

export interface ScanOutcome {
  reason: 'complete' | 'limit' | 'cancelled';
  scanned: number;
  matched: number;
  elapsedMs: number;
}

/** One partition's share of a scan: offsets [from, to), and a time filter for time ranges. */
export interface Span {
  partition: number;
  from: number;
  to: number;
  offsets: number[] | null; // a selection: exactly these offsets
  timeFrom: number;
  timeTo: number;
}

/** What one read of the scan came to: counts, and the matches in offset order. */
interface Chunk {
  partition: number;
  scanned: number;
  bytes: number;
  matches: StoredRecord[];
  /** For each match, how many messages of the chunk were scanned up to and including it. */
  at: number[];
  /** The chunk stopped at the limit before the end of its read. */
  truncated: boolean;
  /** The counts of the matches, when counted in the worker (matches is then empty). */
  counts: Counts | null;
}

/**
 * Reads a range of a topic partition by partition, in offset order, testing each message,
 * reporting progress at most every `progressIntervalMs`. The testing (decompressing,
 * decoding, matching) runs in the worker pool, one read per task and two reads a
 * thread in flight, so that the main thread only moves buffers and handles
 * matches: the UI's API, the Kafka listener and the collectors stay responsive. The end of
 * the range is fixed when the scan starts. Aborting `signal` stops it at the next match or
 * read.
 * @throws LogdockError UNKNOWN_TOPIC / UNKNOWN_PARTITION, INVALID_ARGUMENT for a bad query,
 *   CORRUPT_RECORD from a worker, INTERNAL when a worker died, or what the cluster throws.
 */
export async function scanRange(opts: ScanOptions): Promise<ScanOutcome> {
  if (opts.query) compileQuery(opts.query); // a bad query fails here
  const parts = await selectPartitions(opts.source, opts.topic, opts.partitions);
  const spans = resumeAfter(
    await resolveSpans(opts.source, opts.topic, parts, opts.range),
    opts.after,
  );
  return scanSpans(opts, spans);
}

/** What scanSpans needs of ScanOptions: the spans replace partitions, range and after. */
export type SpanScanOptions = Omit<ScanOptions, 'partitions' | 'range' | 'after'>;

/**
 * Scans spans of one topic (see resolveSpans) in the order given, as scanRange does; the
 * merged scan (merged-scan.ts) scans a slice of each lane with it.
 */
export async function scanSpans(opts: SpanScanOptions, spans: Span[]): Promise<ScanOutcome> {
  const started = Date.now();
  const matcher = opts.query ? compileQuery(opts.query) : null;
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
  const limit = () => (opts.limit ?? Infinity) - state.matched;
  for await (const chunk of chunks(opts, spans, matcher, limit)) {
    if (chunk.counts) {
      state.matched += chunk.counts.matched;
      opts.count?.onCounts(chunk.counts);
    }
    for (let i = 0; i < chunk.matches.length; i++) {
      if (opts.signal.aborted) {
        state.scanned += i > 0 ? chunk.at[i - 1] : 0;
        return finish('cancelled');
      }
      state.matched++;
      if ((await opts.onMatch(chunk.matches[i], chunk.partition)) === false) {
        state.scanned += chunk.at[i];
        return finish('limit');
      }
      if (Date.now() - state.sliceStart > SLICE_MS) await yieldTurn(state);
    }
    state.scanned += chunk.scanned;
    state.bytes += chunk.bytes;
    if (chunk.truncated || limit() <= 0) return finish('limit');
    progress(false);
    if (opts.signal.aborted) return finish('cancelled');
  }
  return finish('complete');
}

async function yieldTurn(state: { sliceStart: number }): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  state.sliceStart = Date.now();
}

/** The chunks of every span in order: selections read here, ranges tested in the pool. */
async function* chunks(
  opts: SpanScanOptions,
  spans: Span[],
  matcher: RecordMatcher | null,
  limit: () => number,
): AsyncGenerator<Chunk> {
  for (const span of spans) {
    if (span.offsets) yield* readSelection(opts, span, matcher);
    else yield* scanSpan(opts, span, limit);
  }
}

/**
 * Reads raw batches (the bytes as stored, as a Kafka Fetch returns them), the next read in
 * flight while earlier ones are tested, and hands each read to a worker, two reads a
 * thread queued in the pool; results are taken in order. Reads go into SharedArrayBuffers
 * that the worker reads in place and that are reused for later reads (fresh memory would
 * have to be faulted in page by page): moving buffers to the worker and back instead made
 * V8 count each arrival as new external memory and collect garbage for it ("external
 * memory pressure"), hundreds of times a scan, on the main thread.
 */
async function* scanSpan(
  opts: SpanScanOptions,
  span: Span,
  limit: () => number,
): AsyncGenerator<Chunk> {
  const pool = opts.pool ?? sharedWorkerPool();
  const readBytes = opts.readBytes ?? READ_BYTES;
  // The worker checks the CRCs of batches read for the first time as it reads them, rather
  // than the read doing it here on the main thread (~0.3 s a GB of CPU on a first search).
  const unchecked = new WeakMap<Uint8Array, UncheckedRead>();
  const read = async (offset: number, maxBytes = readBytes) => {
    const into = takeReadBuffer(readBytes);
    const bytes = Math.min(maxBytes, readBytes);
    const got = await opts.source.read(opts.topic, span.partition, offset, bytes, into, {
      callerChecks: true,
    });
    const owned = got.records.buffer === into.buffer;
    if (!owned) giveReadBuffer(into.buffer); // the source answered from its own memory
    return { raw: got.records, owned, unchecked: got.unchecked };
  };
  const owned = new WeakSet<Buffer>();
  const rawRead = async (offset: number, maxBytes?: number) => {
    const r = await read(offset, maxBytes);
    if (r.owned) owned.add(r.raw);
    if (r.unchecked) unchecked.set(r.raw, r.unchecked);
    return r.raw;
  };
  const reads: AsyncGenerator<{ raw: Buffer; offset: number; to?: number }> =
    opts.source.local === undefined
      ? readStriped(rawRead, span.from, span.to, {
          concurrency: NETWORK_READS,
          signal: opts.signal,
          readBytes,
        })
      : readAhead((offset) => rawRead(offset), span.from, span.to, { signal: opts.signal });
  const inFlight: Promise<Tested>[] = [];
  const test = (
    sent: Uint8Array,
    offset: number,
    to: number,
    max: number,
    check: UncheckedRead | undefined,
  ): Promise<Tested> => {
    const params: ScanChunkParams = {
      check: check?.bounds ?? null,
      raw: sent,
      partition: span.partition,
      offset,
      to,
      timeFrom: span.timeFrom,
      timeTo: span.timeTo,
      query: opts.query,
      limit: max,
    };
    const moved = sent.buffer instanceof SharedArrayBuffer ? [] : [sent.buffer];
    const tested = (r: ChunkWalk & { raw: Uint8Array }, chunk: Chunk): Tested => ({
      raw: r.raw,
      offset,
      to,
      chunk,
      check,
      checked: r.checked,
      fault: r.fault,
    });
    const task = (
      opts.count
        ? pool
            .run<CountChunkResult>('count', { ...params, count: opts.count.spec }, moved)
            .then((r) => tested(r, countedChunk(span.partition, r)))
        : pool
            .run<ScanChunkResult>('scan', params, moved)
            .then((r) => tested(r, toChunk(span.partition, r)))
    ).catch((err: unknown) => {
      const code = err instanceof LogdockError ? err.code : 'INTERNAL';
      throw new LogdockError(
        code,
        `scan of topic ${opts.topic} partition ${span.partition} at offset ${offset}: ${(err as Error).message}`,
        { cause: err },
      );
    });
    task.catch(() => undefined); // awaited below, or abandoned when the scan stops early
    return task;
  };
  const send = (raw: Buffer, offset: number, to: number) => {
    // A buffer that is not ours (a remote cluster's fetch) is copied: moving it could take
    // memory shared with other buffers.
    const sent = owned.has(raw)
      ? new Uint8Array(raw.buffer, raw.byteOffset, raw.length)
      : new Uint8Array(raw);
    return test(sent, offset, to, limit(), unchecked.get(raw));
  };
  /**
   * A tested read, in order; counts that would pass the limit are taken again up to it.
   * `error`: the read held a bad batch, to be thrown after the chunk of the batches before it.
   */
  const settle = async (task: Promise<Tested>): Promise<{ chunk: Chunk; error?: Error }> => {
    let t = await task;
    let error: Error | undefined;
    if (t.fault) error = t.check?.failed(t.fault);
    else t.check?.passed(t.checked);
    const left = limit();
    if (t.chunk.counts && t.chunk.counts.matched > left)
      t = await test(t.raw, t.offset, t.to, left, t.check);
    if (t.raw.buffer.byteLength === readBytes) giveReadBuffer(t.raw.buffer);
    return { chunk: t.chunk, error };
  };
  let failed: { error: unknown } | null = null;
  const next = async (): Promise<IteratorResult<{ raw: Buffer; offset: number; to?: number }>> => {
    try {
      return await reads.next();
    } catch (error) {
      failed = { error };
      return { done: true, value: undefined };
    }
  };
  try {
    for (let r = await next(); !r.done; r = await next()) {
      const { raw, offset, to } = r.value;
      inFlight.push(send(raw, offset, to ?? span.to));
      // Two reads a thread queued: a thread that finishes starts the next at once instead of
      // waiting for this thread to take its result (on a loaded machine, milliseconds).
      if (inFlight.length >= 2 * pool.size) yield* settled(await settle(inFlight.shift()!));
    }
    // A read that failed (a corrupt batch where it starts) comes after the reads before it:
    // their matches first, then its error (unless one of them met a bad batch first).
    while (inFlight.length > 0) yield* settled(await settle(inFlight.shift()!));
    if (failed) throw (failed as { error: unknown }).error;
  } finally {
    inFlight.length = 0;
    void reads.return(undefined);
  }
}

/** A read tested in a worker: its result, and the read buffer given back. */
interface Tested {
  chunk: Chunk;
  raw: Uint8Array;
  offset: number;
  /** The end of the offsets the read stands for. */
  to: number;
  /** The read's batches were checked in the worker: how it went, to be reported here. */
  check: UncheckedRead | undefined;
  checked: number;
  fault: BatchFault | null;
}

/** The chunk of a settled read, then its bad batch's error (see settle in scanSpan). */
function* settled(s: { chunk: Chunk; error?: Error }): Generator<Chunk> {
  yield s.chunk;
  if (s.error) throw s.error;
}

function countedChunk(partition: number, r: CountChunkResult): Chunk {
  const { scanned, bytes, truncated, counts } = r;
  return { partition, scanned, bytes, truncated, counts, matches: [], at: [] };
}

function toChunk(partition: number, r: ScanChunkResult): Chunk {
  const data = Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength);
  const view = (span: WireSpan) =>
    span === null ? null : data.subarray(span[0], span[0] + span[1]);
  return {
    partition,
    scanned: r.scanned,
    bytes: r.bytes,
    truncated: r.truncated,
    matches: r.matches.map((m) => ({
      offset: m.offset,
      timestamp: m.timestamp,
      key: view(m.key),
      value: view(m.value),
      headers: m.headers.map((h) => ({ key: h.key, value: view(h.value) })),
    })),
    at: r.matches.map((m) => m.at),
    counts: null,
  };
}

/** A selection (a few offsets picked in the UI) is small: tested here, one record a read. */
async function* readSelection(
  opts: SpanScanOptions,
  span: Span,
  matcher: RecordMatcher | null,
): AsyncGenerator<Chunk> {
  for (const offset of span.offsets ?? []) {
    if (opts.signal.aborted) return;
    const records = await opts.source.readRecords(opts.topic, span.partition, offset, {
      maxRecords: 1,
    });
    const chunk: Chunk = {
      partition: span.partition,
      scanned: 0,
      bytes: 0,
      matches: [],
      at: [],
      truncated: false,
      counts: null,
    };
    for (const r of records) {
      if (r.offset !== offset) continue;
      chunk.scanned++;
      chunk.bytes += (r.value?.length ?? 0) + (r.key?.length ?? 0);
      if (matcher !== null && !matcher(r, span.partition)) continue;
      chunk.matches.push(r);
      chunk.at.push(chunk.scanned);
    }
    yield chunk;
  }
}

/**
 * Each partition's share of a range, in the order of `parts`.
 * @throws LogdockError INVALID_ARGUMENT for a range that ends before it starts.
 */
export async function resolveSpans(
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

/** The spans still to scan after message `after` (spans go partition by partition in order). */
function resumeAfter(spans: Span[], after: ScanOptions['after']): Span[] {
  if (!after) return spans;
  const at = spans.findIndex((s) => s.partition === after.partition);
  if (at < 0) return spans.filter((s) => s.partition > after.partition);
  return spans.slice(at).map((s, i) => {
    if (i > 0) return s;
    if (s.offsets) return { ...s, offsets: s.offsets.filter((o) => o > after.offset) };
    return { ...s, from: Math.min(Math.max(s.from, after.offset + 1), s.to) };
  });
}

function clamp(offset: number, p: PartitionEnds): number {
  return Math.min(Math.max(offset, p.logStartOffset), p.logEndOffset);
}
