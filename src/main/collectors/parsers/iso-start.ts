/**
 * The common case of event time, read from the bytes: an ISO 8601 / RFC 3339 timestamp at
 * the start of a line (`2026-12-07T01:02:03.456Z`, `2026-12-07 01:02:03,456`, optionally
 * in `[...]`, zone `Z`, `+02:00`, `+0200`, `+02` or none). Tailing reads a million lines a
 * second, and decoding each line's head to a string for the regular expressions of
 * line-time.ts cost more than everything else per line; this reads digits in place and
 * computes the time with integer arithmetic.
 *
 * It answers only what it is sure of: `undefined` means "not this simple form", and the
 * caller falls back to the regular expressions (a zone after a space, `UTC`, syslog and
 * Apache forms, ...), so both paths agree on every line.
 */

/** Wall-clock time as if in UTC, and the zone's offset when the line names one. */
export interface IsoStart {
  wallMs: number;
  /** Minutes east of UTC, or null when the line names no zone. */
  zoneMinutes: number | null;
}

const ZERO = 0x30;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** The byte at `at`, or -1 at or past `end` (the line's end inside a larger buffer). */
const byteAt = (b: Uint8Array, at: number, end: number): number => (at < end ? b[at] : -1);

function digits(b: Uint8Array, at: number, n: number, end: number): number {
  if (at + n > end) return -1;
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = b[i];
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - ZERO);
  }
  return v;
}

/** The two ASCII digits at b[at], b[at + 1] (both within the array) as a number, or -1. */
function pair(b: Uint8Array, at: number): number {
  const hi = b[at] - ZERO;
  const lo = b[at + 1] - ZERO;
  // Negative when either is below '0' or above '9'.
  return (hi | lo | (9 - hi) | (9 - lo)) < 0 ? -1 : hi * 10 + lo;
}

/** End of the timestamp: the line's end or a separator (as line-time.ts's lookahead). */
function isEnd(b: Uint8Array, at: number, end: number): boolean {
  if (at >= end) return true;
  const c = b[at];
  return c === 0x20 || c === 0x09 || c === 0x5d || c === 0x7c || c === 0x2c || c === 0x3b;
}

/** A space then something that may be a zone: the regular expressions decide. */
function zoneAfterSpace(b: Uint8Array, at: number, end: number): boolean {
  if (at + 1 >= end || b[at] !== 0x20) return false;
  const c = b[at + 1];
  return c === 0x2b || c === 0x2d || c === 0x5a || c === 0x7a || c === 0x55;
}

/** What zoneAt read: minutes east of UTC and the index just past the zone. */
let zoneMinutes = 0;
let zoneEnd = 0;

/**
 * Reads `[+-]HH(:?MM)?` or `Z` at `at` into zoneMinutes and zoneEnd: 1 when there is a
 * zone, 0 when there is none, -1 when it is malformed.
 */
function zoneAt(b: Uint8Array, at: number, end: number): number {
  const c = byteAt(b, at, end);
  if (c === 0x5a || c === 0x7a) {
    zoneMinutes = 0;
    zoneEnd = at + 1;
    return 1;
  }
  if (c !== 0x2b && c !== 0x2d) return 0;
  const hh = digits(b, at + 1, 2, end);
  if (hh < 0) return -1;
  let to = at + 3;
  let mm = 0;
  const colon = byteAt(b, to, end) === 0x3a ? 1 : 0;
  if (isDigit(byteAt(b, to + colon, end)) && isDigit(byteAt(b, to + colon + 1, end))) {
    mm = digits(b, to + colon, 2, end);
    to += colon + 2;
  }
  const minutes = hh * 60 + mm;
  zoneMinutes = c === 0x2d ? -minutes : minutes;
  zoneEnd = to;
  return 1;
}

/**
 * What readIsoAtStart found, valid until its next call: one object reused, as tailing reads
 * a timestamp per line and an object per line was garbage for the collector.
 */
export const lastIso = { wallMs: 0, zoneMinutes: 0, hasZone: false };

/** The timestamp at the start of `b` in the simple ISO form, or undefined (not this form). */
export function isoAtStart(b: Uint8Array, from = 0, end = b.length): IsoStart | undefined {
  if (!readIsoAtStart(b, from, end)) return undefined;
  return { wallMs: lastIso.wallMs, zoneMinutes: lastIso.hasZone ? lastIso.zoneMinutes : null };
}

/**
 * Reads the timestamp at the start of `b[from, end)` (a line, or a line inside a chunk of a
 * file) in the simple ISO form into `lastIso`; false when it is not this form.
 */
export function readIsoAtStart(b: Uint8Array, from: number, end: number): boolean {
  const s = from + (byteAt(b, from, end) === 0x5b ? 1 : 0);
  if (end < s + 19) return false;
  // Unrolled, with no bounds check per digit (the 19 bytes are within `end`): read per
  // line while tailing, where a loop per field cost ~0.1 µs a line.
  const century = pair(b, s);
  const yy = pair(b, s + 2);
  const year = (century | yy) < 0 ? -1 : century * 100 + yy;
  const month = pair(b, s + 5);
  const day = pair(b, s + 8);
  const hour = pair(b, s + 11);
  const minute = pair(b, s + 14);
  const second = pair(b, s + 17);
  const sep = b[s + 10];
  if (
    (year | month | day | hour | minute | second) < 0 ||
    b[s + 4] !== 0x2d ||
    b[s + 7] !== 0x2d ||
    (sep !== 0x54 && sep !== 0x20) ||
    b[s + 13] !== 0x3a ||
    b[s + 16] !== 0x3a
  ) {
    return false;
  }
  let at = s + 19;
  let ms = 0;
  const dot = byteAt(b, at, end);
  if ((dot === 0x2e || dot === 0x2c) && isDigit(byteAt(b, at + 1, end))) {
    let n = 0;
    at++;
    for (; n < 9 && isDigit(byteAt(b, at, end)); n++, at++)
      if (n < 3) ms = ms * 10 + (b[at] - ZERO);
    for (let k = n; k < 3; k++) ms *= 10;
  }
  const zone = zoneAt(b, at, end);
  if (zone < 0) return false;
  if (zone > 0) at = zoneEnd;
  else if (zoneAfterSpace(b, at, end)) return false;
  if (!isEnd(b, at, end)) return false;
  lastIso.wallMs = utcMs(year, month, day, hour, minute, second, ms);
  lastIso.hasZone = zone > 0;
  lastIso.zoneMinutes = zone > 0 ? zoneMinutes : 0;
  return true;
}

const DAY_MS = 86_400_000;

/**
 * Date.UTC(year, month - 1, ...) by integer arithmetic (days from the civil date, H. Hinnant's
 * algorithm): Date.UTC cost more than reading the digits, once per line. A day, hour, minute
 * or second past its range carries over as in Date.UTC; years before 1970 and months outside
 * 1-12 are left to Date.UTC.
 */
function utcMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): number {
  if (year < 1970 || month < 1 || month > 12)
    return Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Lines in a row mostly share their date: its days are computed once per date.
  const date = year * 10_000 + month * 100 + day;
  if (date !== lastDate) {
    lastDays = daysFromCivil(year, month, day);
    lastDate = date;
  }
  return lastDays * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

/** The last date utcMs saw (year, month, day packed) and its days since 1970-01-01. */
let lastDate = -1;
let lastDays = 0;

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
