/**
 * A file source's plain lines, split and encoded into record batches on the ingest worker
 * thread (workers/pool.ts `ingestWorkerPool`), so that tailing a busy file leaves the main
 * event loop to the UI, the Kafka listener and the appends. The main thread reads a chunk
 * that ends at a newline into shared memory, the worker splits it (LineSplitter, with the
 * same cuts, invalid-byte counts and byte-order mark as inline) and encodes the lines
 * (LineBatchEncoder) into a second shared buffer, and the main thread appends those batches
 * as they are (a chunk of valid UTF-8 with no byte-order mark and no line to cut, the common
 * case, is encoded from the lines' offsets instead, to the same bytes: chunk-encoder.ts).
 * Nothing is copied between the threads: both buffers are SharedArrayBuffers,
 * each used by one thread at a time (the main thread leaves them alone until the answer).
 * A task holds no state between calls, so a worker that dies loses nothing: the file is
 * read again from its committed position.
 */
import { BufferPool, sharedBuffer } from '../buffer-pool';
import { ingestWorkerPool } from '../workers/pool';
import { LineBatchEncoder } from './batch-encoder';
import { encodePlainChunk, type LineChunk } from './chunk-encoder';
import { LineSplitter, type Encoding } from './lines';
import type { EventLines } from './multiline';
import { timeAtLineStart } from './parsers/line-time';

/** What the worker needs to split and encode one chunk. */
export interface EncodeLinesParams extends LineChunk {
  /** `chunk` and `out` are views of shared buffers. */
  encoding: Encoding;
  /** Where the batches go when they fit. */
  out: Uint8Array;
}

/** What the worker answers: where the batches are and what they hold. */
export interface EncodedLines {
  bytes: number;
  /** A larger shared buffer holding the batches, when `out` was too small; else null. */
  grown: Uint8Array | null;
  counts: LineCounts;
}

/** A chunk's lines, lines cut at maxLineBytes, invalid bytes replaced, lines failing to parse. */
export interface LineCounts {
  lines: number;
  cut: number;
  invalid: number;
  parseErrors: number;
}

/** The ingest thread's own buffers for a chunk and its batches, reused task after task. */
const local = new BufferPool(8 * 1024 * 1024, 16 * 1024 * 1024);

/** The worker's half (cpu-worker.ts `encode-lines`). */
export function encodeLinesTask(p: EncodeLinesParams): { result: EncodedLines; transfer: [] } {
  const plain = p.encoding === 'utf8' ? encodePlainLines(p) : null;
  if (plain) return { result: plain, transfer: [] };
  // Worked on in this thread's own memory, copied in and out in one go each: V8 copies
  // small pieces into or out of shared memory (each line, each header) a few times slower.
  const held = local.acquire(p.chunk.byteLength);
  const chunk = held.subarray(0, p.chunk.byteLength);
  chunk.set(p.chunk);
  const lines = new LineSplitter(p.encoding, p.maxLineBytes, p.start).push(
    chunk,
  ) as unknown as EventLines[];
  // Headers and key arrive as plain Uint8Arrays (structured clone): Buffers again here.
  const headers = p.fixedHeaders.map((h) => ({
    key: h.key,
    value: h.value && Buffer.from(h.value.buffer, h.value.byteOffset, h.value.byteLength),
  }));
  const key = p.key && Buffer.from(p.key.buffer, p.key.byteOffset, p.key.byteLength);
  const encoder = new LineBatchEncoder(headers, key);
  const times = p.timeFromLine ? lineTimes(lines, p.timezone, p.now) : undefined;
  let lent: Buffer | null = null;
  const batches = encoder.encode(lines, p.now, p.maxBatchBytes, times, (n) => {
    lent = local.acquire(n);
    return lent;
  });
  const grown = batches.length > p.out.byteLength ? sharedBuffer(batches.length) : null;
  (grown ?? p.out).set(batches);
  local.release(held);
  if (lent) local.release(lent);
  return {
    result: { bytes: batches.length, grown, counts: countEvents(lines, 0) },
    transfer: [],
  };
}

/** The common case (chunk-encoder.ts), or null when the chunk needs the general path. */
function encodePlainLines(p: EncodeLinesParams): EncodedLines | null {
  const done = encodePlainChunk(
    { ...p, expect: p.out.byteLength },
    (n) => local.acquire(n),
    (b) => local.release(b),
  );
  if (!done) return null;
  const grown = done.bytes > p.out.byteLength ? sharedBuffer(done.bytes) : null;
  (grown ?? p.out).set(done.mem.subarray(done.at, done.at + done.bytes));
  local.release(done.mem);
  return {
    bytes: done.bytes,
    grown,
    counts: { lines: done.lines, cut: 0, invalid: 0, parseErrors: 0 },
  };
}

/**
 * Chunks and batches in flight to the worker, reused: SharedArrayBuffers, which the worker
 * reads and writes in place (buffers moved back and forth would be new external memory on
 * every arrival, which drives V8's garbage collector). 16 MiB idle at most: what a few files'
 * chunks in flight need, kept after a burst as the process's idle memory.
 */
export const sharedBuffers = new BufferPool(8 * 1024 * 1024, 16 * 1024 * 1024, sharedBuffer);

/**
 * Splits and encodes a chunk on the ingest thread (params as EncodeLinesParams, `out` from
 * `sharedBuffers`); resolves with the batches, a view of `out` or of a larger buffer.
 * @throws LogdockError INTERNAL when the thread died meanwhile, CLOSED after the pool closed.
 */
export async function encodeLinesOffThread(
  p: EncodeLinesParams,
): Promise<{ batches: Buffer; counts: LineCounts }> {
  const e = await ingestWorkerPool().run<EncodedLines>('encode-lines', p);
  const into = e.grown ?? p.out;
  const batches = Buffer.from(into.buffer, into.byteOffset, into.byteLength);
  return { batches: batches.subarray(0, e.bytes), counts: e.counts };
}

/**
 * Whether the ingest thread is running, to send it work; starts it otherwise, so that the
 * chunks read meanwhile are encoded inline instead of waiting for the thread to load.
 */
export function offThreadReady(): boolean {
  const pool = ingestWorkerPool();
  if (pool.ready()) return true;
  pool.warm();
  return false;
}

export function countEvents(events: EventLines[], parseErrors: number): LineCounts {
  const n: LineCounts = { lines: 0, cut: 0, invalid: 0, parseErrors };
  for (const ev of events) {
    n.lines += ev.lines ?? 1;
    if (ev.cutFrom !== undefined) n.cut++;
    n.invalid += ev.invalid;
  }
  return n;
}

/** The event time at the start of each event's first line, where there is one. */
export function lineTimes(
  events: EventLines[],
  timezone: string,
  now: number,
): (number | undefined)[] {
  const out = new Array<number | undefined>(events.length);
  for (let i = 0; i < events.length; i++) out[i] = timeAtLineStart(events[i].text, timezone, now);
  return out;
}
