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

function digits(b: Buffer, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = b[i];
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - ZERO);
  }
  return v;
}

/** End of the timestamp: the line's end or a separator (as line-time.ts's lookahead). */
function isEnd(b: Buffer, at: number): boolean {
  if (at >= b.length) return true;
  const c = b[at];
  return c === 0x20 || c === 0x09 || c === 0x5d || c === 0x7c || c === 0x2c || c === 0x3b;
}

/** A space then something that may be a zone: the regular expressions decide. */
function zoneAfterSpace(b: Buffer, at: number): boolean {
  if (at + 1 >= b.length || b[at] !== 0x20) return false;
  const c = b[at + 1];
  return c === 0x2b || c === 0x2d || c === 0x5a || c === 0x7a || c === 0x55;
}

/**
 * Reads `[+-]HH(:?MM)?` or `Z` at `at`: [minutes east, end], null when there is no zone,
 * undefined when it is malformed.
 */
function zoneAt(b: Buffer, at: number): [number, number] | null | undefined {
  const c = b[at];
  if (c === 0x5a || c === 0x7a) return [0, at + 1];
  if (c !== 0x2b && c !== 0x2d) return null;
  const hh = digits(b, at + 1, 2);
  if (hh < 0) return undefined;
  let end = at + 3;
  let mm = 0;
  const colon = b[end] === 0x3a ? 1 : 0;
  if (isDigit(b[end + colon]) && isDigit(b[end + colon + 1])) {
    mm = digits(b, end + colon, 2);
    end += colon + 2;
  }
  const minutes = hh * 60 + mm;
  return [c === 0x2d ? -minutes : minutes, end];
}

/** The timestamp at the start of `b` in the simple ISO form, or undefined (not this form). */
export function isoAtStart(b: Buffer): IsoStart | undefined {
  const s = b[0] === 0x5b ? 1 : 0;
  if (b.length < s + 19) return undefined;
  const year = digits(b, s, 4);
  const month = digits(b, s + 5, 2);
  const day = digits(b, s + 8, 2);
  const hour = digits(b, s + 11, 2);
  const minute = digits(b, s + 14, 2);
  const second = digits(b, s + 17, 2);
  const sep = b[s + 10];
  if (
    (year | month | day | hour | minute | second) < 0 ||
    b[s + 4] !== 0x2d ||
    b[s + 7] !== 0x2d ||
    (sep !== 0x54 && sep !== 0x20) ||
    b[s + 13] !== 0x3a ||
    b[s + 16] !== 0x3a
  ) {
    return undefined;
  }
  let at = s + 19;
  let ms = 0;
  if ((b[at] === 0x2e || b[at] === 0x2c) && isDigit(b[at + 1])) {
    let n = 0;
    at++;
    for (; n < 9 && isDigit(b[at]); n++, at++) if (n < 3) ms = ms * 10 + (b[at] - ZERO);
    for (let k = n; k < 3; k++) ms *= 10;
  }
  const zone = zoneAt(b, at);
  if (zone === undefined) return undefined;
  if (zone) at = zone[1];
  else if (zoneAfterSpace(b, at)) return undefined;
  if (!isEnd(b, at)) return undefined;
  return {
    wallMs: Date.UTC(year, month - 1, day, hour, minute, second, ms),
    zoneMinutes: zone ? zone[0] : null,
  };
}
