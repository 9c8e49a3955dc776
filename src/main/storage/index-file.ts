/**
 * File I/O shared by the offset index and the time index: both are flat arrays of
 * fixed-size big-endian entries, appended to, never modified in place, without checksum
 * (they are derived data: after a crash or on any inconsistency they are rebuilt from the
 * log). Entries live in memory (typed arrays, owned by the subclasses); `written` counts
 * those already in the file, so a flush appends only the new ones.
 */
import { promises as fs } from 'node:fs';
import { LogdockError } from '../../common/errors';

export abstract class IndexFile {
  protected count = 0;
  /** Number of entries already written to the file. */
  protected written = 0;

  constructor(
    readonly path: string,
    readonly entrySize: number,
  ) {}

  get entries(): number {
    return this.count;
  }

  /** Serialises entry `i` into `buf` at `pos`. */
  protected abstract writeEntry(buf: Buffer, pos: number, i: number): void;

  /** Reads the whole file, or null when it does not exist. */
  protected async readFileBytes(): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /**
   * Start of a load, shared by both indexes: reads the file and checks it holds whole
   * entries. Returns null when the file is missing, else the bytes and the entry count;
   * throws CORRUPT_INDEX when the size is not a multiple of the entry size.
   */
  protected async readEntries(): Promise<{ buf: Buffer; n: number } | null> {
    const buf = await this.readFileBytes();
    if (buf === null) return null;
    if (buf.length % this.entrySize !== 0) {
      throw new LogdockError(
        'CORRUPT_INDEX',
        `${this.path}: size ${buf.length} is not a multiple of ${this.entrySize}`,
      );
    }
    return { buf, n: buf.length / this.entrySize };
  }

  /** Drops every entry from memory (the file is left alone until the next write). */
  clear(): void {
    this.count = 0;
    this.written = 0;
  }

  private serialise(from: number, to: number): Buffer {
    const buf = Buffer.allocUnsafe((to - from) * this.entrySize);
    for (let i = from; i < to; i++) this.writeEntry(buf, (i - from) * this.entrySize, i);
    return buf;
  }

  /**
   * Appends the entries not yet in the file; fsyncs it when `sync`. Safe to call while
   * entries are being added (it writes those present when called).
   */
  async writePending(sync: boolean): Promise<void> {
    const from = this.written;
    const to = this.count;
    if (from === to && !sync) return;
    const fh = await fs.open(this.path, 'a');
    try {
      if (to > from) await fh.write(this.serialise(from, to), 0, (to - from) * this.entrySize);
      if (sync) await fh.sync();
    } finally {
      await fh.close();
    }
    if (this.written === from) this.written = to;
  }

  /** Replaces the file with every in-memory entry (after a rebuild). */
  async rewrite(): Promise<void> {
    const tmp = `${this.path}.tmp`;
    await fs.writeFile(tmp, this.serialise(0, this.count));
    await fs.rename(tmp, this.path);
    this.written = this.count;
  }

  /** Removes the file; missing is fine. */
  async remove(): Promise<void> {
    await fs.rm(this.path, { force: true });
  }
}
