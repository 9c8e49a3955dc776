/**
 * A bound on the file descriptors the file sources of a process hold (issue 15.6: a glob
 * matching 5,000 files held 5,000 descriptors). Readers take a descriptor before opening
 * and mark it idle when not reading; when the bound is reached the least recently used
 * idle descriptor is closed (preferring files read to their end), and if none is idle the
 * reader waits for one. Idle descriptors are also closed after `closeInactiveMs`
 * (Filebeat's close_inactive); the file is reopened by path on its next change.
 */

/** What holds a descriptor: it closes it when asked (the pool has already counted it freed). */
export interface DescriptorHolder {
  /** Closes the descriptor now; it is only asked while idle. */
  evict(): void;
}

export class DescriptorPool {
  private held = 0;
  /** Idle holders read to their end, least recently idle first, with when they went idle. */
  private readonly caughtUp = new Map<DescriptorHolder, number>();
  /** Idle holders with more to read (placed, not yet pumped): evicted only when no other is idle. */
  private readonly behind = new Map<DescriptorHolder, number>();
  private readonly waiters: (() => void)[] = [];

  constructor(
    readonly max: number,
    readonly closeInactiveMs: number,
  ) {}

  /** Descriptors currently held (open). */
  get open(): number {
    return this.held;
  }

  /** Takes a descriptor for a file about to be opened; waits while all are busy. */
  async acquire(): Promise<void> {
    while (this.held >= this.max) {
      const victim = first(this.caughtUp) ?? first(this.behind);
      if (victim) {
        this.forget(victim);
        this.held--;
        victim.evict();
        continue;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.held++;
  }

  /** A descriptor was closed by its holder (or an open failed: no holder yet). */
  release(holder?: DescriptorHolder): void {
    if (holder) this.forget(holder);
    this.held--;
    this.waiters.shift()?.();
  }

  /** The holder is reading: not to be evicted. */
  busy(holder: DescriptorHolder): void {
    this.forget(holder);
  }

  /** The holder stopped reading; `done` when it has read its file to the end. */
  idle(holder: DescriptorHolder, done: boolean, now: number): void {
    this.forget(holder);
    (done ? this.caughtUp : this.behind).set(holder, now);
    // Someone waiting for a descriptor can now take this one.
    if (this.waiters.length > 0 && this.held >= this.max) {
      this.forget(holder);
      this.held--;
      holder.evict();
      this.waiters.shift()?.();
    }
  }

  /** Closes descriptors idle (read to the end) for `closeInactiveMs` or more. */
  closeInactive(now: number): void {
    for (const [holder, since] of this.caughtUp) {
      if (now - since < this.closeInactiveMs) break;
      this.caughtUp.delete(holder);
      this.held--;
      holder.evict();
      this.waiters.shift()?.();
    }
  }

  private forget(holder: DescriptorHolder): void {
    this.caughtUp.delete(holder);
    this.behind.delete(holder);
  }
}

function first<K>(map: Map<K, unknown>): K | undefined {
  for (const k of map.keys()) return k;
  return undefined;
}
