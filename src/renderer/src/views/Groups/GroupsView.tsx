import { hrefFor } from '../../router';
import { EmptyState } from '../../components/ui/PageHeader';
import { KcatHint } from '../../components/KcatHint';
import { useAppStore } from '../../store';
import { ErrorLine } from '../ops-common/ErrorLine';
import { usePolling } from '../ops-common/usePolling';
import '../ops-common/ops.css';

/** Every consumer group with state, members, topics and total lag; refreshed every 2 s. */
export function GroupsView() {
  const groups = useAppStore((s) => s.groups.list);
  const loaded = useAppStore((s) => s.groups.loaded);
  const error = useAppStore((s) => s.groups.listError);
  const loadGroups = useAppStore((s) => s.loadGroups);
  usePolling(loadGroups, 2000);

  return (
    <section className="ops-view" data-testid="groups-view">
      <h1>Consumer groups</h1>
      <ErrorLine error={error} />
      {loaded && groups.length === 0 && !error && (
        <EmptyState title="No consumer groups yet" testId="groups-empty">
          <p>
            A group appears here when a Kafka consumer commits offsets, e.g.{' '}
            <KcatHint args="-G my-group my-topic" />
          </p>
        </EmptyState>
      )}
      {groups.length > 0 && (
        <table className="ops-table" data-testid="groups-table">
          <thead>
            <tr>
              <th>Group</th>
              <th>State</th>
              <th className="num">Members</th>
              <th>Topics</th>
              <th className="num">Total lag</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.groupId} data-testid={`group-row-${g.groupId}`}>
                <td>
                  <a href={hrefFor({ view: 'group', groupId: g.groupId })}>{g.groupId}</a>
                </td>
                <td>
                  <span className="ops-badge" data-state={g.state}>
                    {g.state}
                  </span>
                </td>
                <td className="num">{g.members}</td>
                <td>{g.topics.join(', ')}</td>
                <td className="num" data-testid="group-total-lag">
                  {g.totalLag ?? '–'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
