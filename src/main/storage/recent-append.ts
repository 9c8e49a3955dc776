/**
 * A partition's last append, kept in memory when small, so that a consumer waiting at the
 * end of the log (a long-poll Fetch, a follow in the UI) reads what woke it without a
 * file read: on a busy machine each trip through the thread pool can wait for a core for
 * milliseconds, and this read is on the produce-to-consume latency path. Appends are
 * immutable once written; the log drops its copy when segments are replaced (compaction,
 * recovery). Bounded: only appends of at most MAX_BYTES are kept, one per partition.
 */
import { lastOffsetOf } from './record-batch';
import type { BatchLocation } from './segment';

const MAX_BYTES = 4096;

export class RecentAppend {
  private constructor(
    /** The first batch's base offset. */
    private readonly baseOffset: number,
    /** The appended batches, as written (offsets assigned). */
    private readonly bytes: Buffer,
    /** Each batch's position in `bytes`, size and last offset. */
    private readonly batches: { position: number; size: number; lastOffset: number }[],
  ) {}

  /** A copy of an append of `batches` (offsets assigned) when small enough, else null. */
  static of(batches: Buffer, locations: BatchLocation[]): RecentAppend | null {
    if (batches.length > MAX_BYTES || locations.length === 0) return null;
    // Its own memory: `batches` may be a request buffer the listener reuses.
    const bytes = Buffer.allocUnsafeSlow(batches.length);
    batches.copy(bytes);
    const index = locations.map((l) => ({
      position: l.position,
      size: l.size,
      lastOffset: lastOffsetOf(l.header),
    }));
    return new RecentAppend(locations[0].header.baseOffset, bytes, index);
  }

  /**
   * Whole batches from the one holding `offset`, up to `maxBytes` but at least one (as
   * PartitionLog.read), or null when `offset` is not in this append.
   */
  read(offset: number, maxBytes: number): Buffer | null {
    if (offset < this.baseOffset) return null;
    const first = this.batches.findIndex((b) => b.lastOffset >= offset);
    if (first < 0) return null;
    const from = this.batches[first];
    let end = from.position + from.size;
    for (let i = first + 1; i < this.batches.length; i++) {
      const b = this.batches[i];
      if (b.position + b.size - from.position > maxBytes) break;
      end = b.position + b.size;
    }
    return this.bytes.subarray(from.position, end);
  }
}
