/**
 * Syslog message parsing, shared by the file parser presets and the syslog listener.
 * RFC 5424: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG`.
 * RFC 3164: `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG` (the PRI is absent in files
 * written by a local syslog daemon). `-` is the nil value in RFC 5424.
 */
import { parseTimestamp } from './time';
import type { Parsed } from './types';

export const SEVERITIES = [
  'emerg',
  'alert',
  'crit',
  'err',
  'warning',
  'notice',
  'info',
  'debug',
] as const;

const RFC5424 =
  /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]"\\]|\\.|"(?:[^"\\]|\\.)*")*\])+)(?: ([\s\S]*))?$/;
const RFC3164 =
  /^(?:<(\d{1,3})>)?([A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2}) (\S+) ([^:[\s]+)(?:\[([^\]]*)\])?: ?([\s\S]*)$/;

/** Parses an RFC 5424 message; undefined when it is not one. */
export function parseRfc5424(text: string, timezone: string): Parsed | undefined {
  const m = RFC5424.exec(text);
  if (!m) return undefined;
  const fields: Record<string, string> = {};
  addPri(fields, m[1]);
  const nil = (v: string) => (v === '-' ? undefined : v);
  if (nil(m[3])) fields.host = m[3];
  if (nil(m[4])) fields.app = m[4];
  if (nil(m[5])) fields.procid = m[5];
  if (nil(m[6])) fields.msgid = m[6];
  if (m[7] !== '-') fields.sd = m[7];
  let message = m[8] ?? '';
  if (message.startsWith('\ufeff')) message = message.slice(1);
  return {
    timestamp: m[2] === '-' ? undefined : parseTimestamp(m[2], timezone),
    level: fields.severity,
    message,
    fields,
  };
}

/** Parses an RFC 3164 message (PRI optional); undefined when it is not one. */
export function parseRfc3164(text: string, timezone: string): Parsed | undefined {
  const m = RFC3164.exec(text);
  if (!m) return undefined;
  const fields: Record<string, string> = {};
  if (m[1] !== undefined) addPri(fields, m[1]);
  fields.host = m[3];
  fields.app = m[4];
  if (m[5] !== undefined) fields.procid = m[5];
  return {
    timestamp: parseTimestamp(m[2], timezone),
    level: fields.severity,
    message: m[6],
    fields,
  };
}

/** Either format, 5424 first (its version digit makes it unambiguous). */
export function parseSyslog(text: string, timezone: string): Parsed | undefined {
  return parseRfc5424(text, timezone) ?? parseRfc3164(text, timezone);
}

function addPri(fields: Record<string, string>, pri: string): void {
  const n = Number(pri);
  if (n > 191) return;
  fields.facility = String(n >> 3);
  fields.severity = SEVERITIES[n & 7];
}
