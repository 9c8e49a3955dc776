import type {
  ContainersSourceConfig,
  JournaldSourceConfig,
  OtlpSourceConfig,
  SourceConfigInput,
} from '../../../../common/collectors/config';
import { lines } from './sourceDraft';
import { keepUnedited } from './keepUnedited';

export const SERVICE_TYPES = [
  ['journald', 'systemd journal'],
  ['containers', 'Docker containers'],
  ['otlp', 'OpenTelemetry logs (OTLP/HTTP receiver)'],
] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number][0];

/** The add/edit form of a journald, containers or OTLP source, as strings the inputs hold. */
export interface ServiceDraft {
  type: ServiceType;
  id: string;
  topic: string;
  fields: 'headers' | 'value';
  units: string;
  priority: string;
  matches: string;
  directory: string;
  files: string;
  roots: string;
  names: string;
  topicPerContainer: boolean;
  host: string;
  port: string;
  topicPerService: boolean;
  /** The saved config being edited: what the form does not show is kept from it. */
  base?: JournaldSourceConfig | ContainersSourceConfig | OtlpSourceConfig;
}

const DEFAULT_TOPIC: Record<ServiceType, string> = {
  journald: 'journal',
  containers: 'containers',
  otlp: 'otel-logs',
};

export const emptyServiceDraft = (type: ServiceType = 'journald'): ServiceDraft => ({
  type,
  id: type === 'otlp' ? 'otlp' : type === 'journald' ? 'journal' : 'docker',
  topic: DEFAULT_TOPIC[type],
  fields: 'headers',
  units: '',
  priority: '',
  matches: '',
  directory: '',
  files: '',
  roots: '/var/lib/docker/containers',
  names: '',
  topicPerContainer: false,
  host: '127.0.0.1',
  port: '4318',
  topicPerService: false,
});

/** The config a draft stands for (not yet validated). */
export function serviceDraftToConfig(d: ServiceDraft): SourceConfigInput {
  return keepUnedited(d.base, formConfig(d));
}

/** The fields the form edits; `undefined` for one it cleared. */
function formConfig(d: ServiceDraft): SourceConfigInput {
  const common = { id: d.id.trim(), topic: d.topic.trim() };
  if (d.type === 'journald')
    return {
      type: 'journald',
      ...common,
      units: lines(d.units),
      matches: lines(d.matches),
      files: lines(d.files),
      fields: d.fields,
      priority: d.priority !== '' ? Number(d.priority) : undefined,
      directory: d.directory.trim() || undefined,
    };
  if (d.type === 'containers')
    return {
      type: 'containers',
      ...common,
      roots: lines(d.roots),
      names: lines(d.names),
      topicPerContainer: d.topicPerContainer,
    };
  return {
    type: 'otlp',
    ...common,
    host: d.host.trim(),
    port: Number(d.port),
    topicPerService: d.topicPerService,
    fields: d.fields,
  };
}

/** The draft of an existing source, for editing. */
export function configToServiceDraft(
  c: JournaldSourceConfig | ContainersSourceConfig | OtlpSourceConfig,
): ServiceDraft {
  const d = { ...emptyServiceDraft(c.type), id: c.id, topic: c.topic, base: c };
  if (c.type === 'journald')
    return {
      ...d,
      units: c.units.join('\n'),
      priority: c.priority === undefined ? '' : String(c.priority),
      matches: c.matches.join('\n'),
      directory: c.directory ?? '',
      files: c.files.join('\n'),
      fields: c.fields,
    };
  if (c.type === 'containers')
    return {
      ...d,
      roots: c.roots.join('\n'),
      names: c.names.join('\n'),
      topicPerContainer: c.topicPerContainer,
    };
  return {
    ...d,
    host: c.host,
    port: String(c.port),
    topicPerService: c.topicPerService,
    fields: c.fields,
  };
}
