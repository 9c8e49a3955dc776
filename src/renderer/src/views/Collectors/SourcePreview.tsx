import { useAppStore } from '../../store';
import { ErrorLine } from '../ops-common/ErrorLine';
import { formatTime } from '../ops-common/format';

/** The preview of the source being added or edited, as the store last received it. */
export function SourcePreview({ empty }: { empty: string }) {
  const preview = useAppStore((s) => s.collectors.preview);
  const previewError = useAppStore((s) => s.collectors.previewError);
  return (
    <>
      <h2>Preview</h2>
      <ErrorLine error={previewError} />
      {preview && (
        <div data-testid="source-preview">
          <p className="ops-note">
            {preview.file
              ? `${preview.events.length > 0 ? 'First events of' : 'Nothing to show yet from'} ${preview.file}${preview.matchedFiles.length > 0 ? ` (${preview.matchedFiles.length}${preview.incomplete ? '+' : ''} match)` : ''}`
              : empty}
          </p>
          {preview.events.length > 0 && (
            <table className="ops-table">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Level</th>
                  <th>Key</th>
                  <th>Message</th>
                  <th>Fields</th>
                </tr>
              </thead>
              <tbody>
                {preview.events.map((e, i) => (
                  <tr key={i} data-testid="preview-event">
                    <td>{e.timestamp === null ? '–' : formatTime(e.timestamp)}</td>
                    <td>{e.level ?? '–'}</td>
                    <td>{e.key ?? '–'}</td>
                    <td>
                      <pre className="ops-pre">{e.text}</pre>
                      {e.lines > 1 && <span className="ops-note">{e.lines} lines joined</span>}
                      {e.parseError && <div className="ops-error">parse error: {e.parseError}</div>}
                    </td>
                    <td>
                      {Object.entries(e.fields)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(' ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </>
  );
}
