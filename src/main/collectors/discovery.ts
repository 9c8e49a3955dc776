/**
 * Finds the files a file source's globs match. Each include pattern is split (picomatch's
 * `scan`) into a literal base directory and a glob; the base is walked (to any depth for
 * `**`, else as deep as the glob has segments) and every regular file that matches an
 * include and no exclude is returned, with the directories walked so the caller can watch
 * them. Unreadable or vanished directories are skipped: a glob may match nothing yet.
 */
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import picomatch from 'picomatch';
import { fileKey } from './identity';

export interface Discovered {
  files: Map<string, { dev: number; ino: number; size: number }>;
  dirs: Set<string>;
}

interface Root {
  base: string;
  depth: number; // Infinity for **
}

export class GlobMatcher {
  private readonly roots: Root[];
  private readonly isIncluded: (p: string) => boolean;
  private readonly isExcluded: (p: string) => boolean;
  private aborted = false;
  private entries = 0;
  private cut = false;

  /**
   * `maxEntries` ends a walk (as `abort` does) once it has looked at that many directory
   * entries; `exhausted` then says the result is partial. Without it the walk is unbounded.
   */
  constructor(
    include: string[],
    exclude: string[],
    cwd = process.cwd(),
    private readonly maxEntries = Infinity,
  ) {
    const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
    const inc = include.map(abs);
    // `s`: picomatch's `*`, `**` and `?` become `.`, which without dotAll never matches a
    // newline, and Linux allows one in a file name: such a file would never be collected.
    const options = { dot: true, flags: 's' };
    this.isIncluded = picomatch(inc, options);
    this.isExcluded = exclude.length > 0 ? picomatch(exclude.map(abs), options) : () => false;
    this.roots = inc.map((pattern) => {
      const scan = picomatch.scan(pattern);
      if (!scan.isGlob) return { base: pattern, depth: 0 };
      const depth = scan.glob.includes('**') ? Infinity : scan.glob.split('/').length;
      return { base: scan.base || '/', depth };
    });
  }

  /**
   * Ends a walk in progress and every later one early, with what was found so far: a glob
   * such as `/**` walks the whole file system for minutes, and its source's close (and so
   * the process's shutdown) waited for the walk.
   */
  abort(): void {
    this.aborted = true;
  }

  /** Whether the walk stopped at `maxEntries`, leaving files unseen. */
  get exhausted(): boolean {
    return this.cut;
  }

  matches(path: string): boolean {
    return this.isIncluded(path) && !this.isExcluded(path);
  }

  /** Walks every root; never throws for missing or unreadable paths. */
  async discover(): Promise<Discovered> {
    const out: Discovered = { files: new Map(), dirs: new Set() };
    for (const root of this.roots) {
      if (root.depth === 0) {
        await this.consider(root.base, out);
        const parent = resolve(root.base, '..');
        out.dirs.add(parent);
      } else {
        await this.walk(root.base, root.depth, out);
      }
    }
    return out;
  }

  private async consider(path: string, out: Discovered): Promise<void> {
    if (out.files.has(path) || !this.matches(path)) return;
    try {
      const st = await stat(path);
      if (st.isFile()) out.files.set(path, { dev: st.dev, ino: st.ino, size: st.size });
    } catch {
      // Vanished between listing and stat, or unreadable: the next pass sees it again.
    }
  }

  private async walk(dir: string, depth: number, out: Discovered): Promise<void> {
    if (this.aborted || out.dirs.has(dir)) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    out.dirs.add(dir);
    for (const e of entries) {
      if (this.aborted) return;
      if (++this.entries > this.maxEntries) {
        this.cut = true;
        this.aborted = true;
        return;
      }
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (depth > 1) await this.walk(path, depth - 1, out);
      } else if (e.isFile() || e.isSymbolicLink()) {
        await this.consider(path, out);
      }
    }
  }
}

/** Looks for the file `dev:ino` in the given directories (not recursively). */
export async function findByKey(
  key: string,
  dirs: Iterable<string>,
): Promise<{ path: string; dev: number; ino: number } | null> {
  const seen = new Set<string>();
  for (const dir of dirs) {
    if (seen.has(dir)) continue;
    seen.add(dir);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      try {
        const st = await stat(path);
        if (st.isFile() && fileKey(st.dev, st.ino) === key)
          return { path, dev: st.dev, ino: st.ino };
      } catch {
        // vanished
      }
    }
  }
  return null;
}
