/**
 * Reading a partition over the network with several reads in flight. readAhead (its sibling)
 * can have only one read ahead, since where a read starts is known once its predecessor has
 * arrived; over a network each read then pays a whole round trip and the broker idles
 * between them. Here the range is cut into stripes of offsets, sized from the first read, and
 * up to `concurrency` stripes are read at once (each stripe's reads in turn), their chunks
 * handed out in offset order: what a Kafka consumer gets by fetching several partitions at
 * once, for the offsets of one.
 *
 * A stripe's reads ask for about the bytes its offsets take (from the bytes per offset seen so
 * far), not for a whole read's worth each: batches are uneven, so a stripe's first read often
 * falls a batch short of the stripe's end, and a second read of a whole read's worth, nearly
 * all of it the next stripe's and thrown away, made a remote search move 1.7 times the
 * partition's bytes.
 *
 * Each batch belongs to the stripe its base offset falls in, so a chunk's [offset, to) starts
 * and ends on batch boundaries (except at the range's own ends): no batch is tested twice, and
 * none is cut in two (the scan skips a whole batch that is outside the query's text unread).
 */
import { offsetAfter } from './read-ahead';
import { BATCH_LENGTH_OFFSET, LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD } from './record-batch';
import { readInt64 } from './varint';

/** A stripe's offsets, as a share of those the first read brought. */
const STRIPE_SHARE = 0.9;
/** What a read asks for beyond its estimate: a little, as batches vary in size. */
const ESTIMATE_SLACK = 1.1;

/**
 * Whole batches starting with the one holding `offset` (empty at the end): up to `maxBytes`
 * of them but at least one, and never more than the reader's own limit (its whole read's
 * worth when `maxBytes` is not given).
 */
export type StripeReader = (offset: number, maxBytes?: number) => Promise<Buffer>;

export interface StripedChunk {
  /** Whole RecordBatch v2 batches as stored; the first may start before `offset`. */
  raw: Buffer;
  /** The first offset of `raw` this chunk stands for. */
  offset: number;
  /** The end (exclusive) of the offsets this chunk stands for; later batches of `raw` are another chunk's. */
  to: number;
}

/**
 * Yields chunks covering offsets [from, to) in order, each offset in exactly one chunk,
 * with up to `concurrency` reads in flight; `readBytes`: the reader's own limit (else taken
 * to be the first read's size). Stops at `to`, at an empty read (the rest was
 * deleted), or when `signal` is aborted. A read's error is thrown where its chunk would have
 * been yielded; reads still in flight when the caller stops are abandoned.
 */
export async function* readStriped(
  read: StripeReader,
  from: number,
  to: number,
  opts: { concurrency: number; signal?: AbortSignal; readBytes?: number },
): AsyncGenerator<StripedChunk> {
  if (from >= to) return;
  // The first read both starts the range and tells how many offsets one read brings.
  const first = await read(from);
  if (first.length === 0 || opts.signal?.aborted) return;
  const firstEnd = Math.min(to, offsetAfter(first, to));
  if (firstEnd <= from) return;
  yield { raw: first, offset: from, to: firstEnd };
  // Stripes of a little under one read's worth, so that a stripe is one read even where
  // batches run larger than in the reads before (a read ends on a whole batch, short of its
  // byte limit); in offsets, from the bytes per offset of the latest read, as the size of
  // messages changes along a partition.
  const readBytes = opts.readBytes ?? first.length;
  let bytesPerOffset = first.length / (firstEnd - from);
  const sized = async (offset: number, end: number) => {
    const raw = await read(offset, Math.ceil((end - offset) * bytesPerOffset * ESTIMATE_SLACK));
    const after = offsetAfter(raw, Infinity);
    if (after > offset) bytesPerOffset = raw.length / (after - offset);
    return raw;
  };
  const pending: Promise<StripedChunk[]>[] = [];
  let next = firstEnd;
  const fill = () => {
    while (pending.length < opts.concurrency && next < to) {
      const stripe = Math.max(1, Math.floor((readBytes * STRIPE_SHARE) / bytesPerOffset));
      const task = readStripe(sized, next, Math.min(to, next + stripe), to, opts.signal);
      task.catch(() => undefined); // awaited below, or abandoned when the caller stops
      pending.push(task);
      next += stripe;
    }
  };
  fill();
  while (pending.length > 0 && !opts.signal?.aborted) {
    const chunks = await pending.shift()!;
    fill();
    // An empty stripe inside the range: the rest was deleted meanwhile; stop as readAhead does.
    if (chunks.length === 0) return;
    for (const chunk of chunks) {
      if (opts.signal?.aborted) return;
      yield chunk;
    }
  }
}

/**
 * The batches whose base offset is in [start, end) (the stripe's), read from `start` on;
 * the last stripe (`end` = the range's `to`) ends at `to` exactly.
 */
async function readStripe(
  read: (offset: number, end: number) => Promise<Buffer>,
  start: number,
  end: number,
  to: number,
  signal: AbortSignal | undefined,
): Promise<StripedChunk[]> {
  const raws: { raw: Buffer; offset: number; after: number }[] = [];
  let offset = start;
  let covered = start;
  while (covered < end && !signal?.aborted) {
    const raw = await read(offset, end);
    if (raw.length === 0) break;
    const after = offsetAfter(raw, end);
    if (after <= offset) break; // nothing new: do not spin
    raws.push({ raw, offset, after });
    covered = after;
    offset = after;
  }
  const stop = end === to ? to : Math.min(to, covered);
  return raws.map(({ raw, offset: at, after }, i) => ({
    raw,
    // A batch holding `start` but starting before it is the previous stripe's.
    offset: i === 0 ? firstBaseFrom(raw, start) : at,
    to: i === raws.length - 1 ? stop : after,
  }));
}

/** The base offset of the first batch of `raw` starting at or after `offset` (or raw's end). */
function firstBaseFrom(raw: Buffer, offset: number): number {
  let pos = 0;
  let end = offset;
  while (pos + LAST_OFFSET_DELTA_OFFSET + 4 <= raw.length) {
    const base = readInt64(raw, pos);
    if (base >= offset) return base;
    const size = LOG_OVERHEAD + raw.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    if (size <= LOG_OVERHEAD) break;
    end = Math.max(end, base + raw.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET) + 1);
    pos += size;
  }
  return end;
}
