/**
 * CPU time of this process and of another one, for benches that print CPU per unit of work
 * beside the wall-clock rate: on the shared, loaded machine the wall clock follows the
 * load more than the code, CPU time much less.
 */
import { readFileSync } from 'node:fs';

/** CPU time (user + system, ms) this process has used, all its threads. */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU time (user + system, ms) process `pid` has used, from /proc/<pid>/stat (100 Hz ticks). */
export function procCpuMs(pid: number): number {
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time (ms) of the calling thread alone, from its schedstat (Linux; NaN elsewhere). */
export function threadCpuMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}
