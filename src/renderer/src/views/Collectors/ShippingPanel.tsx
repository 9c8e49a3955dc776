import { useEffect, useState } from 'react';
import { LOCAL_CLUSTER } from '../../../../common/api/clusters';
import type { ErrorPayload } from '../../../../common/errors';
import { shipConfigSchema } from '../../../../common/shipping/config';
import { useAppStore } from '../../store';
import type { ShipStatus } from '../../store/slices/shipping';
import { ErrorLine } from '../ops-common/ErrorLine';
import { formatRate } from '../ops-common/format';

interface ShipDraft {
  topic: string;
  /** A saved cluster's name, or '' for a Kafka address. */
  cluster: string;
  address: string;
  remoteTopic: string;
}

/** The ship target the draft stands for (`cluster://…` or `kafka://…`). */
export function draftTarget(d: ShipDraft): string {
  return d.cluster
    ? `cluster://${d.cluster}/${d.remoteTopic.trim()}`
    : `kafka://${d.address.trim()}/${d.remoteTopic.trim()}`;
}

function ShipForm({ onDone }: { onDone: () => void }) {
  const clusters = useAppStore((s) => s.clusters.list);
  const loadClusters = useAppStore((s) => s.loadClusters);
  const addShip = useAppStore((s) => s.addShip);
  const [draft, setDraft] = useState<ShipDraft>({
    topic: '',
    cluster: '',
    address: '',
    remoteTopic: '',
  });
  const [error, setError] = useState<ErrorPayload | null>(null);
  useEffect(() => void loadClusters(), [loadClusters]);
  const remote = clusters.filter((c) => c.name !== LOCAL_CLUSTER);
  const edit = (p: Partial<ShipDraft>) => setDraft((d) => ({ ...d, ...p }));
  const save = async () => {
    const parsed = shipConfigSchema.safeParse({
      topic: draft.topic.trim(),
      to: draftTarget(draft),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setError({ code: 'INVALID_ARGUMENT', message: `${issue.path.join('.')}: ${issue.message}` });
      return;
    }
    const failed = await addShip(parsed.data);
    if (failed) setError(failed);
    else onDone();
  };
  return (
    <div className="ops-form" data-testid="ship-form">
      <label>
        Local topic
        <input
          data-testid="ship-topic"
          value={draft.topic}
          onChange={(e) => edit({ topic: e.target.value })}
        />
      </label>
      <label>
        To cluster
        <select
          data-testid="ship-cluster"
          value={draft.cluster}
          onChange={(e) => edit({ cluster: e.target.value })}
        >
          <option value="">Kafka address (PLAINTEXT)…</option>
          {remote.map((c) => (
            <option key={c.name} value={c.name} disabled={c.readOnly}>
              {c.name}
              {c.readOnly ? ' (read-only)' : ''}
            </option>
          ))}
        </select>
      </label>
      {!draft.cluster && (
        <label>
          Bootstrap servers
          <input
            data-testid="ship-address"
            placeholder="host:port[,host:port]"
            value={draft.address}
            onChange={(e) => edit({ address: e.target.value })}
          />
        </label>
      )}
      <label>
        Remote topic
        <input
          data-testid="ship-remote-topic"
          value={draft.remoteTopic}
          onChange={(e) => edit({ remoteTopic: e.target.value })}
        />
      </label>
      <p className="ops-note">
        Lines stay in the local log until the remote cluster has them (acks=all); a restart or an
        outage loses and duplicates nothing (docs/clusters.md, Shipping).
      </p>
      <ErrorLine error={error} testId="ship-form-error" />
      <div className="ops-actions">
        <button className="primary" data-testid="ship-save" onClick={() => void save()}>
          Ship
        </button>
        <button onClick={onDone}>Cancel</button>
      </div>
    </div>
  );
}

function ShipRow({ ship }: { ship: ShipStatus }) {
  const removeShip = useAppStore((s) => s.removeShip);
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const remove = async () => setError(await removeShip(ship.config.topic));
  return (
    <tr data-testid={`ship-row-${ship.config.topic}`}>
      <td>
        <strong>{ship.config.topic}</strong>
      </td>
      <td>
        {ship.cluster} / {ship.remoteTopic}
      </td>
      <td>
        <span className="ops-badge" data-state={ship.state} data-testid="ship-state">
          {ship.state}
        </span>
      </td>
      <td data-testid="ship-positions">
        {ship.partitions.map((p) => (
          <div key={p.partition}>
            {p.partition}
            {p.remotePartition >= 0 ? ` → ${p.remotePartition}` : ''}: {p.forwardedOffset} of{' '}
            {p.logEndOffset}
          </div>
        ))}
      </td>
      <td className="num" data-testid="ship-backlog">
        {ship.backlog}
      </td>
      <td className="num">{formatRate(ship.linesPerSecond)}</td>
      <td className="ops-error" data-testid="ship-warning">
        {ship.retentionWarning && <div>⚠ {ship.retentionWarning}</div>}
        {ship.lostRecords > 0 && <div>{ship.lostRecords} records lost to local retention</div>}
        {ship.lastError && (
          <div title={ship.lastErrorAt ? new Date(ship.lastErrorAt).toLocaleString() : ''}>
            {ship.lastError}
          </div>
        )}
        <ErrorLine error={error} />
      </td>
      <td>
        {confirm ? (
          <>
            <button data-testid="ship-remove-confirm" onClick={() => void remove()}>
              Stop shipping
            </button>{' '}
            <button onClick={() => setConfirm(false)}>Keep</button>
          </>
        ) : (
          <button data-testid="ship-remove" onClick={() => setConfirm(true)}>
            Stop…
          </button>
        )}
      </td>
    </tr>
  );
}

/**
 * Shipping: local topics forwarded to topics of remote clusters, with each one's forwarded
 * offsets, backlog, rate, last error and the warning before local retention would delete
 * records not yet forwarded; ship a topic, stop shipping one.
 */
export function ShippingPanel() {
  const ships = useAppStore((s) => s.shipping.ships);
  const error = useAppStore((s) => s.shipping.error);
  const watchShips = useAppStore((s) => s.watchShips);
  const [adding, setAdding] = useState(false);
  useEffect(() => watchShips(), [watchShips]);
  return (
    <section data-testid="shipping-panel">
      <h2>Shipping</h2>
      <ErrorLine error={error} />
      {adding ? (
        <ShipForm onDone={() => setAdding(false)} />
      ) : (
        <div className="ops-actions">
          <button data-testid="ship-add" onClick={() => setAdding(true)}>
            Ship a topic to a remote cluster…
          </button>
        </div>
      )}
      {ships.length > 0 && (
        <table className="ops-table" data-testid="ships-table">
          <thead>
            <tr>
              <th>Local topic</th>
              <th>To</th>
              <th>State</th>
              <th>Forwarded (partition → remote: offset of end)</th>
              <th className="num">Backlog</th>
              <th className="num">Lines/s</th>
              <th>Warnings and last error</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {ships.map((s) => (
              <ShipRow key={s.config.topic} ship={s} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
