/**
 * How many scans the API's streams run at once, over every connection: searches, exports
 * and aggregates (facets, level histograms) of the browser and the timeline. Each running
 * scan holds its read-ahead in shared memory (reads of up to 8 MiB, faulted in as they are
 * filled) and there are at most four scanning threads, so scans beyond a few add memory,
 * not speed: 2,000 searches opened at once on one connection over a 10 MB topic took the
 * server from 137 MB to 2.25 GB of RSS (215 MB with this limit), and a larger topic would
 * have exhausted memory.
 * Scans beyond the limit wait; one cancelled while waiting leaves the queue.
 */
const MAX_RUNNING_SCANS = 8;

/**
 * Whose scan it is: the caller's connection (its CallContext). A freed slot goes to the
 * waiting scan of the owner running the fewest, earliest first among equals, so that one
 * connection queueing a hundred scans does not make every other one wait for all of them;
 * alone, an owner still gets every slot.
 */
export type ScanOwner = object;

const NOBODY: ScanOwner = {};

interface Waiting {
  start: () => void;
  signal: AbortSignal;
  owner: ScanOwner;
}

let running = 0;
const runningBy = new Map<ScanOwner, number>();
const waiting: Waiting[] = [];

/**
 * Runs `scan` once a slot is free (at once when one is), unless `signal` is aborted first;
 * the slot is freed when the promise `scan` returns settles. Never throws.
 */
export function runWhenScanSlotFree(
  signal: AbortSignal,
  scan: () => Promise<unknown>,
  owner: ScanOwner = NOBODY,
): void {
  const start = () => {
    running++;
    runningBy.set(owner, (runningBy.get(owner) ?? 0) + 1);
    void scan()
      .catch(() => undefined) // the caller's promise reports its own failure
      .finally(() => release(owner));
  };
  if (running < MAX_RUNNING_SCANS) return start();
  const entry: Waiting = { start, signal, owner };
  waiting.push(entry);
  signal.addEventListener('abort', () => {
    const i = waiting.indexOf(entry);
    if (i >= 0) waiting.splice(i, 1);
  });
}

function release(owner: ScanOwner): void {
  running--;
  const left = runningBy.get(owner)! - 1;
  if (left === 0) runningBy.delete(owner);
  else runningBy.set(owner, left);
  let next = -1;
  for (let i = 0; i < waiting.length; i++) {
    const count = runningBy.get(waiting[i].owner) ?? 0;
    if (next < 0 || count < (runningBy.get(waiting[next].owner) ?? 0)) next = i;
    if (count === 0) break; // nobody runs fewer
  }
  if (next >= 0) waiting.splice(next, 1)[0].start();
}

/** Scans running and waiting (tests, status). */
export function scanSlotsInUse(): { running: number; waiting: number } {
  return { running, waiting: waiting.length };
}
