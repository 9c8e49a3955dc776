import type {
  CommandSourceConfig,
  SourceConfigInput,
  SyslogSourceConfig,
} from '../../../../common/collectors/config';
import type { CommandPreset } from '../../../../common/collectors/presets';
import type { ParserChoice } from './sourceDraft';
import { keepUnedited } from './keepUnedited';

export const PROCESS_TYPES = [
  ['command', 'A command (its stdout and stderr)'],
  ['syslog', 'Syslog listener (UDP/TCP on 127.0.0.1)'],
] as const;
export type ProcessType = (typeof PROCESS_TYPES)[number][0];

/** The add/edit form of a command or syslog source, as strings the inputs hold. */
export interface ProcessDraft {
  type: ProcessType;
  id: string;
  topic: string;
  command: string;
  /** One argument per line (an argument may hold spaces). */
  args: string;
  cwd: string;
  /** `NAME=value`, one per line. */
  env: string;
  restart: CommandSourceConfig['restart'];
  parser: ParserChoice;
  regex: string;
  /** JSON/logfmt field names; empty: the defaults. */
  timestampField: string;
  levelField: string;
  messageField: string;
  timeFromLine: boolean;
  protocol: SyslogSourceConfig['protocol'];
  port: string;
  timezone: string;
  /** The saved config being edited: what the form does not show is kept from it. */
  base?: CommandSourceConfig | SyslogSourceConfig;
}

export const emptyProcessDraft = (type: ProcessType = 'command'): ProcessDraft => ({
  type,
  id: type === 'syslog' ? 'syslog' : '',
  topic: type === 'syslog' ? 'syslog' : '',
  command: '',
  args: '',
  cwd: '',
  env: '',
  restart: 'on-failure',
  parser: 'plain',
  regex: '',
  timestampField: '',
  levelField: '',
  messageField: '',
  timeFromLine: true,
  protocol: 'both',
  port: '5514',
  timezone: 'local',
});

/** A command preset as a draft (macOS log stream, Windows Get-WinEvent). */
export function presetDraft(p: CommandPreset): ProcessDraft {
  const c = p.config;
  return {
    ...emptyProcessDraft('command'),
    id: c.id,
    topic: c.topic,
    command: c.command,
    args: c.args.join('\n'),
    restart: c.restart,
    parser: c.parser.type,
    timestampField: c.parser.timestampField,
    levelField: c.parser.levelField,
    messageField: c.parser.messageField,
  };
}

function parserOf(d: ProcessDraft): Record<string, unknown> {
  if (d.parser === 'regex') return { type: 'regex', pattern: d.regex };
  if (d.parser.startsWith('preset:')) return { type: 'preset', preset: d.parser.slice(7) };
  if (d.parser !== 'json' && d.parser !== 'logfmt') return { type: d.parser };
  // An emptied name is cleared (`undefined`), so it falls back to its default.
  const named = (v: string) => v.trim() || undefined;
  return {
    type: d.parser,
    timestampField: named(d.timestampField),
    levelField: named(d.levelField),
    messageField: named(d.messageField),
  };
}

/** `NAME=value` lines → an environment object; a line without `=` is kept as a name with an empty value. */
function envOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const eq = line.indexOf('=');
    if (eq < 0) out[line.trim()] = '';
    else out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}

/** The config a draft stands for (not yet validated). */
export function processDraftToConfig(d: ProcessDraft): SourceConfigInput {
  return keepUnedited(d.base, formConfig(d));
}

/** The fields the form edits; `undefined` for one it cleared. */
function formConfig(d: ProcessDraft): SourceConfigInput {
  const common = { id: d.id.trim(), topic: d.topic.trim() };
  if (d.type === 'syslog')
    return {
      type: 'syslog',
      ...common,
      protocol: d.protocol,
      port: Number(d.port),
      timezone: d.timezone.trim(),
    };
  return {
    type: 'command',
    ...common,
    command: d.command.trim(),
    args: d.args.split('\n').filter((a) => a !== ''),
    env: envOf(d.env),
    cwd: d.cwd.trim() || undefined,
    restart: d.restart,
    parser: parserOf(d) as never,
    timezone: d.timezone.trim(),
    timeFromLine: d.timeFromLine,
  };
}

/** The draft of an existing command or syslog source, for editing. */
export function configToProcessDraft(c: CommandSourceConfig | SyslogSourceConfig): ProcessDraft {
  const d = {
    ...emptyProcessDraft(c.type),
    id: c.id,
    topic: c.topic,
    timezone: c.timezone,
    base: c,
  };
  if (c.type === 'syslog') return { ...d, protocol: c.protocol, port: String(c.port) };
  const p = c.parser;
  return {
    ...d,
    command: c.command,
    args: c.args.join('\n'),
    cwd: c.cwd ?? '',
    env: Object.entries(c.env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    restart: c.restart,
    parser: p.type === 'preset' ? (`preset:${p.preset}` as ParserChoice) : p.type,
    regex: p.type === 'regex' ? p.pattern : '',
    timestampField: p.type === 'json' || p.type === 'logfmt' ? (p.timestampField ?? '') : '',
    levelField: p.type === 'json' || p.type === 'logfmt' ? p.levelField : '',
    messageField: p.type === 'json' || p.type === 'logfmt' ? p.messageField : '',
    timeFromLine: c.timeFromLine,
  };
}
