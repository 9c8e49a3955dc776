/**
 * Sources that `logdock serve` options stand for: `--otlp [[HOST:]PORT]` and the journal
 * options. Each becomes an ordinary source config with a fixed id, so running serve again
 * with the same option replaces the source instead of adding a second one.
 */
import { LogdockError } from '../../common/errors';
import type { SourceConfig } from '../../common/collectors/config';
import { parseSourceConfig } from './config-file';

export const OTLP_CLI_ID = 'otlp';
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
