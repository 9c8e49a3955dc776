/**
 * One journal entry (export format, see export-format.ts) → one record: value `MESSAGE`,
 * timestamp `__REALTIME_TIMESTAMP` (µs → ms), key the unit (else the syslog identifier),
 * `level` from `PRIORITY` (syslog names: emerg … debug), `logdock.cursor` the entry's
 * cursor (the checkpoint, see cursor.ts). With `fields: headers` every other field is a
 * `journal.<FIELD>` header holding the value's bytes (repeated for a repeated field); with
 * `fields: value` the entry is one JSON value (`timestamp`, `level`, `message`, `fields`,
 * where a value that is not UTF-8 is an array of byte values, as `journalctl -o json`
 * writes it, and a repeated field an array).
 */
import { isUtf8 } from 'node:buffer';
import type { ProduceRecord } from '../../cluster';
import type { RecordHeader } from '../../storage/api';
import { SEVERITIES } from '../parsers/syslog';
import { H, fixedHeader } from '../record';
import type { ExportEntry } from './export-format';

export const CURSOR_HEADER = 'logdock.cursor';

/** Fields that become the record's own parts rather than headers. */
const OWN_FIELDS = new Set([
  'MESSAGE',
  '__CURSOR',
  '__REALTIME_TIMESTAMP',
  '__MONOTONIC_TIMESTAMP',
]);

export class JournalEntryError extends Error {}

export interface EntryContext {
  topic: string;
  fields: 'headers' | 'value';
  /** `logdock.source`, built once. */
  sourceHeader: RecordHeader;
}

export interface BuiltEntry {
  record: ProduceRecord;
  cursor: string;
}

const LEVEL_HEADERS = SEVERITIES.map((s) => fixedHeader(H.level, s));

/** `journal.<FIELD>` per field name, built once: a journal has a few dozen field names. */
const headerKeys = new Map<string, string>();
const MAX_CACHED_KEYS = 4096;

function headerKey(name: string): string {
  let key = headerKeys.get(name);
  if (key === undefined) {
    key = `journal.${name}`;
    if (headerKeys.size < MAX_CACHED_KEYS) headerKeys.set(name, key);
  }
  return key;
}

/** @throws JournalEntryError when the entry has no cursor. */
export function entryRecord(entry: ExportEntry, ctx: EntryContext): BuiltEntry {
  let cursor: string | undefined;
  let realtime: Buffer | undefined;
  let message: Buffer | undefined;
  let priority: Buffer | undefined;
  let unit: Buffer | undefined;
  let identifier: Buffer | undefined;
  for (const f of entry) {
    switch (f.name) {
      case '__CURSOR':
        cursor = f.value.toString('latin1');
        break;
      case '__REALTIME_TIMESTAMP':
        realtime = f.value;
        break;
      case 'MESSAGE':
        message ??= f.value;
        break;
      case 'PRIORITY':
        priority ??= f.value;
        break;
      case '_SYSTEMD_UNIT':
        unit ??= f.value;
        break;
      case '_SYSTEMD_USER_UNIT':
        unit ??= f.value;
        break;
      case 'SYSLOG_IDENTIFIER':
        identifier ??= f.value;
        break;
    }
  }
  if (cursor === undefined) throw new JournalEntryError('a journal entry without __CURSOR');
  const us = realtime ? Number(realtime.toString('latin1')) : NaN;
  const timestamp = Number.isFinite(us) && us > 0 ? Math.floor(us / 1000) : undefined;
  const p = priority?.length === 1 ? priority[0] - 48 : -1;
  const level = p >= 0 && p <= 7 ? p : undefined;
  const headers: RecordHeader[] = [ctx.sourceHeader, fixedHeader(CURSOR_HEADER, cursor)];
  if (level !== undefined) headers.push(LEVEL_HEADERS[level]);
  let value: Buffer;
  if (ctx.fields === 'value') {
    value = Buffer.from(JSON.stringify(asJson(entry, timestamp, level, message)));
  } else {
    value = message ?? Buffer.alloc(0);
    for (const f of entry) {
      if (!OWN_FIELDS.has(f.name)) headers.push({ key: headerKey(f.name), value: f.value });
    }
  }
  const key = unit ?? identifier ?? null;
  const record: ProduceRecord = {
    topic: ctx.topic,
    key,
    value,
    headers,
    timestamp,
    // One ordered stream in one partition: its last record is the checkpoint.
    partition: 0,
  };
  return { record, cursor };
}

function asJson(
  entry: ExportEntry,
  timestamp: number | undefined,
  level: number | undefined,
  message: Buffer | undefined,
): object {
  const fields: Record<string, unknown> = {};
  const repeated = new Set<string>();
  for (const f of entry) {
    if (OWN_FIELDS.has(f.name)) continue;
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
    level: level === undefined ? undefined : SEVERITIES[level],
    message: message === undefined ? null : message.toString('utf8'),
    fields,
  };
}
