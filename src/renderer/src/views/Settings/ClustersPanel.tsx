import { useEffect, useState } from 'react';
import type { ErrorPayload } from '../../../../common/errors';
import { hrefFor } from '../../router';
import { useAppStore } from '../../store';
import { ErrorLine } from '../ops-common/ErrorLine';
import {
  EMPTY,
  describeTest,
  draftToCluster,
  viewToDraft,
  type Draft,
  type Mechanism,
  type Protocol,
} from './cluster-draft';

/**
 * Settings → Clusters: the saved clusters (open, edit, remove) and a form to add one, or to
 * change the one being edited, with "Test connection". Passwords are sent once and never
 * shown again: a saved cluster says only whether it has one, and a blank password field
 * while editing keeps the saved one.
 */
export function ClustersPanel() {
  const clusters = useAppStore((s) => s.clusters.list);
  const loadClusters = useAppStore((s) => s.loadClusters);
  const addCluster = useAppStore((s) => s.addCluster);
  const updateCluster = useAppStore((s) => s.updateCluster);
  const removeCluster = useAppStore((s) => s.removeCluster);
  const testCluster = useAppStore((s) => s.testCluster);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  /** The saved cluster the form edits, or null when it adds one. */
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [test, setTest] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => void loadClusters(), [loadClusters]);

  const set =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) =>
      setDraft((d) => ({ ...d, [key]: value }));
  const sasl = draft.protocol === 'SASL_PLAINTEXT' || draft.protocol === 'SASL_SSL';
  const tls = draft.protocol === 'SSL' || draft.protocol === 'SASL_SSL';
  const savedPassword =
    editing !== null &&
    clusters.find((c) => c.name === editing)?.security.sasl?.hasPassword === true;
  const reset = () => {
    setDraft(EMPTY);
    setEditing(null);
    setTest(null);
  };
  const save = async () => {
    const input = draftToCluster(draft);
    const failed = editing === null ? await addCluster(input) : await updateCluster(input);
    setError(failed);
    if (!failed) reset();
  };
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="ops-panel" data-testid="clusters-panel">
      <h2>Clusters</h2>
      <ErrorLine error={error} testId="clusters-error" />
      <ul className="ops-list">
        {clusters.map((c) => (
          <li key={c.name} data-testid={`cluster-${c.name}`}>
            <span
              className="cluster-dot"
              style={{ background: c.colour, display: 'inline-block' }}
            />{' '}
            <a href={hrefFor({ view: 'topics', cluster: c.name })}>{c.name}</a>{' '}
            <span className="ops-note">
              {c.kind === 'local' ? 'the embedded broker' : c.bootstrapServers.join(', ')} ·{' '}
              {c.security.protocol}
              {c.security.sasl
                ? ` · ${c.security.sasl.mechanism} as ${c.security.sasl.username}`
                : ''}
              {c.readOnly ? ' · read-only' : ''}
            </span>{' '}
            {c.kind === 'remote' && (
              <button
                data-testid={`cluster-edit-${c.name}`}
                onClick={() => {
                  setDraft(viewToDraft(c));
                  setEditing(c.name);
                  setTest(null);
                  setError(null);
                }}
                disabled={busy}
              >
                Edit
              </button>
            )}{' '}
            {c.kind === 'remote' && (
              <button
                data-testid={`cluster-remove-${c.name}`}
                onClick={() => void run(async () => setError(await removeCluster(c.name)))}
                disabled={busy}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      <h3 data-testid="cluster-form-title">
        {editing === null ? 'Add a cluster' : `Edit cluster ${editing}`}
      </h3>
      <div className="ops-form">
        <label htmlFor="cl-name">Name</label>
        <input
          id="cl-name"
          data-testid="cluster-name"
          value={draft.name}
          readOnly={editing !== null}
          title={editing !== null ? 'A saved cluster keeps its name' : undefined}
          onChange={(e) => set('name')(e.target.value)}
        />
        <label htmlFor="cl-colour">Colour</label>
        <input
          id="cl-colour"
          data-testid="cluster-colour"
          type="color"
          value={draft.colour}
          onChange={(e) => set('colour')(e.target.value)}
        />
        <label htmlFor="cl-servers">Bootstrap servers</label>
        <input
          id="cl-servers"
          data-testid="cluster-servers"
          placeholder="kafka-1:9092, kafka-2:9092"
          value={draft.servers}
          onChange={(e) => set('servers')(e.target.value)}
        />
        <label htmlFor="cl-protocol">Security</label>
        <select
          id="cl-protocol"
          data-testid="cluster-protocol"
          value={draft.protocol}
          onChange={(e) => set('protocol')(e.target.value as Protocol)}
        >
          <option value="PLAINTEXT">PLAINTEXT</option>
          <option value="SASL_PLAINTEXT">SASL_PLAINTEXT</option>
          <option value="SSL">SSL (TLS)</option>
          <option value="SASL_SSL">SASL_SSL</option>
        </select>
        {sasl && (
          <>
            <label htmlFor="cl-mechanism">SASL mechanism</label>
            <select
              id="cl-mechanism"
              value={draft.mechanism}
              onChange={(e) => set('mechanism')(e.target.value as Mechanism)}
            >
              <option>PLAIN</option>
              <option>SCRAM-SHA-256</option>
              <option>SCRAM-SHA-512</option>
            </select>
            <label htmlFor="cl-user">User</label>
            <input
              id="cl-user"
              data-testid="cluster-username"
              value={draft.username}
              onChange={(e) => set('username')(e.target.value)}
            />
            <label htmlFor="cl-password">Password</label>
            <input
              id="cl-password"
              data-testid="cluster-password"
              type="password"
              autoComplete="off"
              placeholder={savedPassword ? 'saved (leave blank to keep it)' : undefined}
              value={draft.password}
              onChange={(e) => set('password')(e.target.value)}
            />
          </>
        )}
        {tls && (
          <>
            <label htmlFor="cl-ca">CA file (PEM)</label>
            <input
              id="cl-ca"
              placeholder="the system's CAs"
              value={draft.caFile}
              onChange={(e) => set('caFile')(e.target.value)}
            />
            <label htmlFor="cl-cert">Client certificate (PEM)</label>
            <input
              id="cl-cert"
              value={draft.certFile}
              onChange={(e) => set('certFile')(e.target.value)}
            />
            <label htmlFor="cl-key">Client key (PEM)</label>
            <input
              id="cl-key"
              value={draft.keyFile}
              onChange={(e) => set('keyFile')(e.target.value)}
            />
            <label htmlFor="cl-hostcheck">Host name check</label>
            <input
              id="cl-hostcheck"
              type="checkbox"
              checked={draft.checkHostname}
              onChange={(e) => set('checkHostname')(e.target.checked)}
            />
          </>
        )}
        <label htmlFor="cl-readonly">Read-only</label>
        <span>
          <input
            id="cl-readonly"
            data-testid="cluster-readonly"
            type="checkbox"
            checked={draft.readOnly}
            onChange={(e) => set('readOnly')(e.target.checked)}
          />{' '}
          refuse every write (produce, delete, alter, reset, replay into it)
        </span>
      </div>
      {test && (
        <p className="ops-note" data-testid="cluster-test-result">
          {test}
        </p>
      )}
      <div className="ops-actions">
        <button
          data-testid="cluster-test"
          disabled={busy}
          onClick={() =>
            void run(async () =>
              setTest(describeTest(await testCluster({ draft: draftToCluster(draft) }))),
            )
          }
        >
          Test connection
        </button>
        <button
          className="primary"
          data-testid="cluster-add"
          disabled={busy}
          onClick={() => void run(save)}
        >
          {editing === null ? 'Save cluster' : 'Save changes'}
        </button>
        {editing !== null && (
          <button data-testid="cluster-edit-cancel" disabled={busy} onClick={reset}>
            Cancel
          </button>
        )}
      </div>
    </section>
  );
}
