import { describe, expect, it } from 'vitest';
import {
  fileSourceSchema,
  journaldSourceSchema,
  sourceConfigSchema,
  type SourceConfig,
  type SourceConfigInput,
} from '../../../../src/common/collectors/config';
import {
  configToDraft,
  draftToConfig,
} from '../../../../src/renderer/src/views/Collectors/sourceDraft';
import {
  configToProcessDraft,
  processDraftToConfig,
} from '../../../../src/renderer/src/views/Collectors/processSourceDraft';
import {
  configToServiceDraft,
  serviceDraftToConfig,
} from '../../../../src/renderer/src/views/Collectors/serviceSourceDraft';

const parse = (c: SourceConfigInput): SourceConfig => sourceConfigSchema.parse(c);

/** Every source kind with every field set away from its default. */
const file = fileSourceSchema.parse({
  type: 'file',
  id: 'f',
  topic: 'f.logs',
  paused: true,
  parser: { type: 'json', timestampField: 'at', levelField: 'sev', messageField: 'text' },
  timezone: 'Europe/Paris',
  timeFromLine: false,
  fields: 'value',
  maxLineBytes: 4096,
  encoding: 'latin1',
  include: ['/var/log/a/*.log'],
  exclude: ['/var/log/a/skip.log'],
  startAt: 'end',
  key: { type: 'field', field: 'user' },
  multiline: { mode: 'end', pattern: ';$', flushMs: 50, maxLines: 7, maxBytes: 2048 },
  scanIntervalMs: 333,
  rotateWaitMs: 44,
});
const command = parse({
  type: 'command',
  id: 'c',
  topic: 'c.out',
  paused: true,
  parser: { type: 'logfmt', timestampField: 'at', levelField: 'sev', messageField: 'text' },
  timezone: 'UTC',
  timeFromLine: false,
  fields: 'value',
  maxLineBytes: 4096,
  encoding: 'utf16le',
  command: '/bin/app',
  args: ['--verbose', 'a b'],
  env: { A: '1', B: 'x=y' },
  cwd: '/srv/app',
  restart: 'always',
  restartDelayMs: 2500,
});
const syslog = parse({
  type: 'syslog',
  id: 's',
  topic: 's.logs',
  paused: true,
  protocol: 'tcp',
  port: 0,
  timezone: 'UTC',
  maxMessageBytes: 8192,
  maxConnections: 12,
  idleTimeoutMs: 1500,
});
const otlp = parse({
  type: 'otlp',
  id: 'o',
  topic: 'o.logs',
  paused: true,
  host: '127.0.0.2',
  port: 0,
  topicPerService: true,
  fields: 'value',
  maxRequestBytes: 65536,
  maxRecordBytes: 4096,
  maxConnections: 9,
});
const journald = journaldSourceSchema.parse({
  type: 'journald',
  id: 'j',
  topic: 'j.logs',
  paused: true,
  units: ['a.service'],
  priority: 4,
  matches: ['_COMM=sshd', '+', 'SYSLOG_IDENTIFIER=x'],
  directory: '/var/log/journal/remote',
  files: ['/tmp/x.journal'],
  startAt: 'end',
  fields: 'value',
  journalctl: '/usr/local/bin/journalctl',
});
const containers = parse({
  type: 'containers',
  id: 'd',
  topic: 'd.logs',
  paused: true,
  roots: ['/srv/docker/containers'],
  podmanRoots: ['/srv/podman'],
  dockerSocket: '/srv/docker.sock',
  podmanSocket: '/srv/podman.sock',
  names: ['web-*'],
  topicPerContainer: true,
  startAt: 'end',
  scanIntervalMs: 750,
});

