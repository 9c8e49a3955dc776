/**
 * V8's helper threads (the platform's workers: concurrent marking, help with scavenges,
 * background compilation) run at the main thread's priority unless told otherwise. Under
 * load they are busy for every isolate of the process (the pools' threads allocate too):
 * `npm run bench loop` counted ~1.1 s of CPU on them in a 3.3 s phase, beside 0.7 s on the
 * main thread, which then waited for a core behind them. On Linux a nice value is a
 * thread's own, so the main thread lowers them as the pools' threads lower themselves
 * (pool.ts BACKGROUND_NICE).
 *
 * They have no name to find them by (every thread of Node 20 is called `node`), so they
 * are told apart by where they sleep: the platform's task queue is allocated on the
 * process's heap at start, and its idle workers wait on a futex there, while libuv's file
 * threads wait on a condition variable in the binary's static data and the event loops
 * (the main one, the platform's timer thread, worker threads) in epoll. libuv's threads
 * are left alone on purpose: the main thread waits for them whenever it hands them a read
 * or a write (glibc's pthread_cond_signal waits for a woken thread to run), so they must
 * not wait for a core longer. A thread busy when looked at is not recognised: callers look
 * again later. Plain Node on Linux only (an Electron main process holds Chromium's threads
 * too, which this does not know); elsewhere nothing happens.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/** futex's system call number, as /proc/<tid>/syscall shows it. */
const FUTEX: Partial<Record<string, string>> = { x64: '202', arm64: '98' };

function heapRange(): [number, number] | null {
  const line = readFileSync('/proc/self/maps', 'latin1')
    .split('\n')
    .find((l) => l.endsWith('[heap]'));
  if (!line) return null;
  const [from, to] = line.split(' ')[0].split('-');
  return [parseInt(from, 16), parseInt(to, 16)];
}

/** The nice value of a thread of this process (field 19 of its stat), or null when it ended. */
export function niceOf(tid: number): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  } catch {
    return null;
  }
}

/** Whether thread `tid` sleeps in futex on an address of the heap. */
function sleepsOnHeap(tid: number, futex: string, heap: [number, number]): boolean {
  let call: string[];
  try {
    call = readFileSync(`/proc/self/task/${tid}/syscall`, 'latin1').trim().split(' ');
  } catch {
    return false; // ended meanwhile, or not readable here
  }
  if (call[0] !== futex) return false;
  const address = parseInt(call[1], 16);
  return address >= heap[0] && address < heap[1];
}

/**
 * Sets V8's idle helper threads of this process to `nice` (those already at it or below
 * it are left); returns how many were changed. Best effort: never throws.
 */
export function lowerHelperThreads(nice: number): number {
  const futex = FUTEX[process.arch];
  if (process.platform !== 'linux' || process.versions.electron || !futex) return 0;
  let changed = 0;
  try {
    const heap = heapRange();
    if (!heap) return 0;
    for (const name of readdirSync('/proc/self/task')) {
      const tid = Number(name);
      if (tid === process.pid || (niceOf(tid) ?? nice) >= nice) continue;
      if (!sleepsOnHeap(tid, futex, heap)) continue;
      setPriority(tid, nice);
      changed++;
    }
  } catch {
    // A sandbox may hide /proc or refuse setpriority: the threads keep their priority.
  }
  return changed;
}
