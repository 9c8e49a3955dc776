/**
 * Sparse offset index of one segment (`<base>.index`, docs/format/index.md): entries of
 * (relative offset: int32, file position: int32), one every `index.interval.bytes` of log.
 * Each entry maps the last offset of a batch to the position where that batch starts, as
 * Kafka's OffsetIndex does. Keys are relative offsets, values file positions.
 */
import { IndexFile } from './index-file';

export const OFFSET_INDEX_ENTRY = 8;

export class OffsetIndex extends IndexFile<Int32Array> {
  constructor(
    path: string,
    readonly baseOffset: number,
  ) {
    super(path, OFFSET_INDEX_ENTRY, (n) => new Int32Array(n));
  }

  /**
   * Loads the file and checks it against the log: whole entries, strictly increasing
   * offsets and positions, positions inside the log. Returns false when the file is missing;
   * throws CORRUPT_INDEX (with the path and the offending entry) when it is inconsistent.
   */
  load(logSize: number): Promise<boolean> {
    return this.loadChecked(logSize);
  }

  protected readKey(buf: Buffer, pos: number): number {
    return buf.readInt32BE(pos);
  }

  protected problem(i: number, rel: number, pos: number, logSize: number): string | null {
    const prevRel = i === 0 ? -1 : this.keys[i - 1];
    const prevPos = i === 0 ? -1 : this.values[i - 1];
    if (rel > prevRel && pos > prevPos && pos < logSize) return null;
    return `(relative offset ${rel}, position ${pos}) is out of order or beyond the log's ${logSize} bytes`;
  }

  /** Adds an entry; callers guarantee increasing offsets and positions. */
  append(offset: number, position: number): void {
    this.add(offset - this.baseOffset, position);
  }

  /** Position of the batch to start scanning from for `offset` (0 when before every entry). */
  lookup(offset: number): number {
    return this.entryFor(offset)?.position ?? 0;
  }

  /**
   * The entry to start scanning from for `offset`: the last offset of the batch at
   * `position`, which a scan checks against that batch's header. Null before every entry.
   */
  entryFor(offset: number): { lastOffset: number; position: number } | null {
    const rel = offset - this.baseOffset;
    const found = this.lastWhere((key) => key <= rel);
    if (found < 0) return null;
    return { lastOffset: this.baseOffset + this.keys[found], position: this.values[found] };
  }

  /** Position of the last entry (0 when empty): where a tail scan starts. */
  lastPosition(): number {
    return this.count === 0 ? 0 : this.values[this.count - 1];
  }

  protected writeEntry(buf: Buffer, pos: number, i: number): void {
    buf.writeInt32BE(this.keys[i], pos);
    buf.writeInt32BE(this.values[i], pos + 4);
  }
}
