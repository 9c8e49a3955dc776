/**
 * Builds the parser of a source from its config. Every parser takes one line (or joined
 * multi-line event) as text and returns what it found; a line that does not fit the
 * format comes back with `error` set and is then stored raw, never dropped. `plain` has
 * no parser at all (null), so plain sources never decode their bytes.
 */
import type { ParserConfig } from '../../../common/collectors/config';
import { compileLinearRegex } from '../../../common/regex/linear-regex';
import { parseLogfmt } from './logfmt';
import { parseRfc3164, parseRfc5424 } from './syslog';
import { TIME_FIELDS } from './line-time';
import { parseCri } from './cri';
import { parseTimestamp } from './time';
import type { Parsed, Parser } from './types';

export type { Parsed, Parser } from './types';
export { parseTimestamp } from './time';
export { parseSyslog, parseRfc3164, parseRfc5424 } from './syslog';

const COMBINED =
  /^(?<client>\S+) (?<ident>\S+) (?<user>\S+) \[(?<timestamp>[^\]]+)\] "(?<request>(?:[^"\\]|\\.)*)" (?<status>\d{3}) (?<bytes>\d+|-)(?: "(?<referer>(?:[^"\\]|\\.)*)" "(?<agent>(?:[^"\\]|\\.)*)")?/;

/** Returns the parser for `config`, or null for `plain`. */
export function createParser(config: ParserConfig, timezone: string): Parser | null {
  switch (config.type) {
    case 'plain':
      return null;
    case 'json':
      return (text) => fromObject(parseJsonObject(text), config, timezone);
    case 'logfmt':
      return (text) => fromObject(parseLogfmt(text), config, timezone);
    case 'regex': {
      const re = compileLinearRegex(config.pattern, { field: 'parser.pattern' });
      return (text) => fromGroups(re.exec(text), timezone, 'regex');
    }
    case 'preset':
      return presetParser(config.preset, timezone);
  }
}

function presetParser(
  preset: Extract<ParserConfig, { type: 'preset' }>['preset'],
  tz: string,
): Parser {
  switch (preset) {
    case 'nginx':
    case 'apache':
      return (text) => {
        const parsed = fromGroups(COMBINED.exec(text), tz, `${preset} combined log format`);
        const status = Number(parsed.fields?.status);
        if (!parsed.error) parsed.level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
        return parsed;
      };
    case 'syslog-rfc3164':
      return (text) => parseRfc3164(text, tz) ?? { error: 'not an RFC 3164 syslog line' };
    case 'syslog-rfc5424':
      return (text) => parseRfc5424(text, tz) ?? { error: 'not an RFC 5424 syslog line' };
    case 'cri':
      return (text) => parseCri(text, tz);
    case 'docker':
      return (text) => {
        const obj = parseJsonObject(text);
        if (obj instanceof Error) return { error: obj.message };
        if (typeof obj.log !== 'string')
          return { error: 'docker json-file line without a "log" string' };
        const fields: Record<string, string> = {};
        if (typeof obj.stream === 'string') fields.stream = obj.stream;
        return {
          message: obj.log.endsWith('\n') ? obj.log.slice(0, -1) : obj.log,
          timestamp: parseTimestamp(obj.time, tz),
          fields,
        };
      };
  }
}

function parseJsonObject(text: string): Record<string, unknown> | Error {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return new Error('JSON line is not an object');
    }
    return value as Record<string, unknown>;
  } catch (err) {
    return new Error(`invalid JSON: ${(err as Error).message}`);
  }
}

interface NamedFields {
  timestampField?: string;
  levelField: string;
  messageField: string;
}

function fromObject(obj: Record<string, unknown> | Error, names: NamedFields, tz: string): Parsed {
  if (obj instanceof Error) return { error: obj.message };
  const parsed: Parsed = { fields: {} };
  const timeKey = names.timestampField ?? TIME_FIELDS.find((k) => k in obj);
  for (const [key, value] of Object.entries(obj)) {
    if (key === timeKey) {
      parsed.timestamp = parseTimestamp(value, tz);
      if (parsed.timestamp === undefined) parsed.fields![key] = stringify(value);
    } else if (key === names.levelField && value !== null && typeof value !== 'object') {
      parsed.level = String(value);
    } else if (key === names.messageField && typeof value === 'string') {
      parsed.message = value;
    } else {
      parsed.fields![key] = stringify(value);
    }
  }
  return parsed;
}

function fromGroups(m: RegExpExecArray | null, tz: string, what: string): Parsed {
  if (!m) return { error: `line does not match the ${what} pattern` };
  const parsed: Parsed = { fields: {} };
  for (const [key, value] of Object.entries(m.groups ?? {})) {
    if (value === undefined) continue;
    if (key === 'timestamp') parsed.timestamp = parseTimestamp(value, tz);
    else if (key === 'level') parsed.level = value;
    else if (key === 'message') parsed.message = value;
    else parsed.fields![key] = value;
  }
  return parsed;
}

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
