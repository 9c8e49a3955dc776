/**
 * The lines-per-second figure in a source's status, one rule shared by the command and
 * syslog sources and each tracked file of a file source: resampled from a running line
 * count at most every half second (a status poll sooner than that keeps the last figure
 * instead of computing one from a too-short interval).
 */
export interface LineRate {
  /** When the figure was last sampled (ms since the epoch). */
  at: number;
  /** The line count at that time. */
  lines: number;
  perSec: number;
}

/** Updates `rate` in place from the current line count, if half a second has passed. */
export function sampleLineRate(rate: LineRate, lines: number, now: number): void {
  const dt = (now - rate.at) / 1000;
  if (dt < 0.5) return;
  rate.perSec = Math.round((lines - rate.lines) / dt);
  rate.at = now;
  rate.lines = lines;
}
