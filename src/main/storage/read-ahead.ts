/**
 * Sequential reading of a partition with the next read already in flight while the caller
 * works on the current one. A read from the page cache spends most of its time in the
 * thread pool (copying, faulting in a fresh buffer), during which the main thread would
 * otherwise sit idle: overlapping the two is what lets a scan or a decode loop run at the
 * speed of its own work rather than of read + work. Kafka's consumer does the same by
 * sending the next Fetch before the application has processed the last one.
 *
 * Given a buffer size, it also reads into two buffers of that size taken in turn instead of
 * a fresh one per read: fresh memory must be faulted in page by page by the kernel, which
 * on a busy machine costs as much as the copy itself.
 */
import { BATCH_LENGTH_OFFSET, LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD } from './record-batch';
import { readInt64 } from './varint';

/**
 * Reads whole batches starting with the one holding `offset` (empty at the end), into
 * `into` when given and the batches fit (PartitionLog.read and BrokerApi.read do that).
 */
export type RawReader = (offset: number, into?: Buffer) => Promise<Buffer>;

export interface RawChunk {
  /** Whole RecordBatch v2 batches as stored; the first may start before `offset`. */
  raw: Buffer;
  /** The offset this read asked for. */
  offset: number;
}

/**
 * Yields the reads covering offsets [from, to) in order, the next one already in flight
 * while the caller works on the current one. (Only one: where a read starts is known
 * once its predecessor has arrived.) Stops at `to`, at an empty read (the rest was deleted
 * or compacted away), when a read brings nothing new, or when `signal` is aborted. A
 * read's error is thrown where that read is consumed; a read still in flight when the
 * caller stops is abandoned and its outcome ignored.
 *
 * With `bufferBytes`, reads go to two reused buffers: a yielded chunk, and every view of it
 * (decoded keys and values), is then valid only until the caller asks for the next one.
 */
export async function* readAhead(
  read: RawReader,
  from: number,
  to: number,
  opts: { signal?: AbortSignal; bufferBytes?: number } = {},
): AsyncGenerator<RawChunk> {
  const { signal, bufferBytes } = opts;
  const buffers = bufferBytes
    ? [Buffer.allocUnsafeSlow(bufferBytes), Buffer.allocUnsafeSlow(bufferBytes)]
    : [];
  let turn = 0;
  const issue = (offset: number) => {
    const raw = read(offset, buffers.length > 0 ? buffers[turn++ % 2] : undefined);
    raw.catch(() => undefined); // consumed below, or abandoned when the caller stops early
    return { offset, raw };
  };
  let pending = from < to ? issue(from) : null;
  while (pending !== null && !signal?.aborted) {
    const { offset, raw: rawPromise } = pending;
    const raw = await rawPromise;
    if (raw.length === 0) return;
    const next = offsetAfter(raw, to);
    if (next <= offset) return; // nothing new: do not spin
    pending = next < to ? issue(next) : null;
    yield { raw, offset };
  }
}

/**
 * The offset after the last batch in `raw` that starts before `to`: where the next read
 * begins. Walks only the length fields (no header objects); a batch running past the end
 * of `raw` ends the walk (the caller's own decoding reports it).
 */
export function offsetAfter(raw: Buffer, to: number): number {
  let pos = 0;
  let next = -1;
  while (pos + LAST_OFFSET_DELTA_OFFSET + 4 <= raw.length) {
    const base = readInt64(raw, pos);
    if (base >= to) break;
    const size = LOG_OVERHEAD + raw.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    if (size <= LOG_OVERHEAD || pos + size > raw.length) break;
    next = base + raw.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET) + 1;
    pos += size;
  }
  return next;
}
