/**
 * Recognising copies of what was already read. copytruncate rotation (`cp app.log
 * app.log.1 && truncate -s 0 app.log`) with a glob that also matches the copies
 * (`app.log*`) would otherwise read every line twice: once from `app.log`, once from its
 * copy. A new file whose first bytes are exactly what a known file started with is a copy
 * of it: it is read from the position reached in that file, not from 0, so its only lines
 * produced are those the original lost to the truncation.
 *
 * What is known: the files being read (their fingerprint bytes) and the generations that
 * ended (a file's content before a truncation, or a rotated file that was finished), kept
 * as fingerprint + position, newest last, in the checkpoint cache and rebuilt from the
 * topic (a change of fingerprint under one `dev:ino` ends a generation).
 *
 * A match needs at least MIN_COPY_MATCH bytes, so two unrelated files that merely share a
 * first short line are not taken for copies. Content shorter than that (a file truncated
 * when it held one short line) is matched only by name as well: the new file must be
 * another member of the rotated family of the file that held it (`app.log.1` for
 * `app.log`, see rotation-order.ts), which is what copytruncate makes. Without that, such
 * a copy would be read in full and its first lines produced twice.
 */
import { familyOf } from './rotation-order';
import { hashBytes, type Fingerprint } from './identity';

export const MIN_COPY_MATCH = 64;
/** Ended generations remembered per source. */
const PAST_LIMIT = 64;

export interface PastGeneration {
  fp: Fingerprint;
  /** First byte of that content not produced. */
  position: number;
  /** Path of the file that held it, when it ended by a truncation (short content needs it). */
  path?: string;
}

/**
 * Whether a new file at `path` may be a copy of short content held at `heldAt`: its name is
 * `heldAt` with a rotation suffix, as copytruncate names copies while the original keeps
 * its name. (After a rename rotation it is the other way round: the original has the
 * suffixed name, and the new file at the plain name is new content.)
 */
function copyName(path: string | undefined, heldAt: string | undefined): boolean {
  return path !== undefined && path !== heldAt && familyOf(path) === heldAt;
}

export class PastGenerations {
  private past: PastGeneration[] = [];

  constructor(initial: PastGeneration[] = []) {
    for (const g of initial) this.add(g.fp, g.position, g.path);
  }

  /**
   * Remembers that content starting with `fp` was produced up to `position`; `path` is the
   * file that held it when it ended by a truncation (short content is kept only then).
   */
  add(fp: Fingerprint, position: number, path?: string): void {
    if (fp.length === 0 || position <= 0) return;
    if (fp.length < MIN_COPY_MATCH && path === undefined) return;
    this.past = this.past.filter((g) => g.fp.length !== fp.length || g.fp.hash !== fp.hash);
    this.past.push(path === undefined ? { fp, position } : { fp, position, path });
    if (this.past.length > PAST_LIMIT) this.past.splice(0, this.past.length - PAST_LIMIT);
  }

  list(): PastGeneration[] {
    return [...this.past];
  }

  /**
   * The position reached in an ended generation that `prefix` (the first bytes of a new
   * file at `path`) begins with; the longest fingerprint, then the newest, wins. Null when
   * none.
   */
  match(prefix: Buffer, path?: string): number | null {
    let best: PastGeneration | null = null;
    const hashes = new Map<number, string>();
    for (const g of this.past) {
      const n = g.fp.length;
      if (n > prefix.length || (best && n < best.fp.length)) continue;
      if (n < MIN_COPY_MATCH && !copyName(path, g.path)) continue;
      let h = hashes.get(n);
      if (h === undefined) {
        h = hashBytes(prefix.subarray(0, n));
        hashes.set(n, h);
      }
      if (h === g.fp.hash) best = g;
    }
    return best ? best.position : null;
  }
}

/**
 * Files being read, indexed by their first bytes so a new file finds the one it may be a
 * copy of without comparing against every file (sources can hold thousands).
 */
export class PrefixIndex<T extends { fpBytes: Buffer; path: string }> {
  /** Items of at least MIN_COPY_MATCH bytes, by their first MIN_COPY_MATCH bytes. */
  private readonly byHead = new Map<string, Set<T>>();
  /** Items of fewer bytes, by rotated family (their copies are matched by name too). */
  private readonly shortByFamily = new Map<string, Set<T>>();
  private readonly keys = new Map<T, { map: Map<string, Set<T>>; key: string }>();

  /** (Re-)indexes `item` under its current fingerprint bytes (and path, when short). */
  set(item: T): void {
    this.delete(item);
    const n = item.fpBytes.length;
    if (n === 0) return;
    const [map, key] =
      n >= MIN_COPY_MATCH
        ? [this.byHead, item.fpBytes.subarray(0, MIN_COPY_MATCH).toString('latin1')]
        : [this.shortByFamily, familyOf(item.path)];
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(item);
    this.keys.set(item, { map, key });
  }

  delete(item: T): void {
    const at = this.keys.get(item);
    if (at === undefined) return;
    this.keys.delete(item);
    const set = at.map.get(at.key)!;
    set.delete(item);
    if (set.size === 0) at.map.delete(at.key);
  }

  /**
   * The item with the longest fingerprint that `prefix` (the first bytes of a new file at
   * `path`) begins with, or null. A short item counts only when `path` is its name with a
   * rotation suffix (copyName).
   */
  find(prefix: Buffer, except?: T, path?: string): T | null {
    let best: T | null = null;
    const consider = (items: Iterable<T> | undefined, short: boolean) => {
      for (const item of items ?? []) {
        const n = item.fpBytes.length;
        if (item === except || n > prefix.length || (best && n <= best.fpBytes.length)) continue;
        if (short && !copyName(path, item.path)) continue;
        if (prefix.subarray(0, n).equals(item.fpBytes)) best = item;
      }
    };
    if (prefix.length >= MIN_COPY_MATCH)
      consider(this.byHead.get(prefix.subarray(0, MIN_COPY_MATCH).toString('latin1')), false);
    if (!best && path !== undefined) consider(this.shortByFamily.get(familyOf(path)), true);
    return best;
  }
}
