import { COMMAND_PRESETS } from '../../../../common/collectors/presets';
import {
  PROCESS_TYPES,
  emptyProcessDraft,
  presetDraft,
  processDraftToConfig,
  type ProcessDraft,
} from './processSourceDraft';
import { PARSERS, type ParserChoice } from './sourceDraft';
import { ChoiceSelect, sourceFormRows } from './FormParts';
import { SourceFormActions } from './SourceFormActions';
import { SourcePreview } from './SourcePreview';
import { useSourceForm } from './useSourceForm';

/**
 * Add or edit a command source (a service whose stdout and stderr are collected; presets
 * for the macOS unified log and the Windows event log) or a syslog listener. There is no
 * preview: running the command to show its output could have effects.
 */
export function ProcessSourceForm({
  initial,
  editing,
  onDone,
}: {
  initial: ProcessDraft;
  editing: boolean;
  onDone: () => void;
}) {
  const form = useSourceForm(initial, processDraftToConfig, editing, onDone);
  const { draft, setDraft, set } = form;
  const { field, text, area, kind } = sourceFormRows('proc', form, editing);
  const namedFields = draft.parser === 'json' || draft.parser === 'logfmt';

  return (
    <div className="ops-card" data-testid="process-source-form">
      <h2>{editing ? `Edit source ${draft.id}` : 'Add a command or syslog source'}</h2>
      <div className="ops-form">
        {kind(draft.type, PROCESS_TYPES, emptyProcessDraft)}
        {!editing &&
          draft.type === 'command' &&
          field(
            'preset',
            'Preset',
            <select
              id="proc-preset"
              value=""
              onChange={(e) => {
                const p = COMMAND_PRESETS.find((x) => x.name === e.target.value);
                if (p) setDraft(presetDraft(p));
              }}
            >
              <option value="">(none: fill in the fields)</option>
              {COMMAND_PRESETS.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.label}
                </option>
              ))}
            </select>,
          )}
        {field('id', 'Name (id)', text('id'))}
        {field('topic', 'Topic', text('topic'))}
        {draft.type === 'command' && (
          <>
            {field('command', 'Command', text('command', '/usr/bin/myservice'))}
            {field('args', 'Arguments (one per line)', area('args', '--verbose', 3))}
            {field('cwd', 'Working folder (empty: Logdock’s)', text('cwd'))}
            {field(
              'env',
              'Environment (NAME=value, one per line)',
              area('env', 'LOG_FORMAT=json', 3),
            )}
            {field(
              'restart',
              'Restart',
              <select
                id="proc-restart"
                value={draft.restart}
                onChange={(e) => set('restart', e.target.value as ProcessDraft['restart'])}
              >
                <option value="on-failure">when it fails</option>
                <option value="always">always</option>
                <option value="never">never</option>
              </select>,
            )}
            {field(
              'parser',
              'Parser',
              <ChoiceSelect
                id="proc-parser"
                value={draft.parser}
                choices={PARSERS}
                onChange={(parser: ParserChoice) => set('parser', parser)}
              />,
            )}
            {draft.parser === 'regex' &&
              field('regex', 'Pattern (named groups)', text('regex'), 'parser.pattern')}
            {namedFields &&
              field(
                'timestampField',
                'Time field (empty: time, ts, @timestamp)',
                text('timestampField'),
              )}
            {namedFields && field('levelField', 'Level field (empty: level)', text('levelField'))}
            {namedFields &&
              field('messageField', 'Message field (empty: msg)', text('messageField'))}
            {field(
              'timeFromLine',
              'Event time from the line',
              <input
                id="proc-timeFromLine"
                type="checkbox"
                checked={draft.timeFromLine}
                onChange={(e) => set('timeFromLine', e.target.checked)}
              />,
            )}
          </>
        )}
        {draft.type === 'syslog' && (
          <>
            {field(
              'protocol',
              'Protocol',
              <select
                id="proc-protocol"
                value={draft.protocol}
                onChange={(e) => set('protocol', e.target.value as ProcessDraft['protocol'])}
              >
                <option value="both">UDP and TCP</option>
                <option value="udp">UDP</option>
                <option value="tcp">TCP</option>
              </select>,
            )}
            {field('port', 'Port on 127.0.0.1 (0: a free one)', text('port'))}
          </>
        )}
        {field('timezone', 'Zone of times without one', text('timezone', 'local'))}
      </div>
      <SourceFormActions form={form} editing={editing} onDone={onDone} />
      <SourcePreview
        empty={
          draft.type === 'command'
            ? 'No preview: the command’s lines are shown once it runs.'
            : 'Senders reach this listener at the address above.'
        }
      />
    </div>
  );
}
