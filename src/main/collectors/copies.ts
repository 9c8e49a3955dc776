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
 * first short line are not taken for copies; a file shorter than that is read in full.
 */
import { hashBytes, type Fingerprint } from './identity';

export const MIN_COPY_MATCH = 64;
/** Ended generations remembered per source. */
const PAST_LIMIT = 64;

export interface PastGeneration {
  fp: Fingerprint;
  /** First byte of that content not produced. */
  position: number;
}

export class PastGenerations {
  private past: PastGeneration[] = [];

  constructor(initial: PastGeneration[] = []) {
    for (const g of initial) this.add(g.fp, g.position);
  }

  /** Remembers that content starting with `fp` was produced up to `position`. */
  add(fp: Fingerprint, position: number): void {
    if (fp.length < MIN_COPY_MATCH || position <= 0) return;
    this.past = this.past.filter((g) => g.fp.length !== fp.length || g.fp.hash !== fp.hash);
    this.past.push({ fp, position });
    if (this.past.length > PAST_LIMIT) this.past.splice(0, this.past.length - PAST_LIMIT);
  }

  list(): PastGeneration[] {
    return [...this.past];
  }

  /**
   * The position reached in an ended generation that `prefix` (a new file's first bytes)
   * begins with; the longest fingerprint, then the newest, wins. Null when none.
   */
  match(prefix: Buffer): number | null {
    let best: PastGeneration | null = null;
    const hashes = new Map<number, string>();
    for (const g of this.past) {
      const n = g.fp.length;
      if (n > prefix.length || (best && n < best.fp.length)) continue;
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
export class PrefixIndex<T extends { fpBytes: Buffer }> {
  private readonly byHead = new Map<string, Set<T>>();
  private readonly heads = new Map<T, string>();

  /** (Re-)indexes `item` under its current fingerprint bytes. */
  set(item: T): void {
    this.delete(item);
    if (item.fpBytes.length < MIN_COPY_MATCH) return;
    const head = item.fpBytes.subarray(0, MIN_COPY_MATCH).toString('latin1');
    let set = this.byHead.get(head);
    if (!set) this.byHead.set(head, (set = new Set()));
    set.add(item);
    this.heads.set(item, head);
  }

  delete(item: T): void {
    const head = this.heads.get(item);
    if (head === undefined) return;
    this.heads.delete(item);
    const set = this.byHead.get(head)!;
    set.delete(item);
    if (set.size === 0) this.byHead.delete(head);
  }

  /** The item with the longest fingerprint that `prefix` begins with, or null. */
  find(prefix: Buffer, except?: T): T | null {
    if (prefix.length < MIN_COPY_MATCH) return null;
    const set = this.byHead.get(prefix.subarray(0, MIN_COPY_MATCH).toString('latin1'));
    let best: T | null = null;
    for (const item of set ?? []) {
      const n = item.fpBytes.length;
      if (item === except || n > prefix.length || (best && n <= best.fpBytes.length)) continue;
      if (prefix.subarray(0, n).equals(item.fpBytes)) best = item;
    }
    return best;
  }
}
