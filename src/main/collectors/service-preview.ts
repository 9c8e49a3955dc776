/**
 * Previews of the service-log sources, in the shape of the file source's preview (nothing
 * is produced): a journald source shows the last entries its selection matches
 * (`journalctl -o export --lines=N`, no follow); a containers source the containers found
 * and the first lines of the first one's log, parsed as its file source would; an OTLP
 * receiver has nothing to read before a service sends, so it shows its endpoint.
 */
import { spawn } from 'node:child_process';
import { LogdockError } from '../../common/errors';
import {
  fileSourceSchema,
  type ContainersSourceConfig,
  type JournaldSourceConfig,
  type OtlpSourceConfig,
} from '../../common/collectors/config';
import { findAllContainers, logFormat } from './containers/containers-source';
import { journalctlArgs } from './journald/args';
import { ExportReader, type ExportEntry } from './journald/export-format';
import { SEVERITIES } from './parsers/syslog';
import { previewFileSource, type PreviewEvent, type PreviewResult } from './preview';

const PREVIEW_TIMEOUT_MS = 10_000;
const SHOWN_FIELDS = ['_SYSTEMD_UNIT', 'SYSLOG_IDENTIFIER', '_PID', '_HOSTNAME', '_COMM'];

export async function previewJournald(
  config: JournaldSourceConfig,
  maxEvents: number,
): Promise<PreviewResult> {
  const args = journalctlArgs(config, null)
    .filter((a) => a !== '--follow' && a !== '--no-tail' && a !== '--lines=0')
    .concat(`--lines=${maxEvents}`);
  const entries = await runJournalctl(config.journalctl, args);
  const where = config.directory ?? (config.files.join(', ') || 'the system journal');
  return { file: where, matchedFiles: [], events: entries.map(journalEvent) };
}

function runJournalctl(bin: string, args: string[]): Promise<ExportEntry[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const reader = new ExportReader();
    const entries: ExportEntry[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), PREVIEW_TIMEOUT_MS);
    child.stdout.on('data', (c: Buffer) => entries.push(...reader.push(c)));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new LogdockError('UNAVAILABLE', `cannot run ${bin}: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(entries);
      else
        reject(
          new LogdockError(
            'UNAVAILABLE',
            `journalctl failed (${code}): ${stderr.trim() || 'no output'}`,
          ),
        );
    });
  });
}

function journalEvent(entry: ExportEntry): PreviewEvent {
  const get = (name: string) => entry.find((f) => f.name === name)?.value.toString('utf8');
  const us = Number(get('__REALTIME_TIMESTAMP'));
  const priority = Number(get('PRIORITY'));
  const fields: Record<string, string> = {};
  for (const name of SHOWN_FIELDS) {
    const v = get(name);
    if (v !== undefined) fields[name] = v;
  }
  return {
    text: get('MESSAGE') ?? '',
    lines: 1,
    timestamp: Number.isFinite(us) ? Math.floor(us / 1000) : null,
    level:
      Number.isInteger(priority) && priority >= 0 && priority <= 7 ? SEVERITIES[priority] : null,
    key: get('_SYSTEMD_UNIT') ?? get('SYSLOG_IDENTIFIER') ?? null,
    fields,
    parseError: null,
  };
}

export async function previewContainers(
  config: ContainersSourceConfig,
  maxEvents: number,
): Promise<PreviewResult> {
  const found = await findAllContainers(config, () => {});
  const first = found[0];
  if (!first) return { file: null, matchedFiles: [], events: [] };
  const inner = await previewFileSource(
    fileSourceSchema.parse({
      type: 'file',
      id: config.id,
      topic: config.topic,
      include: [first.logGlob],
      ...logFormat(first),
    }),
    maxEvents,
  );
  return {
    file: `${first.name} (${first.image})`,
    matchedFiles: found.map((c) => c.name),
    events: inner.events.map((e) => ({ ...e, key: first.name })),
  };
}

export function previewOtlp(config: OtlpSourceConfig): PreviewResult {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return { file: `http://${host}:${config.port}/v1/logs`, matchedFiles: [], events: [] };
}
