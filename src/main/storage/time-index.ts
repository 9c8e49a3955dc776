/**
 * Sparse time index of one segment (`<base>.timeindex`, docs/format/time-index.md): entries
 * of (timestamp: int64, relative offset: int32). An entry (T, O) says "the largest timestamp
 * among the records up to offset O is T, first reached at O"; timestamps strictly increase
 * from entry to entry. Entries are added at most once per `index.interval.bytes`, like the
 * offset index, and only when the maximum timestamp grew.
 */
import { LogdockError } from '../../common/errors';
import { IndexFile } from './index-file';
import { readInt64, writeInt64 } from './varint';

export const TIME_INDEX_ENTRY = 12;

export class TimeIndex extends IndexFile {
  private timestamps = new Float64Array(64);
  private offsets = new Int32Array(64);

  constructor(
    path: string,
    readonly baseOffset: number,
  ) {
    super(path, TIME_INDEX_ENTRY);
  }

  /**
   * Loads and checks the file: whole entries, strictly increasing timestamps and
   * non-decreasing offsets below `nextOffset`. Returns false when missing; throws
   * CORRUPT_INDEX when inconsistent.
   */
  async load(nextOffset: number): Promise<boolean> {
    const entries = await this.readEntries();
    if (entries === null) return false;
    const { buf, n } = entries;
    this.clear();
    this.grow(n);
    for (let i = 0; i < n; i++) {
      const ts = readInt64(buf, i * TIME_INDEX_ENTRY);
      const rel = buf.readInt32BE(i * TIME_INDEX_ENTRY + 8);
      const bad =
        rel < 0 ||
        this.baseOffset + rel >= nextOffset ||
        (i > 0 && (ts <= this.timestamps[i - 1] || rel < this.offsets[i - 1]));
      if (bad) {
        throw new LogdockError(
          'CORRUPT_INDEX',
          `${this.path}: entry ${i} (timestamp ${ts}, relative offset ${rel}) is out of order or beyond offset ${nextOffset}`,
        );
      }
      this.timestamps[i] = ts;
      this.offsets[i] = rel;
    }
    this.count = n;
    this.written = n;
    return true;
  }

  private grow(min: number): void {
    if (min <= this.offsets.length) return;
    let cap = this.offsets.length * 2;
    while (cap < min) cap *= 2;
    const t = new Float64Array(cap);
    t.set(this.timestamps.subarray(0, this.count));
    const o = new Int32Array(cap);
    o.set(this.offsets.subarray(0, this.count));
    this.timestamps = t;
    this.offsets = o;
  }

  /** Adds (timestamp, offset) if the timestamp is larger than the last entry's. */
  maybeAppend(timestamp: number, offset: number): void {
    if (this.count > 0 && timestamp <= this.timestamps[this.count - 1]) return;
    this.grow(this.count + 1);
    this.timestamps[this.count] = timestamp;
    this.offsets[this.count] = offset - this.baseOffset;
    this.count++;
  }

  /**
   * Offset from which to scan for the first record with timestamp >= `timestamp`: the offset
   * of the last entry whose timestamp is below it (every record before that entry is older),
   * or the segment's base offset.
   */
  lookup(timestamp: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestamps[mid] < timestamp) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? this.baseOffset : this.baseOffset + this.offsets[found];
  }

  /** The last entry, or null when empty. */
  last(): { timestamp: number; offset: number } | null {
    if (this.count === 0) return null;
    return {
      timestamp: this.timestamps[this.count - 1],
      offset: this.baseOffset + this.offsets[this.count - 1],
    };
  }

  protected writeEntry(buf: Buffer, pos: number, i: number): void {
    writeInt64(buf, pos, this.timestamps[i]);
    buf.writeInt32BE(this.offsets[i], pos + 8);
  }
}
