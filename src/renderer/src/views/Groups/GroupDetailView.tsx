import { useEffect, useMemo, useState } from 'react';
import { hrefFor, navigate } from '../../router';
import { PageHeader } from '../../components/ui/PageHeader';
import { useAppStore } from '../../store';
import { ErrorLine } from '../ops-common/ErrorLine';
import { TimeChart } from '../ops-common/TimeChart';
import { usePolling } from '../ops-common/usePolling';
import { ResetOffsetsForm } from './ResetOffsetsForm';
import '../ops-common/ops.css';

/**
 * One consumer group: members with client id, host and assigned partitions; per partition
 * the committed offset, log end offset and lag; the lag over the last minutes; reset offsets
 * and delete. Refreshed every 2 s.
 */
export function GroupDetailView({ groupId }: { groupId: string }) {
  const detail = useAppStore((s) => s.groups.detail);
  const error = useAppStore((s) => s.groups.detailError);
  const lag = useAppStore((s) => s.groups.lag);
  const loadGroup = useAppStore((s) => s.loadGroup);
  const deleteGroup = useAppStore((s) => s.deleteGroup);
  const clearPlan = useAppStore((s) => s.clearPlan);
  const [confirmDelete, setConfirmDelete] = useState(false);
  usePolling(() => loadGroup(groupId), 2000, [groupId]);
  useEffect(() => clearPlan, [groupId, clearPlan]);

  const chart = useMemo(
    () => ({
      times: lag.map((p) => p.timestamp),
      series: [{ label: 'lag', values: lag.map((p) => p.lag), color: '#2563eb' }],
    }),
    [lag],
  );
  const current = detail?.groupId === groupId ? detail : null;

  return (
    <section className="ops-view" data-testid="group-detail">
      <PageHeader
        crumbs={[{ label: 'Consumer groups', href: hrefFor({ view: 'groups' }) }]}
        title={groupId}
      >
        {current && (
          <span className="ops-badge" data-state={current.state} data-testid="group-state">
            {current.state}
          </span>
        )}
      </PageHeader>
      <ErrorLine error={error} testId="group-error" />
      {current && (
        <>
          <p className="ops-note">
            Protocol {current.protocolType || '–'} / {current.protocol || '–'}, generation{' '}
            {current.generationId}, total lag{' '}
            <strong data-testid="group-detail-lag">{current.totalLag ?? '–'}</strong>
          </p>
          <h2>Members ({current.memberList.length})</h2>
          {current.memberList.length === 0 ? (
            <p className="ops-note">No active members.</p>
          ) : (
            <table className="ops-table" data-testid="members-table">
              <thead>
                <tr>
                  <th>Client id</th>
                  <th>Host</th>
                  <th>Member id</th>
                  <th>Assigned partitions</th>
                </tr>
              </thead>
              <tbody>
                {current.memberList.map((m) => (
                  <tr key={m.memberId}>
                    <td>{m.clientId}</td>
                    <td>{m.clientHost}</td>
                    <td>
                      <code>{m.memberId}</code>
                    </td>
                    <td>
                      {m.assignment
                        .map((a) => `${a.topic}[${a.partitions.join(', ')}]`)
                        .join('; ') || '–'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>Partitions</h2>
          <table className="ops-table" data-testid="partitions-table">
            <thead>
              <tr>
                <th>Topic</th>
                <th className="num">Partition</th>
                <th className="num">Committed offset</th>
                <th className="num">Log end offset</th>
                <th className="num">Lag</th>
              </tr>
            </thead>
            <tbody>
              {current.partitions.map((p) => (
                <tr key={`${p.topic}:${p.partition}`} data-testid={`lag-${p.topic}-${p.partition}`}>
                  <td>{p.topic}</td>
                  <td className="num">{p.partition}</td>
                  <td className="num" data-testid="committed">
                    {p.committedOffset === null ? (
                      '–'
                    ) : (
                      <a
                        href={hrefFor({
                          view: 'topic',
                          topic: p.topic,
                          partition: p.partition,
                          offset: p.committedOffset,
                        })}
                        title="Open the message browser at the committed offset"
                      >
                        {p.committedOffset}
                      </a>
                    )}
                  </td>
                  <td className="num">{p.logEndOffset}</td>
                  <td className="num" data-testid="lag">
                    {p.lag ?? '–'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Lag over the last minutes</h2>
          {lag.length < 2 ? (
            <p className="ops-note">Collecting samples…</p>
          ) : (
            <TimeChart times={chart.times} series={chart.series} testId="lag-chart" />
          )}
          <h2>Reset offsets</h2>
          <ResetOffsetsForm group={current} />
          <h2>Delete</h2>
          {confirmDelete ? (
            <div className="ops-actions">
              <span>Delete group {groupId} and its committed offsets?</span>
              <button
                className="danger"
                data-testid="confirm-delete-group"
                onClick={async () => {
                  setConfirmDelete(false);
                  if (await deleteGroup(groupId)) navigate({ view: 'groups' });
                }}
              >
                Delete
              </button>
              <button onClick={() => setConfirmDelete(false)}>Keep</button>
            </div>
          ) : (
            <div className="ops-actions">
              <button
                className="danger"
                data-testid="delete-group"
                disabled={current.members > 0}
                title={current.members > 0 ? 'Stop the consumers of this group first' : undefined}
                onClick={() => setConfirmDelete(true)}
              >
                Delete group…
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
