/**
 * Syslog message parsing, shared by the file parser presets and the syslog listener.
 * RFC 5424: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG`.
 * RFC 3164: `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG` (the PRI is absent in files
 * written by a local syslog daemon; HOSTNAME and the TAG's colon may be absent too). `-` is the nil value in RFC 5424.
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
const RFC3164_HEAD = /^(?:<(\d{1,3})>)?([A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2}) /;
/**
 * rsyslog's test for a HOSTNAME (pmrfc3164): letters, digits, `.`, `_`, `-`, ending in a
 * letter or digit, then a space or the end. Colons are allowed too for IPv6 addresses, but
 * not at the end: a word ending in `:` is a TAG (a local daemon's line has no hostname).
 */
const RFC3164_HOST = /^[A-Za-z0-9._:-]*[A-Za-z0-9](?= |$)/;
/** The TAG runs up to a colon (part of it) or a space (not), as in rsyslog. */
const RFC3164_TAG = /^([^: ]*)(:?)/;
const TAG_PROCID = /^([^[]+)\[([^\]]*)\]$/;

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

/**
 * Parses an RFC 3164 message (PRI optional); undefined when it is not one. Like rsyslog's
 * parser it accepts a missing HOSTNAME and a TAG without a colon (`logger`, busybox): the
 * TAG's first word still gives `app`, but the message is then the whole text after the
 * hostname, since that word may just as well be the text's first.
 */
export function parseRfc3164(text: string, timezone: string): Parsed | undefined {
  const head = RFC3164_HEAD.exec(text);
  if (!head) return undefined;
  const fields: Record<string, string> = {};
  if (head[1] !== undefined) addPri(fields, head[1]);
  let rest = text.slice(head[0].length);
  const host = RFC3164_HOST.exec(rest);
  if (host) {
    fields.host = host[0];
    rest = rest.slice(host[0].length + 1);
  }
  const tag = RFC3164_TAG.exec(rest)!;
  if (tag[1] !== '') {
    const withPid = TAG_PROCID.exec(tag[1]);
    fields.app = withPid ? withPid[1] : tag[1];
    if (withPid) fields.procid = withPid[2];
  }
  let message = rest;
  if (tag[2] === ':') {
    message = rest.slice(tag[0].length);
    if (message.startsWith(' ')) message = message.slice(1);
  }
  return {
    timestamp: parseTimestamp(head[2], timezone),
    level: fields.severity,
    message,
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
