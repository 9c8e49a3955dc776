import { useEffect, useState } from 'react';
import type { Source } from '../../../../common/api/collectors';
import { hrefFor } from '../../router';
import { EmptyState } from '../../components/ui/PageHeader';
import { useAppStore } from '../../store';
import { ErrorLine } from '../ops-common/ErrorLine';
import { formatBytes, formatRate } from '../ops-common/format';
import { ShippingPanel } from './ShippingPanel';
import { SourceForm } from './SourceForm';
import { ServiceSourceForm } from './ServiceSourceForm';
import { ProcessSourceForm } from './ProcessSourceForm';
import { configToProcessDraft, emptyProcessDraft, type ProcessDraft } from './processSourceDraft';
import { configToServiceDraft, emptyServiceDraft, type ServiceDraft } from './serviceSourceDraft';
import { configToDraft, describeOrigin, emptySourceDraft, type SourceDraft } from './sourceDraft';
import '../ops-common/ops.css';

function SourceRow({ source, onEdit }: { source: Source; onEdit: () => void }) {
  const sourceAction = useAppStore((s) => s.sourceAction);
  const [confirm, setConfirm] = useState(false);
  const { config, status } = source;
  return (
    <tr data-testid={`source-row-${config.id}`}>
      <td>
        <strong>{config.id}</strong>
        <div className="ops-note">
          {config.type}: {describeOrigin(source)}
        </div>
      </td>
      <td>
        <a href={hrefFor({ view: 'topic', topic: config.topic })}>{config.topic}</a>
      </td>
      <td>
        <span className="ops-badge" data-state={status.state} data-testid="source-state">
          {status.state}
        </span>
        {status.detail && <div className="ops-note">{status.detail}</div>}
      </td>
      <td data-testid="source-files">
        {status.files.length === 0
          ? '–'
          : status.files.map((f) => (
              <div key={f.path} title={f.path}>
                {f.path.split('/').pop()}: {formatBytes(f.position)} of {formatBytes(f.size)}
              </div>
            ))}
      </td>
      <td className="num">{formatBytes(status.bytesBehind)}</td>
      <td className="num" data-testid="source-rate">
        {formatRate(status.linesPerSecond)}
      </td>
      <td className="num">{status.cutLines}</td>
      <td className="num">{status.parseErrors}</td>
      <td className="ops-error">{status.lastError ?? ''}</td>
      <td>
        {confirm ? (
          <>
            <button
              data-testid="source-remove-confirm"
              onClick={() => void sourceAction('remove', config.id)}
            >
              Remove
            </button>{' '}
            <button onClick={() => setConfirm(false)}>Keep</button>
          </>
        ) : (
          <>
            <button data-testid="source-edit" onClick={onEdit}>
              Edit
            </button>{' '}
            {status.state === 'paused' ? (
              <button
                data-testid="source-resume"
                onClick={() => void sourceAction('resume', config.id)}
              >
                Resume
              </button>
            ) : (
              <button
                data-testid="source-pause"
                onClick={() => void sourceAction('pause', config.id)}
              >
                Pause
              </button>
            )}{' '}
            <button data-testid="source-remove" onClick={() => setConfirm(true)}>
              Remove…
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

/**
 * Every collector source with its live status (files, position of size, bytes behind,
 * lines/s, cut lines, parse errors, last error); add and edit every kind of source (file,
 * journal, containers, OTLP with a preview; command and syslog); pause, resume, remove.
 */
export function CollectorsView() {
  const sources = useAppStore((s) => s.collectors.sources);
  const loaded = useAppStore((s) => s.collectors.loaded);
  const error = useAppStore((s) => s.collectors.error);
  const loadSources = useAppStore((s) => s.loadSources);
  const watchSources = useAppStore((s) => s.watchSources);
  const [form, setForm] = useState<{ draft: SourceDraft; editing: boolean } | null>(null);
  const [serviceForm, setServiceForm] = useState<{ draft: ServiceDraft; editing: boolean } | null>(
    null,
  );
  const [processForm, setProcessForm] = useState<{ draft: ProcessDraft; editing: boolean } | null>(
    null,
  );
  const formOpen = form || serviceForm || processForm;

  useEffect(() => {
    void loadSources();
    return watchSources();
  }, [loadSources, watchSources]);

  return (
    <section className="ops-view" data-testid="collectors-view">
      <h1>Collectors</h1>
      <ErrorLine error={error} />
      {!formOpen && (
        <div className="ops-actions">
          <button
            className="primary"
            data-testid="source-add"
            onClick={() => setForm({ draft: emptySourceDraft(), editing: false })}
          >
            Add a file source…
          </button>
          <button
            data-testid="service-source-add"
            onClick={() => setServiceForm({ draft: emptyServiceDraft(), editing: false })}
          >
            Add a journal, container or OpenTelemetry source…
          </button>
          <button
            data-testid="process-source-add"
            onClick={() => setProcessForm({ draft: emptyProcessDraft(), editing: false })}
          >
            Add a command or syslog source…
          </button>
        </div>
      )}
      {processForm && (
        <ProcessSourceForm
          key={processForm.draft.id || 'new'}
          initial={processForm.draft}
          editing={processForm.editing}
          onDone={() => setProcessForm(null)}
        />
      )}
      {form && (
        <SourceForm
          key={form.draft.id || 'new'}
          initial={form.draft}
          editing={form.editing}
          onDone={() => setForm(null)}
        />
      )}
      {serviceForm && (
        <ServiceSourceForm
          key={serviceForm.draft.id || 'new'}
          initial={serviceForm.draft}
          editing={serviceForm.editing}
          onDone={() => setServiceForm(null)}
        />
      )}
      {loaded && sources.length === 0 && (
        <EmptyState title="No sources yet" testId="sources-empty">
          <p>
            Add a source to collect a log file, the output of a command, or syslog into a topic.
          </p>
        </EmptyState>
      )}
      {sources.length > 0 && (
        <table className="ops-table" data-testid="sources-table">
          <thead>
            <tr>
              <th>Source</th>
              <th>Topic</th>
              <th>State</th>
              <th>Files (position of size)</th>
              <th className="num">Behind</th>
              <th className="num">Lines/s</th>
              <th className="num">Cut lines</th>
              <th className="num">Parse errors</th>
              <th>Last error</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <SourceRow
                key={s.config.id}
                source={s}
                onEdit={() => {
                  const c = s.config;
                  if (c.type === 'file') setForm({ draft: configToDraft(c), editing: true });
                  else if (c.type === 'command' || c.type === 'syslog')
                    setProcessForm({ draft: configToProcessDraft(c), editing: true });
                  else setServiceForm({ draft: configToServiceDraft(c), editing: true });
                }}
              />
            ))}
          </tbody>
        </table>
      )}
      <ShippingPanel />
    </section>
  );
}