/** Opens the kind's form on a config, lets `edit` change the draft, and saves: the config the form sends, as main parses it. */
function throughForm(c: SourceConfig, edit: (draft: never) => object): SourceConfig {
  if (c.type === 'file')
    return parse(draftToConfig({ ...configToDraft(c), ...edit(configToDraft(c) as never) }));
  if (c.type === 'command' || c.type === 'syslog') {
    const d = configToProcessDraft(c);
    return parse(processDraftToConfig({ ...d, ...edit(d as never) }));
  }
  const d = configToServiceDraft(c);
  return parse(serviceDraftToConfig({ ...d, ...edit(d as never) }));
}

describe('a source draft made from a saved config', () => {
  it.each([file, command, syslog, otlp, journald, containers].map((c) => [c.type, c] as const))(
    'keeps every field of a %s source the form does not show when only its topic changes',
    (_, c) => {
      expect(throughForm(c, () => ({ topic: 'renamed' }))).toEqual({ ...c, topic: 'renamed' });
    },
  );

  it('saves a field the form changes and keeps the rest', () => {
    expect(throughForm(syslog, () => ({ protocol: 'udp' }))).toEqual({
      ...syslog,
      protocol: 'udp',
    });
    expect(throughForm(otlp, () => ({ port: '4319' }))).toEqual({ ...otlp, port: 4319 });
    expect(throughForm(command, () => ({ args: '--quiet' }))).toEqual({
      ...command,
      args: ['--quiet'],
    });
    expect(throughForm(containers, () => ({ names: 'api-*' }))).toEqual({
      ...containers,
      names: ['api-*'],
    });
  });

  it('clears the optional fields the form empties', () => {
    const j = throughForm(journald, () => ({ priority: '', directory: '' }));
    expect(j).toEqual(parse({ ...journald, priority: undefined, directory: undefined }));
    expect(j).not.toHaveProperty('priority');
    const c = throughForm(command, () => ({
      cwd: '',
      timestampField: '',
      levelField: '',
      env: 'A=1',
    }));
    expect(c).toEqual({
      ...command,
      cwd: undefined,
      env: { A: '1' },
      parser: { type: 'logfmt', levelField: 'level', messageField: 'text' },
    });
    expect(c).not.toHaveProperty('cwd');
    const f = throughForm(file, () => ({ multiline: 'none', key: 'path' }));
    expect(f).not.toHaveProperty('multiline');
    expect(f).toEqual(parse({ ...file, multiline: undefined, key: { type: 'path' } }));
  });

  it('shows a saved multi-line pattern with its mode and saves the mode chosen in the form', () => {
    const modes = [
      ['start', 'pattern'],
      ['end', 'pattern-end'],
      ['continuation', 'pattern-continuation'],
    ] as const;
    for (const [mode, choice] of modes) {
      const saved = fileSourceSchema.parse({ ...file, multiline: { ...file.multiline, mode } });
      expect(configToDraft(saved).multiline).toBe(choice);
      const kept = throughForm(saved, () => ({}));
      expect(kept.type === 'file' && kept.multiline?.mode).toBe(mode);
    }
    const changed = throughForm(file, () => ({ multiline: 'pattern-continuation' }));
    expect(changed.type === 'file' && changed.multiline).toEqual({
      ...file.multiline,
      mode: 'continuation',
    });
  });

  it('keeps a file parser’s and multi-line options the form does not show while their kind stays', () => {
    const f = throughForm(file, () => ({ multilinePattern: '\\.$' }));
    expect(f.type === 'file' && f.multiline).toEqual({ ...file.multiline, pattern: '\\.$' });
    expect(f.type === 'file' && f.parser).toEqual(file.parser);
    const preset = throughForm(file, () => ({ multiline: 'java', parser: 'logfmt' }));
    expect(preset.type === 'file' && preset.multiline).toMatchObject({
      preset: 'java',
      maxLines: 7,
    });
    expect(preset.type === 'file' && preset.multiline).not.toHaveProperty('pattern');
    expect(preset.type === 'file' && preset.parser).toEqual({
      type: 'logfmt',
      levelField: 'level',
      messageField: 'msg',
    });
  });
});
