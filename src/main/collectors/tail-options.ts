/**
 * The options that follow a `logdock serve --tail TOPIC=GLOB`: `--parser`, `--multiline`,
 * `--timezone` and `--time-from-line`/`--no-time-from-line`, each applying to the `--tail`
 * before it. Turned into the file source config fields they stand for; the schema then
 * checks them like any config.
 */
import { LogdockError } from '../../common/errors';

/** One `--tail` and the options given after it. */
export interface TailSpec {
  spec: string;
  parser?: string;
  multiline?: string;
  timezone?: string;
  timeFromLine?: boolean;
}

export const TAIL_PARSERS = [
  'plain',
  'json',
  'logfmt',
  'nginx',
  'apache',
  'syslog-rfc3164',
  'syslog-rfc5424',
  'docker',
] as const;
const PRESET_PARSERS = new Set<string>(TAIL_PARSERS.slice(3));
const MULTILINE_PRESETS = new Set(['java', 'python', 'go']);

/** The option names, as `--help` and errors spell them. */
export const TAIL_OPTION_NAMES = [
  'parser',
  'multiline',
  'timezone',
  'time-from-line',
  'no-time-from-line',
] as const;

/**
 * `--parser plain|json|logfmt|nginx|apache|syslog-rfc3164|syslog-rfc5424|docker|regex:RE`.
 * @throws LogdockError INVALID_ARGUMENT for another name.
 */
export function tailParser(value: string): Record<string, unknown> {
  if (value.startsWith('regex:')) return { type: 'regex', pattern: value.slice(6) };
  if (PRESET_PARSERS.has(value)) return { type: 'preset', preset: value };
  if (value === 'plain' || value === 'json' || value === 'logfmt') return { type: value };
  throw new LogdockError(
    'INVALID_ARGUMENT',
    `--parser must be ${TAIL_PARSERS.join(', ')} or regex:PATTERN, got "${value}"`,
  );
}

/** `--multiline java|python|go` (presets) or a pattern matching the first line of an event. */
export function tailMultiline(value: string): Record<string, unknown> {
  return MULTILINE_PRESETS.has(value) ? { preset: value } : { mode: 'start', pattern: value };
}

/** The config fields a TailSpec's options stand for. */
export function tailFields(t: TailSpec): Record<string, unknown> {
  return {
    ...(t.parser !== undefined ? { parser: tailParser(t.parser) } : {}),
    ...(t.multiline !== undefined ? { multiline: tailMultiline(t.multiline) } : {}),
    ...(t.timezone !== undefined ? { timezone: t.timezone } : {}),
    ...(t.timeFromLine !== undefined ? { timeFromLine: t.timeFromLine } : {}),
  };
}

/**
 * Collects `--tail` and the options after it in the order they are given. `option(name,
 * value)` is called for each as the command line is read; an option before any `--tail`,
 * or given twice for one `--tail`, is an error.
 */
export class TailSpecs {
  readonly specs: TailSpec[] = [];

  tail(spec: string): void {
    this.specs.push({ spec });
  }

  option(name: (typeof TAIL_OPTION_NAMES)[number], value?: string): void {
    const last = this.specs[this.specs.length - 1];
    if (!last)
      throw new LogdockError('INVALID_ARGUMENT', `--${name} applies to a --tail before it`);
    const field = name === 'time-from-line' || name === 'no-time-from-line' ? 'timeFromLine' : name;
    if (last[field] !== undefined)
      throw new LogdockError('INVALID_ARGUMENT', `--${name} given twice for --tail ${last.spec}`);
    if (field === 'timeFromLine') last.timeFromLine = name === 'time-from-line';
    else last[field] = value;
  }
}
