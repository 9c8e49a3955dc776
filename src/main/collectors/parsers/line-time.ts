/**
 * The event time of a line: a timestamp at its start (plain lines) or in the fields a
 * parser found (JSON `time`/`ts`/`@timestamp`, logfmt `ts`/`time`), checked for sense.
 * A time that cannot be read, or is absurd, gives undefined and the record keeps its
 * ingestion time (docs/collectors.md, "Event time").
 */
import { lastIso, readIsoAtStart } from './iso-start';
import { parseTimestamp, wallClockToEpoch } from './time';

/** Field names tried, in order, when a JSON or logfmt parser has no `timestampField` of its own. */
export const TIME_FIELDS = ['time', 'ts', '@timestamp', 'timestamp'] as const;

/** Earliest event time believed: 1990-01-01 (a counter named `ts` is not a date). */
export const EARLIEST_EVENT_TIME = Date.UTC(1990, 0, 1);
/** Latest event time believed, past the ingestion time: clocks disagree, but not by a day. */
export const MAX_FUTURE_MS = 24 * 3600_000;

/** `t` when it is a believable event time at ingestion time `now`, else undefined. */
export function sensibleTime(t: number | undefined, now: number): number | undefined {
  if (t === undefined || !Number.isFinite(t)) return undefined;
  return t >= EARLIEST_EVENT_TIME && t <= now + MAX_FUTURE_MS ? Math.floor(t) : undefined;
}

// Each pattern matches at the start of the line only; the timestamp is group 1.
// RFC 3339 / ISO 8601 and `2026-12-07 01:02:03,456` (log4j, Python logging), zone optional.
const ISO_START =
  /^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:\s?(?:Z|z|UTC|[+-]\d{2}(?::?\d{2})?))?)(?=$|[\s\]|,;])/;
// syslog (RFC 3164): `Dec  7 01:02:03`, optional fraction.
const BSD_START = /^([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(?=$|\s)/;
// Apache/nginx: `[07/Dec/2026:01:02:03 +0000]`, at the start or after `client ident user `.
const CLF_START =
  /^(?:\S+ \S+ \S+ )?\[(\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2}(?: [+-]\d{4})?)\]/;

/** How many bytes of a line are looked at: the longest prefix the patterns can need. */
const PREFIX_BYTES = 160;

/**
 * The timestamp at the start of a plain line (bytes), in epoch ms, or undefined. Cheap on
 * lines that cannot start with one: only those whose first byte is a digit, `[` or an
 * upper-case letter are looked at, and the common ISO form is read from the bytes
 * (iso-start.ts) before any pattern runs.
 */
export function timeAtLineStart(line: Buffer, timezone: string, now: number): number | undefined {
  return timeInLine(line, 0, line.length, timezone, now);
}

/** timeAtLineStart of the line `buf[from, end)`, read in place (a line inside a chunk of a file). */
export function timeInLine(
  buf: Buffer,
  from: number,
  end: number,
  timezone: string,
  now: number,
): number | undefined {
  if (end - from < 8) return undefined;
  const c = buf[from];
  const digit = c >= 0x30 && c <= 0x39;
  if (!digit && c !== 0x5b && !(c >= 0x41 && c <= 0x5a)) return undefined;
  if (!((digit || c === 0x5b) && readIsoAtStart(buf, from, end)))
    return timeAtLineStartByPattern(buf.subarray(from, end), timezone, now);
  const t = lastIso.hasZone
    ? lastIso.wallMs - lastIso.zoneMinutes * 60_000
    : wallClockToEpoch(lastIso.wallMs, timezone);
  return sensibleTime(t, now);
}

/** timeAtLineStart by the regular expressions alone: every form, slower. */
export function timeAtLineStartByPattern(
  line: Buffer,
  timezone: string,
  now: number,
): number | undefined {
  if (line.length < 8) return undefined;
  const c = line[0];
  const digit = c >= 0x30 && c <= 0x39;
  const head = line.toString('latin1', 0, Math.min(line.length, PREFIX_BYTES));
  const m =
    digit || c === 0x5b
      ? (ISO_START.exec(head) ?? CLF_START.exec(head))
      : (BSD_START.exec(head) ?? CLF_START.exec(head));
  if (!m) return undefined;
  return sensibleTime(parseTimestamp(m[1], timezone, now), now);
}
