/**
 * journalctl's output, read as soon as it comes and scanned a slice per event-loop turn.
 *
 * Scanning a chunk inside its `data` event stops reading while it runs, so the socket
 * between the two processes (Node's child stdio is a Unix socket pair: about 200 KiB) is
 * the only thing that lets journalctl write ahead. With its 1 MiB stdout buffer
 * (stdout-buffer.ts) journalctl then waits in `write` while Logdock scans, and Logdock has
 * at most a socket-full to scan while journalctl formats the next megabyte: the two take
 * turns instead of working at the same time (bench journald, quiet machine: the source at
 * 85 k entries/s beside journalctl alone at 137–156 k). Here a chunk is only queued when it
 * comes; the queue is scanned up to `SLICE_BYTES` per turn (`setImmediate`), so between
 * two slices the event loop reads what journalctl wrote meanwhile and its `write` returns
 * at once (300 k entries as in bench journald, alternate runs, load ~5, 1 MiB buffer: 99 k
 * entries/s, event loop idle 1.27 s of 3.0 s, scanned in the `data` event; 111–116 k, idle
 * 0.65 s, read ahead). The queue is bounded by the caller, which pauses the stream
 * (journald-source.ts).
 */

const SLICE_BYTES = 128 * 1024;
const COMPACT_AT = 256;

export class ReadAhead {
  private chunks: Buffer[] = [];
  private head = 0;
  private queued = 0;
  private scheduled = false;
  private onEmpty: (() => void) | null = null;

  /** `scan` is called with every chunk pushed and not cleared, in order. */
  constructor(private readonly scan: (chunk: Buffer) => void) {}

  /** Bytes pushed and not yet scanned. */
  get bytes(): number {
    return this.queued;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.queued += chunk.length;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.slice);
  }

  /**
   * Calls `fn` once everything pushed so far is scanned (at once when it is); not if the
   * queue is cleared first.
   */
  whenScanned(fn: () => void): void {
    if (this.queued === 0) fn();
    else this.onEmpty = fn;
  }

  /** Drops what is queued (the output of a journalctl that was stopped or failed). */
  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.queued = 0;
    this.onEmpty = null;
  }

  private readonly slice = (): void => {
    this.scheduled = false;
    let scanned = 0;
    while (this.queued > 0 && scanned < SLICE_BYTES) scanned += this.scanNext();
    if (this.queued === 0) {
      const fn = this.onEmpty;
      this.onEmpty = null;
      fn?.();
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.slice);
  };

  /** Scans the oldest chunk; returns its size. */
  private scanNext(): number {
    const chunk = this.chunks[this.head++];
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AT) {
      // A queue that never quite empties would keep every chunk it ever held.
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
    this.queued -= chunk.length;
    this.scan(chunk);
    return chunk.length;
  }
}
