/**
 * What one journal entry (export format, see export-format.ts) becomes: one record with
 * value `MESSAGE`, timestamp `__REALTIME_TIMESTAMP` (µs → ms), key the unit (else the
 * syslog identifier), `level` from `PRIORITY` (syslog names: emerg … debug), `logdock.cursor`
 * the entry's cursor (the checkpoint, see cursor.ts). With `fields: headers` every other
 * field is a `journal.<FIELD>` header holding the value's bytes (repeated for a repeated
 * field); with `fields: value` the entry is one JSON value (`timestamp`, `level`, `message`,
 * `fields`, where a value that is not UTF-8 is an array of byte values, as `journalctl -o
 * json` writes it, and a repeated field an array). entry-batches.ts encodes it.
 */
import { isUtf8 } from 'node:buffer';
import { SEVERITIES } from '../parsers/syslog';
import type { ExportEntry } from './export-format';

export const CURSOR_HEADER = 'logdock.cursor';
export const FIELD_HEADER_PREFIX = 'journal.';

export class JournalEntryError extends Error {}

/** The fields an entry's record is made of; every other one is `Kind.other`. */
export const Kind = {
  other: 0,
  cursor: 1,
  realtime: 2,
  monotonic: 3,
  message: 4,
  priority: 5,
  unit: 6,
  userUnit: 7,
  identifier: 8,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Kinds that become the record's own parts rather than fields (headers or JSON). */
export function isOwn(kind: Kind): boolean {
  return kind >= Kind.cursor && kind <= Kind.message;
}

const NAMES: [Kind, string][] = [
  [Kind.cursor, '__CURSOR'],
  [Kind.realtime, '__REALTIME_TIMESTAMP'],
  [Kind.monotonic, '__MONOTONIC_TIMESTAMP'],
  [Kind.message, 'MESSAGE'],
  [Kind.priority, 'PRIORITY'],
  [Kind.unit, '_SYSTEMD_UNIT'],
  [Kind.userUnit, '_SYSTEMD_USER_UNIT'],
  [Kind.identifier, 'SYSLOG_IDENTIFIER'],
];
const OWN_NAMES = new Set(NAMES.filter(([k]) => isOwn(k)).map(([, n]) => n));

/** The names by length (no two of these share a length and a first byte). */
const BY_LENGTH: { kind: Kind; name: Buffer }[][] = [];
for (const [kind, name] of NAMES)
  (BY_LENGTH[name.length] ??= []).push({ kind, name: Buffer.from(name) });

/** The kind of the field named `buf[start, end)`: a length lookup, then one comparison. */
export function kindOf(buf: Buffer, start: number, end: number): Kind {
  const candidates = BY_LENGTH[end - start];
  if (candidates === undefined) return Kind.other;
  for (let c = 0; c < candidates.length; c++) {
    const name = candidates[c].name;
    if (name[0] !== buf[start]) continue;
    for (let i = 1; i < name.length; i++) if (name[i] !== buf[start + i]) return Kind.other;
    return candidates[c].kind;
  }
  return Kind.other;
}

/** `ms` from a `__REALTIME_TIMESTAMP` value (decimal µs), or undefined when it is not one. */
export function realtimeMs(buf: Buffer, start: number, end: number): number | undefined {
  if (end <= start || end - start > 16) return undefined;
  let us = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return undefined;
    us = us * 10 + d;
  }
  return us > 0 ? Math.floor(us / 1000) : undefined;
}

/** The syslog level of a `PRIORITY` value (a single digit 0–7), or -1. */
export function levelOf(buf: Buffer, start: number, end: number): number {
  const p = end - start === 1 ? buf[start] - 48 : -1;
  return p >= 0 && p <= 7 ? p : -1;
}

/**
 * The `fields: value` JSON of an entry as an object, for entries the byte writer
 * (json-bytes.ts) leaves to it: repeated fields, names that are not journal field names.
 */
export function asJson(
  entry: ExportEntry,
  timestamp: number | undefined,
  level: number,
  message: Buffer | undefined,
): object {
  const fields: Record<string, unknown> = {};
  const repeated = new Set<string>();
  for (const f of entry) {
    if (OWN_NAMES.has(f.name)) continue;
    const v = isUtf8(f.value) ? f.value.toString('utf8') : [...f.value];
    if (!Object.hasOwn(fields, f.name)) fields[f.name] = v;
    else if (repeated.has(f.name)) (fields[f.name] as unknown[]).push(v);
    else {
      fields[f.name] = [fields[f.name], v];
      repeated.add(f.name);
    }
  }
  return {
    timestamp: timestamp === undefined ? undefined : new Date(timestamp).toISOString(),
    level: level < 0 ? undefined : SEVERITIES[level],
    message: message === undefined ? null : message.toString('utf8'),
    fields,
  };
}
