import type { LogLevel } from '../../common/api/dashboard';
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

const JSON_LEVEL_FIELDS = ['level', 'severity', 'lvl', 'loglevel', 'log.level'];

/**
 * The level of a collected record: the collectors' `level` header when present, otherwise a
 * level field of a JSON value (only parsed when the value looks like an object, to keep a
 * scan over plain lines cheap). Never throws on malformed values.
 */
export function recordLevel(record: StoredRecord): LogLevel {
  const header = record.headers.find((h) => h.key === 'level');
  if (header?.value) return normalizeLevel(header.value.toString('utf8'));
  const value = record.value;
  if (!value || value.length < 2 || value[0] !== 0x7b /* { */) return 'none';
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return 'none';
  }
  if (!parsed || typeof parsed !== 'object') return 'none';
  for (const field of JSON_LEVEL_FIELDS) {
    const v = (parsed as Record<string, unknown>)[field];
    if (typeof v === 'string' || typeof v === 'number') return normalizeLevel(v);
  }
  return 'none';
}
