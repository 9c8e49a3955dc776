import { useEffect, useState } from 'react';
import type { ClusterInput, ConnectionTest, SecurityInput } from '../../../../common/api/clusters';
import type { ErrorPayload } from '../../../../common/errors';
import { hrefFor } from '../../router';
import { useAppStore } from '../../store';
import { ErrorLine } from '../ops-common/ErrorLine';

type Protocol = SecurityInput['protocol'];
type Mechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

interface Draft {
  name: string;
  colour: string;
  servers: string;
  protocol: Protocol;
  mechanism: Mechanism;
  username: string;
  password: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  checkHostname: boolean;
  readOnly: boolean;
}

const EMPTY: Draft = {
  name: '',
  colour: '#3b82f6',
  servers: '',
  protocol: 'PLAINTEXT',
  mechanism: 'PLAIN',
  username: '',
  password: '',
  caFile: '',
  certFile: '',
  keyFile: '',
  checkHostname: true,
  readOnly: false,
};

/** The form as `clusters.add` params; the server validates every field. */
export function draftToCluster(d: Draft): ClusterInput {
  const sasl = {
    mechanism: d.mechanism,
    username: d.username,
    ...(d.password ? { password: d.password } : {}),
  };
  const optional = (v: string) => (v.trim() ? v.trim() : undefined);
  const tls = {
    caFile: optional(d.caFile),
    certFile: optional(d.certFile),
    keyFile: optional(d.keyFile),
    checkHostname: d.checkHostname,
  };
  const security: SecurityInput =
    d.protocol === 'PLAINTEXT'
      ? { protocol: 'PLAINTEXT' }
      : d.protocol === 'SASL_PLAINTEXT'
        ? { protocol: 'SASL_PLAINTEXT', sasl }
        : d.protocol === 'SSL'
          ? { protocol: 'SSL', tls }
          : { protocol: 'SASL_SSL', sasl, tls };
  return {
    name: d.name.trim(),
    colour: d.colour,
    bootstrapServers: d.servers
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    security,
    readOnly: d.readOnly,
  };
}

/** What "Test connection" found, in one line. */
export function describeTest(result: ConnectionTest | { error: ErrorPayload }): string {
  if ('error' in result) return `Could not test: ${result.error.message}`;
  if (!result.ok) return `Failed (${result.reason}): ${result.message}`;
  return (
    `Reached ${result.brokers.length} broker${result.brokers.length === 1 ? '' : 's'} ` +
    `(${result.brokers.map((b) => `${b.id} at ${b.host}:${b.port}`).join(', ')}), controller ` +
    `${result.controller}, ${result.apiVersions.length} APIs, in ${result.elapsedMs} ms`
  );
}

/**
 * Settings → Clusters: the saved clusters (open, remove) and a form to add one with
 * "Test connection". Passwords are sent once and never shown again: a saved cluster says
 * only whether it has one.
 */
export function ClustersPanel() {
  const clusters = useAppStore((s) => s.clusters.list);
  const loadClusters = useAppStore((s) => s.loadClusters);
  const addCluster = useAppStore((s) => s.addCluster);
  const removeCluster = useAppStore((s) => s.removeCluster);
  const testCluster = useAppStore((s) => s.testCluster);
  const [draft, setDraft] = useState<Draft>(EMPTY);
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
      <h3>Add a cluster</h3>
      <div className="ops-form">
        <label htmlFor="cl-name">Name</label>
        <input
          id="cl-name"
          data-testid="cluster-name"
          value={draft.name}
          onChange={(e) => set('name')(e.target.value)}
        />
        <label htmlFor="cl-colour">Colour</label>
        <input
          id="cl-colour"
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
          onClick={() =>
            void run(async () => {
              const failed = await addCluster(draftToCluster(draft));
              setError(failed);
              if (!failed) {
                setDraft(EMPTY);
                setTest(null);
              }
            })
          }
        >
          Save cluster
        </button>
      </div>
    </section>
  );
}
