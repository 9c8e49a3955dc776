/**
 * Sparse offset index of one segment (`<base>.index`, docs/format/index.md): entries of
 * (relative offset: int32, file position: int32), one every `index.interval.bytes` of log.
 * Each entry maps the last offset of a batch to the position where that batch starts, as
 * Kafka's OffsetIndex does. Lookups binary-search an in-memory Int32Array pair.
 */
import { LogdockError } from '../../common/errors';
import { IndexFile } from './index-file';

export const OFFSET_INDEX_ENTRY = 8;

export class OffsetIndex extends IndexFile {
  private offsets = new Int32Array(64);
  private positions = new Int32Array(64);

  constructor(
    path: string,
    readonly baseOffset: number,
  ) {
    super(path, OFFSET_INDEX_ENTRY);
  }

  /**
   * Loads the file and checks it against the log: whole entries, strictly increasing
   * offsets and positions, positions inside the log. Returns false when the file is missing;
   * throws CORRUPT_INDEX (with the path and the offending entry) when it is inconsistent.
   */
  async load(logSize: number): Promise<boolean> {
    const entries = await this.readEntries();
    if (entries === null) return false;
    const { buf, n } = entries;
    this.clear();
    this.grow(n);
    for (let i = 0; i < n; i++) {
      const rel = buf.readInt32BE(i * OFFSET_INDEX_ENTRY);
      const pos = buf.readInt32BE(i * OFFSET_INDEX_ENTRY + 4);
      const prevRel = i === 0 ? -1 : this.offsets[i - 1];
      const prevPos = i === 0 ? -1 : this.positions[i - 1];
      if (rel <= prevRel || pos <= prevPos || pos >= logSize) {
        throw new LogdockError(
          'CORRUPT_INDEX',
          `${this.path}: entry ${i} (relative offset ${rel}, position ${pos}) is out of order or beyond the log's ${logSize} bytes`,
        );
      }
      this.offsets[i] = rel;
      this.positions[i] = pos;
    }
    this.count = n;
    this.written = n;
    return true;
  }

  private grow(min: number): void {
    if (min <= this.offsets.length) return;
    let cap = this.offsets.length * 2;
    while (cap < min) cap *= 2;
    const o = new Int32Array(cap);
    o.set(this.offsets.subarray(0, this.count));
    const p = new Int32Array(cap);
    p.set(this.positions.subarray(0, this.count));
    this.offsets = o;
    this.positions = p;
  }

  /** Adds an entry; callers guarantee increasing offsets and positions. */
  append(offset: number, position: number): void {
    this.grow(this.count + 1);
    this.offsets[this.count] = offset - this.baseOffset;
    this.positions[this.count] = position;
    this.count++;
  }

  /** Position of the batch to start scanning from for `offset` (0 when before every entry). */
  lookup(offset: number): number {
    const rel = offset - this.baseOffset;
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.offsets[mid] <= rel) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? 0 : this.positions[found];
  }

  /** Position of the last entry (0 when empty): where a tail scan starts. */
  lastPosition(): number {
    return this.count === 0 ? 0 : this.positions[this.count - 1];
  }

  protected writeEntry(buf: Buffer, pos: number, i: number): void {
    buf.writeInt32BE(this.offsets[i], pos);
    buf.writeInt32BE(this.positions[i], pos + 4);
  }
}
