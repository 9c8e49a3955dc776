/**
 * A bound on the segment files a process keeps open (issue 18): 10,000 partitions would
 * otherwise hold 10,000 descriptors and exhaust a desktop's default `ulimit -n` of 1,024.
 * Segments report each use of their file here; when more than `limit` are open, the least
 * recently used idle ones are closed (they reopen on their next use). A file in use — an
 * I/O in flight, a reader holding the segment, an fdatasync — is never closed, so the
 * bound is soft while that many are busy at once and is restored by the next use.
 * Closing loses nothing: written data is in the page cache and a later fdatasync through a
 * new descriptor flushes it.
 */
export interface OpenFile {
  /** Closes the file now if nothing uses it; false when busy (or already closed). */
  closeIfIdle(): boolean;
}

/** Default limit: half of a desktop's 1,024 descriptors, leaving room for sockets and collectors. */
export const DEFAULT_MAX_OPEN_SEGMENT_FILES = 512;

export class OpenFiles {
  /** Open files, least recently used first (a Map keeps insertion order). */
  private readonly lru = new Map<OpenFile, true>();

  constructor(readonly limit = DEFAULT_MAX_OPEN_SEGMENT_FILES) {}

  /** How many files are open now. */
  get size(): number {
    return this.lru.size;
  }

  /** `file` was opened or used: it becomes the most recently used; closes others above the limit. */
  touch(file: OpenFile): void {
    this.lru.delete(file);
    this.lru.set(file, true);
    if (this.lru.size <= this.limit) return;
    for (const old of this.lru.keys()) {
      if (this.lru.size <= this.limit || old === file) break;
      if (old.closeIfIdle()) this.lru.delete(old);
    }
  }

  /** `file` was closed by its owner. */
  closed(file: OpenFile): void {
    this.lru.delete(file);
  }
}
