import { SourceFormActions } from './SourceFormActions';
import { SourcePreview } from './SourcePreview';
import { useSourceForm } from './useSourceForm';
import { ChoiceSelect } from './FormParts';
import {
  MULTILINE,
  PARSERS,
  draftToConfig,
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
  const { draft, set, errors } = form;

  const err = (...keys: string[]) => {
    const message = keys.map((k) => errors[k]).find(Boolean);
    return message ? <span className="field-error">{message}</span> : null;
  };

  return (
    <div className="ops-card" data-testid="source-form">
      <h2>{editing ? `Edit source ${draft.id}` : 'Add a file source'}</h2>
      <div className="ops-form">
        <label htmlFor="src-id">Name (id)</label>
        <input
          id="src-id"
          value={draft.id}
          disabled={editing}
          onChange={(e) => set('id', e.target.value)}
        />
        {err('id')}
        <label htmlFor="src-include">Files (globs, one per line)</label>
        <textarea
          id="src-include"
          rows={2}
          placeholder="/var/log/myservice/*.log"
          value={draft.include}
          onChange={(e) => set('include', e.target.value)}
        />
        {err('include', 'include.0')}
        <label htmlFor="src-exclude">Exclude (globs)</label>
        <input
          id="src-exclude"
          value={draft.exclude}
          onChange={(e) => set('exclude', e.target.value)}
        />
        <label htmlFor="src-topic">Topic</label>
        <input id="src-topic" value={draft.topic} onChange={(e) => set('topic', e.target.value)} />
        {err('topic')}
        <label htmlFor="src-parser">Parser</label>
        <ChoiceSelect
          id="src-parser"
          value={draft.parser}
          choices={PARSERS}
          onChange={(parser: ParserChoice) => set('parser', parser)}
        />
        {draft.parser === 'regex' && (
          <>
            <label htmlFor="src-regex">Pattern</label>
            <input
              id="src-regex"
              placeholder="^(?<timestamp>\S+) (?<level>\w+) (?<message>.*)$"
              value={draft.regex}
              onChange={(e) => set('regex', e.target.value)}
            />
            {err('parser.pattern', 'parser')}
          </>
        )}
        <label htmlFor="src-multiline">Multi-line</label>
        <select
          id="src-multiline"
          value={draft.multiline}
          onChange={(e) => set('multiline', e.target.value as MultilineChoice)}
        >
          {MULTILINE.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        {draft.multiline === 'pattern' && (
          <>
            <label htmlFor="src-multiline-pattern">Start pattern</label>
            <input
              id="src-multiline-pattern"
              placeholder="^\d{4}-\d{2}-\d{2}"
              value={draft.multilinePattern}
              onChange={(e) => set('multilinePattern', e.target.value)}
            />
            {err('multiline.pattern', 'multiline')}
          </>
        )}
        <label htmlFor="src-key">Message key</label>
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
        </span>
        {err('key.field')}
        <label htmlFor="src-start">Start at</label>
        <select
          id="src-start"
          value={draft.startAt}
          onChange={(e) => set('startAt', e.target.value as SourceDraft['startAt'])}
        >
          <option value="beginning">the beginning of existing files</option>
          <option value="end">the end (only new lines)</option>
        </select>
        <label htmlFor="src-time">Event time from the line</label>
        <input
          id="src-time"
          type="checkbox"
          checked={draft.timeFromLine}
          onChange={(e) => set('timeFromLine', e.target.checked)}
        />
        <label htmlFor="src-timezone">Zone of times without one</label>
        <input
          id="src-timezone"
          value={draft.timezone}
          onChange={(e) => set('timezone', e.target.value)}
        />
        {err('timezone')}
      </div>
      <SourceFormActions form={form} editing={editing} onDone={onDone} />
      <SourcePreview empty="No file matches these globs yet; the source will pick files up as they appear." />
    </div>
  );
}
