import {
  SERVICE_TYPES,
  emptyServiceDraft,
  serviceDraftToConfig,
  type ServiceDraft,
} from './serviceSourceDraft';
import { sourceFormRows } from './FormParts';
import { SourceFormActions } from './SourceFormActions';
import { SourcePreview } from './SourcePreview';
import { useSourceForm } from './useSourceForm';

/**
 * Add or edit a journald, containers or OTLP source, with a live preview: the journal's
 * last matching entries, the containers found and the first lines of one, or the OTLP
 * endpoint services should send to.
 */
export function ServiceSourceForm({
  initial,
  editing,
  onDone,
}: {
  initial: ServiceDraft;
  editing: boolean;
  onDone: () => void;
}) {
  const form = useSourceForm(initial, serviceDraftToConfig, editing, onDone);
  const { draft, set } = form;
  const rows = sourceFormRows('svc', form, editing);
  const { field, text, check, kind } = rows;
  const list = (key: 'units' | 'matches' | 'files' | 'roots' | 'names', hint: string) =>
    rows.area(key, hint, 2);
  const fieldsChoice = (
    <select
      id="svc-fields"
      value={draft.fields}
      onChange={(e) => set('fields', e.target.value as ServiceDraft['fields'])}
    >
      <option value="headers">as headers</option>
      <option value="value">as one JSON value</option>
    </select>
  );

  return (
    <div className="ops-card" data-testid="service-source-form">
      <h2>{editing ? `Edit source ${draft.id}` : 'Add a source'}</h2>
      <div className="ops-form">
        {kind(draft.type, SERVICE_TYPES, emptyServiceDraft)}
        {field('id', 'Name (id)', text('id'))}
        {field('topic', 'Topic', text('topic'))}
        {draft.type === 'journald' && (
          <>
            {field('units', 'Units (empty: all)', list('units', 'nginx.service'))}
            {field('priority', 'Highest priority kept (0-7, empty: all)', text('priority', '6'))}
            {field('matches', 'Matches (FIELD=value)', list('matches', '_COMM=sshd'))}
            {field('directory', 'Journal directory (empty: system journal)', text('directory'))}
            {field('files', 'Journal files', list('files', '/var/log/journal/remote/x.journal'))}
            {field('fields', 'Journal fields', fieldsChoice)}
          </>
        )}
        {draft.type === 'containers' && (
          <>
            {field('roots', 'Container folders', list('roots', '/var/lib/docker/containers'))}
            {field('names', 'Container names (globs, empty: all)', list('names', 'web-*'))}
            {field('topicPerContainer', 'One topic per container', check('topicPerContainer'))}
          </>
        )}
        {draft.type === 'otlp' && (
          <>
            {field('host', 'Listen on', text('host'))}
            {field('port', 'Port', text('port'))}
            {field('topicPerService', 'One topic per service.name', check('topicPerService'))}
            {field('fields', 'Attributes and trace context', fieldsChoice)}
          </>
        )}
      </div>
      <SourceFormActions form={form} editing={editing} onDone={onDone} />
      <SourcePreview empty="Nothing found yet." />
    </div>
  );
}
