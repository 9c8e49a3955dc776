/**
 * Timestamps found in log lines, turned into epoch milliseconds. A timestamp that names
 * its zone (`Z`, `+02:00`, `-0700`) is exact; one without a zone is read in the source's
 * configured zone: `local`, `UTC`, a fixed offset or an IANA name such as `Europe/Paris`
 * (resolved with Intl, daylight saving included).
 */

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;
// nginx/Apache: 10/Oct/2000:13:55:36 -0700
const CLF = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\s+([+-]\d{4}))?$/;
// RFC 3164: "Oct 11 22:14:15" or "Oct  1 22:14:15", optionally with a year after the day.
const BSD = /^([A-Za-z]{3})\s+(\d{1,2})(?:\s+(\d{4}))?\s+(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/**
 * Parses a timestamp string or number; returns undefined when it is not one. Numbers are
 * seconds, milliseconds or microseconds since the epoch, told apart by magnitude.
 */
export function parseTimestamp(
  value: unknown,
  timezone: string,
  now = Date.now(),
): number | undefined {
  if (typeof value === 'number') return fromEpochNumber(value);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (s === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return fromEpochNumber(Number(s));
  let m = ISO.exec(s);
  if (m) {
    const ms = fraction(m[7]);
    const parts = [+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0, ms] as const;
    return m[8] ? Date.UTC(...parts) - offsetMinutes(m[8]) * 60_000 : zoned(parts, timezone);
  }
  m = CLF.exec(s);
  if (m) {
    const month = MONTHS[m[2].toLowerCase()];
    if (month === undefined) return undefined;
    const parts = [+m[3], month, +m[1], +m[4], +m[5], +m[6], 0] as const;
    return m[7] ? Date.UTC(...parts) - offsetMinutes(m[7]) * 60_000 : zoned(parts, timezone);
  }
  m = BSD.exec(s);
  if (m) {
    const month = MONTHS[m[1].toLowerCase()];
    if (month === undefined) return undefined;
    const year = m[3] ? +m[3] : new Date(now).getUTCFullYear();
    const parts = [year, month, +m[2], +m[4], +m[5], +m[6], fraction(m[7])] as const;
    let t = zoned(parts, timezone);
    // No year in the line: a date far in the future belongs to last year (December logs read in January).
    if (!m[3] && t > now + 7 * 86_400_000)
      t = zoned([year - 1, ...parts.slice(1)] as unknown as Parts, timezone);
    return t;
  }
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

type Parts = readonly [number, number, number, number, number, number, number];

function fromEpochNumber(n: number): number | undefined {
  if (!Number.isFinite(n) || n < 0) return undefined;
  if (n >= 1e14) return Math.floor(n / 1000); // microseconds
  if (n >= 1e11) return Math.floor(n); // milliseconds
  return Math.round(n * 1000); // seconds
}

/** Milliseconds of a fraction's digits (`5` → 500, `0571` → 57), in integers: 0.571 * 1000 is 570.99... */
function fraction(digits: string | undefined): number {
  return digits ? Number(digits.slice(0, 3).padEnd(3, '0')) : 0;
}

/** "+02:00", "-0700", "+02", "Z" → minutes east of UTC. */
export function offsetMinutes(zone: string): number {
  if (zone === 'Z' || zone === 'z' || zone === 'UTC') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return 0;
  const minutes = +m[2] * 60 + (m[3] ? +m[3] : 0);
  return m[1] === '-' ? -minutes : minutes;
}

/** Wall-clock parts in `timezone` → epoch ms. */
function zoned(parts: Parts, timezone: string): number {
  if (timezone === 'UTC') return Date.UTC(...parts);
  if (timezone === 'local') return new Date(...parts).getTime();
  if (/^[+-]\d{2}:?\d{2}$/.test(timezone))
    return Date.UTC(...parts) - offsetMinutes(timezone) * 60_000;
  const guess = Date.UTC(...parts);
  // The zone's offset at the guessed instant, then again at the corrected one (DST edges).
  const first = guess - zoneOffsetMs(guess, timezone);
  return guess - zoneOffsetMs(first, timezone);
}

/** Per zone, the offset of the last wall-clock hour converted, when it held all hour. */
const hourOffsets = new Map<string, { hour: number; offsetMs: number }>();
const HOUR_MS = 3_600_000;

function partsOf(wallMs: number): Parts {
  const d = new Date(wallMs);
  return [
    d.getUTCFullYear(),
    d.getUTCMonth(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  ];
}

/**
 * A wall-clock time without a zone (`wallMs`: its fields read as if in UTC) → epoch ms in
 * `timezone`, as parseTimestamp does. Lines come in bursts of the same hour, and resolving
 * an IANA zone costs microseconds (Intl), so the zone's offset is kept per wall-clock hour
 * when it is the same at both ends of that hour (not across a daylight-saving change).
 */
export function wallClockToEpoch(wallMs: number, timezone: string): number {
  if (timezone === 'UTC') return wallMs;
  const hour = Math.floor(wallMs / HOUR_MS);
  const cached = hourOffsets.get(timezone);
  if (cached?.hour === hour) return wallMs - cached.offsetMs;
  const offsetAt = (w: number) => w - zoned(partsOf(w), timezone);
  const start = offsetAt(hour * HOUR_MS);
  if (start === offsetAt((hour + 1) * HOUR_MS - 1)) {
    hourOffsets.set(timezone, { hour, offsetMs: start });
    return wallMs - start;
  }
  return wallMs - offsetAt(wallMs);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of an IANA zone from UTC at `epoch`, in milliseconds. */
function zoneOffsetMs(epoch: number, timezone: string): number {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(epoch))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (epoch - (epoch % 1000));
}
