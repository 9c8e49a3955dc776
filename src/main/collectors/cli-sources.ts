/**
 * Sources that `logdock serve` options stand for: `--otlp [[HOST:]PORT]` and the journal
 * options. Each becomes an ordinary source config with a fixed id, so running serve again
 * with the same option replaces the source instead of adding a second one.
 */
import { LogdockError } from '../../common/errors';
import type { SourceConfig } from '../../common/collectors/config';
import { parseSourceConfig } from './config-file';

import { resolve } from 'node:path';

export const OTLP_CLI_ID = 'otlp';
export const JOURNAL_CLI_ID = 'journal';
export const JOURNAL_DEFAULT_TOPIC = 'journal';
export const OTLP_DEFAULT_TOPIC = 'otel-logs';

/**
 * `--otlp` (true: 127.0.0.1:4318), `--otlp PORT`, `--otlp HOST:PORT`, `--otlp [V6]:PORT`.
 * @throws LogdockError INVALID_ARGUMENT naming the value.
 */
export function otlpCliSource(spec: string | true): SourceConfig {
  let host = '127.0.0.1';
  let port = '4318';
  if (spec !== true) {
    const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(spec);
    if (!m || Number(m[2]) > 65535)
      throw new LogdockError('INVALID_ARGUMENT', `--otlp expects [[HOST:]PORT], got "${spec}"`);
    if (m[1]) host = m[1].replace(/^\[|\]$/g, '');
    port = m[2];
  }
  return parseSourceConfig({
    type: 'otlp',
    id: OTLP_CLI_ID,
    topic: OTLP_DEFAULT_TOPIC,
    host,
    port: Number(port),
  });
}

export interface JournalCliOptions {
  /** `--journal [UNIT...]`: true for every unit. */
  journal?: string[] | true;
  journalTopic?: string;
  journalDirectory?: string;
}

/**
 * `--journal [UNIT...]` (the system journal, every unit or these), `--journal-directory DIR`
 * (the journal files in DIR, read from their start), `--journal-topic T` (default
 * `journal`). Null when neither --journal nor --journal-directory is given.
 * @throws LogdockError INVALID_CONFIG for a bad topic or unit.
 */
export function journalCliSource(o: JournalCliOptions, cwd = process.cwd()): SourceConfig | null {
  if (o.journal === undefined && o.journalDirectory === undefined) {
    if (o.journalTopic !== undefined)
      throw new LogdockError(
        'INVALID_ARGUMENT',
        '--journal-topic needs --journal or --journal-directory',
      );
    return null;
  }
  return parseSourceConfig({
    type: 'journald',
    id: JOURNAL_CLI_ID,
    topic: o.journalTopic ?? JOURNAL_DEFAULT_TOPIC,
    units: Array.isArray(o.journal) ? o.journal : [],
    ...(o.journalDirectory ? { directory: resolve(cwd, o.journalDirectory) } : {}),
  });
}
