/**
 * How many scans the API's streams run at once, over every connection: searches, exports
 * and aggregates (facets, level histograms) of the browser and the timeline. Each running
 * scan holds its read-ahead in shared memory (reads of up to 8 MiB, faulted in as they are
 * filled) and there are at most four scanning threads, so scans beyond a few add memory,
 * not speed: 2,000 searches opened at once on one connection over a 10 MB topic took the
 * server from 137 MB to 2.25 GB of RSS (215 MB with this limit), and a larger topic would
 * have exhausted memory.
 * Scans beyond the limit wait in arrival order; one cancelled while waiting leaves the queue.
 */
const MAX_RUNNING_SCANS = 8;

interface Waiting {
  start: () => void;
  signal: AbortSignal;
}

let running = 0;
const waiting: Waiting[] = [];

/**
 * Runs `scan` once fewer than MAX_RUNNING_SCANS run (at once when so), unless `signal` is
 * aborted first; the slot is freed when the promise `scan` returns settles. Never throws.
 */
export function runWhenScanSlotFree(signal: AbortSignal, scan: () => Promise<unknown>): void {
  const start = () => {
    running++;
    void scan()
      .catch(() => undefined) // the caller's promise reports its own failure
      .finally(release);
  };
  if (running < MAX_RUNNING_SCANS) return start();
  const entry: Waiting = { start, signal };
  waiting.push(entry);
  signal.addEventListener('abort', () => {
    const i = waiting.indexOf(entry);
    if (i >= 0) waiting.splice(i, 1);
  });
}

function release(): void {
  running--;
  const next = waiting.shift();
  if (next) next.start();
}

/** Scans running and waiting (tests, status). */
export function scanSlotsInUse(): { running: number; waiting: number } {
  return { running, waiting: waiting.length };
}
