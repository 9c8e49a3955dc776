import type { Source } from '../../../../common/api/collectors';
import type { FileSourceConfig, SourceConfigInput } from '../../../../common/collectors/config';
import { sourceConfigSchema } from '../../../../common/collectors/config';
import { keepUnedited } from './keepUnedited';

export const PARSERS = [
  ['plain', 'Plain text (one message per line)'],
  ['json', 'JSON lines'],
  ['logfmt', 'logfmt (key=value)'],
  ['preset:nginx', 'nginx access log'],
  ['preset:apache', 'Apache access log'],
  ['preset:syslog-rfc3164', 'syslog (RFC 3164)'],
  ['preset:syslog-rfc5424', 'syslog (RFC 5424)'],
  ['preset:docker', 'Docker JSON log'],
  ['regex', 'Regular expression (named groups)'],
] as const;
export type ParserChoice = (typeof PARSERS)[number][0];

export const MULTILINE = [
  ['none', 'One line is one message'],
  ['java', 'Java stack traces'],
  ['python', 'Python tracebacks'],
  ['go', 'Go panics'],
  ['pattern', 'A line matching a pattern starts a message'],
  ['pattern-end', 'A line matching a pattern ends a message'],
  ['pattern-continuation', 'A line matching a pattern continues the one before'],
] as const;
export type MultilineChoice = (typeof MULTILINE)[number][0];

/** The multi-line mode (multilineSchema) each pattern choice stands for. */
const PATTERN_MODES = {
  pattern: 'start',
  'pattern-end': 'end',
  'pattern-continuation': 'continuation',
} as const;
type PatternChoice = keyof typeof PATTERN_MODES;

export const isPatternChoice = (c: MultilineChoice): c is PatternChoice => c in PATTERN_MODES;

/** The form's choice for a saved multi-line config: its preset, else its pattern's mode. */
function multilineChoice(m: FileSourceConfig['multiline']): MultilineChoice {
  if (!m) return 'none';
  if (m.preset) return m.preset;
  return m.mode === 'end'
    ? 'pattern-end'
    : m.mode === 'continuation'
      ? 'pattern-continuation'
      : 'pattern';
}

/** The add/edit form of a file source, as strings the inputs hold. */
export interface SourceDraft {
  id: string;
  topic: string;
  include: string;
  exclude: string;
  parser: ParserChoice;
  regex: string;
  multiline: MultilineChoice;
  multilinePattern: string;
  key: 'none' | 'path' | 'field';
  keyField: string;
  startAt: 'beginning' | 'end';
  /** The record's time is the event time found in the line (else the ingestion time). */
  timeFromLine: boolean;
  timezone: string;
  /** The saved config being edited: what the form does not show is kept from it. */
  base?: FileSourceConfig;
}

export const emptySourceDraft = (): SourceDraft => ({
  id: '',
  topic: '',
  include: '',
  exclude: '',
  parser: 'plain',
  regex: '',
  multiline: 'none',
  multilinePattern: '',
  key: 'none',
  keyField: '',
  startAt: 'beginning',
  timeFromLine: true,
  timezone: 'local',
});

export const lines = (s: string) =>
  s
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter(Boolean);

/** The config a draft stands for (not yet validated). */
export function draftToConfig(d: SourceDraft): SourceConfigInput {
  const parser =
    d.parser === 'regex'
      ? { type: 'regex' as const, pattern: d.regex }
      : d.parser.startsWith('preset:')
        ? { type: 'preset' as const, preset: d.parser.slice(7) as 'nginx' }
        : { type: d.parser as 'plain' | 'json' | 'logfmt' };
  // A preset overrides the mode, so its choice leaves the saved mode as it was.
  const multiline =
    d.multiline === 'none'
      ? undefined
      : isPatternChoice(d.multiline)
        ? { mode: PATTERN_MODES[d.multiline], pattern: d.multilinePattern, preset: undefined }
        : { preset: d.multiline, pattern: undefined };
  return keepUnedited(d.base, {
    type: 'file',
    id: d.id.trim(),
    topic: d.topic.trim(),
    include: lines(d.include),
    exclude: lines(d.exclude),
    parser,
    multiline,
    key: d.key === 'field' ? { type: 'field', field: d.keyField.trim() } : { type: d.key },
    startAt: d.startAt,
    timeFromLine: d.timeFromLine,
    timezone: d.timezone.trim(),
  });
}

/**
 * Validates a draft with the collectors' own schema (the one the main process applies), so
 * the form shows the same errors, keyed by field path (e.g. `include`, `parser.pattern`).
 */
export function validateDraft(
  d: SourceDraft,
): { config: SourceConfigInput } | { errors: Record<string, string> } {
  return validateConfig(draftToConfig(d));
}

/** Validates any source config with the collectors' schema; errors keyed by field path. */
export function validateConfig(
  config: SourceConfigInput,
): { config: SourceConfigInput } | { errors: Record<string, string> } {
  const parsed = sourceConfigSchema.safeParse(config);
  if (parsed.success) return { config };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.join('.') || 'source';
    errors[key] ??= issue.message;
  }
  return { errors };
}

/** The draft of an existing file source, for editing. */
export function configToDraft(c: FileSourceConfig): SourceDraft {
  const p = c.parser;
  const parser: ParserChoice =
    p.type === 'preset' ? (`preset:${p.preset}` as ParserChoice) : p.type;
  const m = c.multiline;
  return {
    id: c.id,
    topic: c.topic,
    include: c.include.join('\n'),
    exclude: c.exclude.join('\n'),
    parser,
    regex: p.type === 'regex' ? p.pattern : '',
    multiline: multilineChoice(m),
    multilinePattern: m?.pattern ?? '',
    key: c.key.type,
    keyField: c.key.type === 'field' ? c.key.field : '',
    startAt: c.startAt,
    timeFromLine: c.timeFromLine,
    timezone: c.timezone,
    base: c,
  };
}

/** What the list shows for where a source reads from. */
export function describeOrigin(s: Source): string {
  const c = s.config;
  if (c.type === 'file') return c.include.join(', ');
  if (c.type === 'command') return [c.command, ...c.args].join(' ');
  if (c.type === 'syslog') return `syslog ${c.protocol} :${c.port}`;
  if (c.type === 'otlp') return `OTLP/HTTP ${c.host}:${c.port}/v1/logs`;
  if (c.type === 'containers') return `Docker containers in ${c.roots.join(', ')}`;
  const journal = c.directory ?? (c.files.length > 0 ? c.files.join(', ') : 'system journal');
  return c.units.length > 0 ? `${journal}: ${c.units.join(', ')}` : journal;
}
