import { SourceFormActions } from './SourceFormActions';
import { SourcePreview } from './SourcePreview';
import { useSourceForm } from './useSourceForm';
import { ChoiceSelect, sourceFormRows } from './FormParts';
import {
  MULTILINE,
  PARSERS,
  draftToConfig,
  isPatternChoice,
  type MultilineChoice,
  type ParserChoice,
  type SourceDraft,
} from './sourceDraft';

/**
 * Add or edit a file source, with a live preview: half a second after the last change, the
 * first events of the first matching file are shown as they would be split and parsed.
 */
export function SourceForm({
  initial,
  editing,
  onDone,
}: {
  initial: SourceDraft;
  editing: boolean;
  onDone: () => void;
}) {
  const form = useSourceForm(initial, draftToConfig, editing, onDone);
  const { draft, set } = form;
  const { field, text, area, check } = sourceFormRows('src', form, editing);

  return (
    <div className="ops-card" data-testid="source-form">
      <h2>{editing ? `Edit source ${draft.id}` : 'Add a file source'}</h2>
      <div className="ops-form">
        {field('id', 'Name (id)', text('id'))}
        {field(
          'include',
          'Files (globs, one per line)',
          area('include', '/var/log/myservice/*.log', 2),
          'include.0',
        )}
        {field('exclude', 'Exclude (globs)', text('exclude'))}
        {field('topic', 'Topic', text('topic'))}
        {field(
          'parser',
          'Parser',
          <ChoiceSelect
            id="src-parser"
            value={draft.parser}
            choices={PARSERS}
            onChange={(parser: ParserChoice) => set('parser', parser)}
          />,
        )}
        {draft.parser === 'regex' &&
          field(
            'regex',
            'Pattern',
            text('regex', '^(?<timestamp>\\S+) (?<level>\\w+) (?<message>.*)$'),
            'parser.pattern',
          )}
        {field(
          'multiline',
          'Multi-line',
          <ChoiceSelect
            id="src-multiline"
            value={draft.multiline}
            choices={MULTILINE}
            onChange={(multiline: MultilineChoice) => set('multiline', multiline)}
          />,
        )}
        {isPatternChoice(draft.multiline) &&
          field(
            'multilinePattern',
            'Line pattern',
            text('multilinePattern', '^\\d{4}-\\d{2}-\\d{2}'),
            'multiline.pattern',
          )}
        {field(
          'key',
          'Message key',
          <span>
            <select
              id="src-key"
              value={draft.key}
              onChange={(e) => set('key', e.target.value as SourceDraft['key'])}
            >
              <option value="none">none</option>
              <option value="path">the file path</option>
              <option value="field">a parsed field</option>
            </select>{' '}
            {draft.key === 'field' && (
              <input
                aria-label="key field"
                placeholder="field name"
                value={draft.keyField}
                onChange={(e) => set('keyField', e.target.value)}
              />
            )}
          </span>,
          'key.field',
        )}
        {field(
          'startAt',
          'Start at',
          <select
            id="src-startAt"
            value={draft.startAt}
            onChange={(e) => set('startAt', e.target.value as SourceDraft['startAt'])}
          >
            <option value="beginning">the beginning of existing files</option>
            <option value="end">the end (only new lines)</option>
          </select>,
        )}
        {field('timeFromLine', 'Event time from the line', check('timeFromLine'))}
        {field('timezone', 'Zone of times without one', text('timezone'))}
      </div>
      <SourceFormActions form={form} editing={editing} onDone={onDone} />
      <SourcePreview empty="No file matches these globs yet; the source will pick files up as they appear." />
    </div>
  );
}
