/**
 * Sparse time index of one segment (`<base>.timeindex`, docs/format/time-index.md): entries
 * of (timestamp: int64, relative offset: int32). An entry (T, O) says "the largest timestamp
 * among the records up to offset O is T, first reached at O"; timestamps strictly increase
 * from entry to entry. Entries are added at most once per `index.interval.bytes`, like the
 * offset index, and only when the maximum timestamp grew. Keys are timestamps, values
 * relative offsets.
 */
import { IndexFile } from './index-file';
import { readInt64, writeInt64 } from './varint';

export const TIME_INDEX_ENTRY = 12;

export class TimeIndex extends IndexFile<Float64Array> {
  constructor(
    path: string,
    readonly baseOffset: number,
  ) {
    super(path, TIME_INDEX_ENTRY, (n) => new Float64Array(n));
  }

  /**
   * Loads and checks the file: whole entries, strictly increasing timestamps and
   * non-decreasing offsets below `nextOffset`. Returns false when missing; throws
   * CORRUPT_INDEX when inconsistent.
   */
  load(nextOffset: number): Promise<boolean> {
    return this.loadChecked(nextOffset);
  }

  protected readKey(buf: Buffer, pos: number): number {
    return readInt64(buf, pos);
  }

  protected problem(i: number, ts: number, rel: number, nextOffset: number): string | null {
    const bad =
      rel < 0 ||
      this.baseOffset + rel >= nextOffset ||
      (i > 0 && (ts <= this.keys[i - 1] || rel < this.values[i - 1]));
    if (!bad) return null;
    return `(timestamp ${ts}, relative offset ${rel}) is out of order or beyond offset ${nextOffset}`;
  }

  /** Adds (timestamp, offset) if the timestamp is larger than the last entry's. */
  maybeAppend(timestamp: number, offset: number): void {
    if (this.count > 0 && timestamp <= this.keys[this.count - 1]) return;
    this.add(timestamp, offset - this.baseOffset);
  }

  /**
   * Offset from which to scan for the first record with timestamp >= `timestamp`: the offset
   * of the last entry whose timestamp is below it (every record before that entry is older),
   * or the segment's base offset.
   */
  lookup(timestamp: number): number {
    const found = this.lastWhere((key) => key < timestamp);
    return found < 0 ? this.baseOffset : this.baseOffset + this.values[found];
  }

  /** The last entry, or null when empty. */
  last(): { timestamp: number; offset: number } | null {
    if (this.count === 0) return null;
    return {
      timestamp: this.keys[this.count - 1],
      offset: this.baseOffset + this.values[this.count - 1],
    };
  }

  protected writeEntry(buf: Buffer, pos: number, i: number): void {
    writeInt64(buf, pos, this.keys[i]);
    buf.writeInt32BE(this.values[i], pos + 8);
  }
}
