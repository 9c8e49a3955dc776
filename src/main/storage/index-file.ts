/**
 * File I/O shared by the offset index and the time index: both are flat arrays of
 * fixed-size big-endian entries, appended to, never modified in place, without checksum
 * (they are derived data: after a crash or on any inconsistency they are rebuilt from the
 * log). In memory an index is two columns of typed arrays, a sorted key (relative offset,
 * or timestamp) and a value (file position, or relative offset), searched by binary search;
 * `written` counts the entries already in the file, so a flush appends only the new ones.
 * The subclasses say how an entry is encoded and what makes a loaded one consistent.
 */
import { promises as fs, readFile } from 'node:fs';
import { promisify } from 'node:util';
import { LogdockError } from '../../common/errors';
import { unlessNoSpace } from './no-space';

/** The key column: relative offsets (Int32Array) or timestamps (Float64Array). */
type KeyColumn = Int32Array | Float64Array;

/**
 * fs.readFile's callback form: a retention pass's first run loads the indexes of every
 * sealed segment (12,000 in the scale data dir), and fs.promises.readFile makes a FileHandle
 * (an event emitter with a close finalizer) and several promises per file, about half of
 * the pass's garbage and so of its scavenges, each a stall of the event loop.
 */
const readWhole = promisify(readFile);

export abstract class IndexFile<K extends KeyColumn> {
  protected count = 0;
  /** Number of entries already written to the file. */
  protected written = 0;
  /** A write failed for lack of space: the file may lag or be torn; rewrite it whole. */
  private stale = false;
  protected keys: K;
  protected values = new Int32Array(64);

  constructor(
    readonly path: string,
    readonly entrySize: number,
    private readonly newKeys: (capacity: number) => K,
  ) {
    this.keys = newKeys(64);
  }

  get entries(): number {
    return this.count;
  }

  /** Serialises entry `i` into `buf` at `pos`. */
  protected abstract writeEntry(buf: Buffer, pos: number, i: number): void;

  /**
   * Decodes the key of the entry at `pos` of the file's bytes; its value is the int32 that
   * ends the entry. (Two numbers, not a [key, value] pair: a load of every index in a data
   * dir decodes millions of entries, and a pair each fed the GC long pauses.)
   */
  protected abstract readKey(buf: Buffer, pos: number): number;

  /**
   * Why entry `i` (decoded; the entries before it stored) is inconsistent with the ones
   * before it or with the log, whose extent `limit` describes (see the subclass's load), or
   * null when it is fine.
   */
  protected abstract problem(i: number, key: number, value: number, limit: number): string | null;

  /**
   * Loads the file, checking every entry with `problem`. Returns false when the file is
   * missing; throws CORRUPT_INDEX naming the path and entry when it is inconsistent.
   */
  protected async loadChecked(limit: number): Promise<boolean> {
    const entries = await this.readEntries();
    if (entries === null) return false;
    const { buf, n } = entries;
    this.clear();
    this.grow(n);
    for (let i = 0; i < n; i++) {
      const pos = i * this.entrySize;
      const key = this.readKey(buf, pos);
      const value = buf.readInt32BE(pos + this.entrySize - 4);
      const problem = this.problem(i, key, value, limit);
      if (problem !== null)
        throw new LogdockError('CORRUPT_INDEX', `${this.path}: entry ${i} ${problem}`);
      this.keys[i] = key;
      this.values[i] = value;
    }
    this.count = n;
    this.written = n;
    return true;
  }

  /** Adds an entry at the end (callers keep keys increasing). */
  protected add(key: number, value: number): void {
    this.grow(this.count + 1);
    this.keys[this.count] = key;
    this.values[this.count] = value;
    this.count++;
  }

  /**
   * Index of the last entry whose key satisfies `below` (a test true for a prefix of the
   * sorted keys, then false), or -1 when none does. Binary search.
   */
  protected lastWhere(below: (key: number) => boolean): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (below(this.keys[mid])) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private grow(min: number): void {
    if (min <= this.values.length) return;
    let cap = this.values.length * 2;
    while (cap < min) cap *= 2;
    const keys = this.newKeys(cap);
    keys.set(this.keys.subarray(0, this.count));
    const values = new Int32Array(cap);
    values.set(this.values.subarray(0, this.count));
    this.keys = keys;
    this.values = values;
  }

  /** Reads the whole file, or null when it does not exist. */
  private async readFileBytes(): Promise<Buffer | null> {
    try {
      return await readWhole(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /**
   * Start of a load: reads the file and checks it holds whole entries. Returns null when
   * the file is missing, else the bytes and the entry count; throws CORRUPT_INDEX when the
   * size is not a multiple of the entry size.
   */
  private async readEntries(): Promise<{ buf: Buffer; n: number } | null> {
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
   * entries are being added (it writes those present when called). On a full disk the
   * write is skipped (the index is derived data: entries stay in memory, the file is
   * rewritten whole by the next write that finds space, and a torn or short file is
   * checked and rebuilt at the next open); other failures throw.
   */
  async writePending(sync: boolean): Promise<void> {
    if (this.stale) {
      await this.rewrite();
      return;
    }
    const from = this.written;
    const to = this.count;
    if (from === to && !sync) return;
    const wrote = await unlessNoSpace(async () => {
      const fh = await fs.open(this.path, 'a');
      try {
        if (to > from) await fh.write(this.serialise(from, to), 0, (to - from) * this.entrySize);
        if (sync) await fh.sync();
      } finally {
        await fh.close();
      }
    });
    if (!wrote) this.stale = true;
    else if (this.written === from) this.written = to;
  }

  /**
   * Replaces the file with every in-memory entry (after a rebuild). On a full disk, leaves
   * the old file (and no temporary file) and marks it stale, as writePending says.
   */
  async rewrite(): Promise<void> {
    const tmp = `${this.path}.tmp`;
    const count = this.count;
    const wrote = await unlessNoSpace(async () => {
      await fs.writeFile(tmp, this.serialise(0, count));
      await fs.rename(tmp, this.path);
    });
    if (!wrote) {
      await fs.rm(tmp, { force: true });
      this.stale = true;
      return;
    }
    this.stale = false;
    this.written = count;
  }

  /** Removes the file; missing is fine. */
  async remove(): Promise<void> {
    await fs.rm(this.path, { force: true });
  }
}
