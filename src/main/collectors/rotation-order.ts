/**
 * Reading a rotated family oldest first (Vector's `oldest_first`, applied to rotations):
 * `app.log.1` holds lines written before those of `app.log`, so while it has unread bytes
 * (after a restart, or while it drains after a rename) `app.log` waits. A family is the
 * files of one folder whose names are equal once a rotation suffix is removed: separators
 * and digits at the end (`.1`, `-20260101`, `.2026-01-01`), optionally then a compression
 * extension. Unrelated files (`f1.log`, `f2.log`) are never made to wait for each other.
 */
import { basename, dirname, join } from 'node:path';
import type { TrackedFile } from './tracked-file';

const ROTATION_SUFFIX = /^(.+?)(?:[._-][0-9][0-9._-]*)(?:\.(?:gz|zst|bz2|xz))?$/;

/** The family a path belongs to: its folder and its name without a rotation suffix. */
export function familyOf(path: string): string {
  const name = basename(path);
  const base = ROTATION_SUFFIX.exec(name)?.[1] ?? name;
  return join(dirname(path), base);
}

/** Whether `a` holds older lines than `b` of the same family. */
function olderThan(a: TrackedFile, b: TrackedFile): boolean {
  if (a.rotated !== b.rotated) return a.rotated;
  return a.mtimeMs < b.mtimeMs;
}

export class RotationOrder<T extends { file: TrackedFile }> {
  private readonly families = new Map<string, Set<T>>();
  private readonly familyOfItem = new Map<T, string>();

  /** (Re-)files `item` under the family of its current path. */
  set(item: T): void {
    this.delete(item);
    const family = familyOf(item.file.path);
    let set = this.families.get(family);
    if (!set) this.families.set(family, (set = new Set()));
    set.add(item);
    this.familyOfItem.set(item, family);
  }

  delete(item: T): void {
    const family = this.familyOfItem.get(item);
    if (family === undefined) return;
    this.familyOfItem.delete(item);
    const set = this.families.get(family)!;
    set.delete(item);
    if (set.size === 0) this.families.delete(family);
  }

  /** An older member of `item`'s family with bytes still to read (and not failing), if any. */
  olderUnread(item: T): T | undefined {
    const family = this.familyOfItem.get(item);
    if (family === undefined) return undefined;
    for (const other of this.families.get(family)!) {
      const o = other.file;
      if (other !== item && o.lastError === null && o.readPos < o.size && olderThan(o, item.file))
        return other;
    }
    return undefined;
  }

  /** The other members of `item`'s family. */
  relatives(item: T): T[] {
    const family = this.familyOfItem.get(item);
    if (family === undefined) return [];
    return [...this.families.get(family)!].filter((x) => x !== item);
  }
}
