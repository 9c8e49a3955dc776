import type { LogLevel } from '../../common/api/dashboard';
import { detectLevel } from '../browse/preview';
import type { StoredRecord } from '../storage/api';

/**
 * Maps the many spellings of a level (bunyan/pino numbers, syslog severities, Java and
 * Python names, single letters) onto the dashboard's seven buckets.
 */
const NAMES: Record<string, LogLevel> = {
  fatal: 'fatal',
  panic: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  alert: 'fatal',
  crit: 'fatal',
  critical: 'fatal',
  f: 'fatal',
  c: 'fatal',
  error: 'error',
  err: 'error',
  severe: 'error',
  e: 'error',
  warn: 'warn',
  warning: 'warn',
  w: 'warn',
  info: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  i: 'info',
  n: 'info',
  debug: 'debug',
  fine: 'debug',
  d: 'debug',
  config: 'debug',
  trace: 'trace',
  finer: 'trace',
  finest: 'trace',
  verbose: 'trace',
  t: 'trace',
  v: 'trace',
};

export function normalizeLevel(raw: string | number | null | undefined): LogLevel {
  if (raw === null || raw === undefined) return 'none';
  if (typeof raw === 'number' || /^\d+$/.test(raw)) return numericLevel(Number(raw));
  return NAMES[raw.trim().toLowerCase()] ?? 'none';
}

/** pino/bunyan levels (10..60) and syslog severities (0..7). */
function numericLevel(n: number): LogLevel {
  if (n >= 10)
    return n >= 60
      ? 'fatal'
      : n >= 50
        ? 'error'
        : n >= 40
          ? 'warn'
          : n >= 30
            ? 'info'
            : n >= 20
              ? 'debug'
              : 'trace';
  return n <= 2 ? 'fatal' : n === 3 ? 'error' : n === 4 ? 'warn' : n <= 6 ? 'info' : 'debug';
}

/**
 * The dashboard bucket of a record's level. Detection is the message browser's
 * (`detectLevel`: level header, JSON level field, or a level word near the start of a text
 * line), so the histogram and the browser's level column always agree.
 */
export function recordLevel(record: StoredRecord): LogLevel {
  return normalizeLevel(detectLevel(record));
}
