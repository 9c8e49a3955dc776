/**
 * Turns a line or multi-line event into the record that is produced, with the headers
 * that make the checkpoint recoverable from the topic itself (see docs/collectors.md):
 * `logdock.source`, `logdock.file`, `logdock.offset` (first byte of the event),
 * `logdock.end` (first byte after it) and `logdock.identity` (`dev:ino:fpLength:fpHash`).
 * Parsing results go to headers (`level`, `field.<name>`) or, with `fields: value`, into
 * a JSON value; a line that fails to parse is stored raw with `logdock.parse-error`.
 */
import type { ProduceRecord } from '../cluster';
import type { RecordHeader } from '../storage/api';
import type { Parsed, Parser } from './parsers';
import { sensibleTime, timeAtLineStart } from './parsers/line-time';

export const H = {
  source: 'logdock.source',
  file: 'logdock.file',
  offset: 'logdock.offset',
  end: 'logdock.end',
  identity: 'logdock.identity',
  cut: 'logdock.cut',
  invalid: 'logdock.invalid-bytes',
  parseError: 'logdock.parse-error',
  stream: 'logdock.stream',
  event: 'logdock.event',
  exitCode: 'logdock.exit-code',
  ingestTime: 'logdock.ingest-time',
  level: 'level',
} as const;

export interface EventInput {
  text: Buffer;
  start?: number;
  end?: number;
  cutFrom?: number;
  invalid: number;
}

export interface RecordContext {
  topic: string;
  /** Headers shared by every record of this file or stream, built once. */
  fixedHeaders: RecordHeader[];
  parser: Parser | null;
  fields: 'headers' | 'value';
  key: { type: 'none' } | { type: 'path' } | { type: 'field'; field: string };
  /** Key when `key.type` is `path`. */
  pathKey?: Buffer;
  partition?: number;
  /** Ingestion time, epoch ms. */
  now: number;
  /**
   * Take the record's timestamp from the line (the parser's, else one at the start of the
   * line) when it is believable; the ingestion time then goes to `logdock.ingest-time`.
   * Off: the record's timestamp is the ingestion time.
   */
  timeFromLine: boolean;
  /** Zone of line timestamps that carry none. */
  timezone: string;
}

export interface BuiltRecord {
  record: ProduceRecord;
  parseError: boolean;
}

/** Builds one record; never throws on malformed input (the line is kept raw). */
export function buildRecord(event: EventInput, ctx: RecordContext): BuiltRecord {
  const headers: RecordHeader[] = ctx.fixedHeaders.slice();
  if (event.start !== undefined) {
    headers.push({ key: H.offset, value: Buffer.from(String(event.start)) });
    headers.push({ key: H.end, value: Buffer.from(String(event.end)) });
  }
  if (event.cutFrom !== undefined)
    headers.push({ key: H.cut, value: Buffer.from(String(event.cutFrom)) });
  if (event.invalid > 0)
    headers.push({ key: H.invalid, value: Buffer.from(String(event.invalid)) });
  let value: Buffer = event.text;
  let eventTime: number | undefined;
  let key: Buffer | null = ctx.key.type === 'path' ? (ctx.pathKey ?? null) : null;
  let parseError = false;
  if (ctx.parser) {
    const text = event.text.toString('utf8');
    let parsed: Parsed;
    try {
      parsed = ctx.parser(text);
    } catch (err) {
      parsed = { error: `parser failed: ${(err as Error).message}` };
    }
    if (parsed.error) {
      parseError = true;
      headers.push({ key: H.parseError, value: Buffer.from(parsed.error) });
    } else {
      eventTime = sensibleTime(parsed.timestamp, ctx.now);
      if (ctx.fields === 'value') {
        value = Buffer.from(JSON.stringify(structured(parsed, text)));
        if (parsed.level !== undefined)
          headers.push({ key: H.level, value: Buffer.from(parsed.level) });
      } else {
        if (parsed.level !== undefined)
          headers.push({ key: H.level, value: Buffer.from(parsed.level) });
        for (const [name, v] of Object.entries(parsed.fields ?? {})) {
          headers.push({ key: `field.${name}`, value: Buffer.from(v) });
        }
      }
      if (ctx.key.type === 'field') {
        const k = ctx.key.field;
        const kv =
          k === 'level' ? parsed.level : k === 'message' ? parsed.message : parsed.fields?.[k];
        key = kv === undefined ? null : Buffer.from(kv);
      }
    }
  }
  let timestamp = ctx.now;
  if (ctx.timeFromLine) {
    eventTime ??= timeAtLineStart(event.text, ctx.timezone, ctx.now);
    if (eventTime !== undefined) {
      timestamp = eventTime;
      headers.push(ingestTimeHeader(ctx.now));
    }
  }
  const record: ProduceRecord = { topic: ctx.topic, key, value, headers, timestamp };
  if (ctx.partition !== undefined && ctx.key.type === 'none') record.partition = ctx.partition;
  return { record, parseError };
}

function structured(parsed: Parsed, raw: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (parsed.timestamp !== undefined) out.timestamp = new Date(parsed.timestamp).toISOString();
  if (parsed.level !== undefined) out.level = parsed.level;
  out.message = parsed.message ?? raw;
  if (parsed.fields && Object.keys(parsed.fields).length > 0) out.fields = parsed.fields;
  return out;
}

/** `logdock.ingest-time: <epoch ms>`, beside a record whose timestamp came from its line. */
export function ingestTimeHeader(now: number): RecordHeader {
  return { key: H.ingestTime, value: Buffer.from(String(now)) };
}

/** Reads a header as a string, or undefined. */
export function headerString(headers: RecordHeader[], key: string): string | undefined {
  for (let i = headers.length - 1; i >= 0; i--) {
    if (headers[i].key === key) return headers[i].value?.toString('utf8');
  }
  return undefined;
}

export function fixedHeader(key: string, value: string): RecordHeader {
  return { key, value: Buffer.from(value) };
}
