import { useEffect, useState } from 'react';
import { hrefFor } from '../../router';
import { TimelinePick, usePickedTopics } from '../Timeline/TimelinePick';
import { EmptyState } from '../../components/ui/PageHeader';
import { KcatHint } from '../../components/KcatHint';
import type { TopicSummary } from '../../../../common/api/topics';
import { useAppStore } from '../../store';
import { visibleTopics } from '../../store/slices/topics';
import { CreateTopicForm } from './CreateTopicForm';
import { DeleteTopicDialog } from './DeleteTopicDialog';
import { formatAgo, formatBytes, formatCount, formatDuration } from './format';
import { Sparkline } from './Sparkline';
import './topics.css';

/** Every topic with its figures; filter, create, delete, open in the browser. */
export function TopicsView() {
  const topics = useAppStore((s) => s.topics);
  const status = useAppStore((s) => s.connection.status);
  const watchTopics = useAppStore((s) => s.watchTopics);
  const setFilter = useAppStore((s) => s.setTopicFilter);
  const setIncludeInternal = useAppStore((s) => s.setIncludeInternal);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);
  const picked = usePickedTopics();

  // Re-subscribe when the internal-topics switch flips or the connection comes back.
  useEffect(() => watchTopics(), [watchTopics, topics.includeInternal, status]);

  const shown = visibleTopics(topics);
  return (
    <section className="topics-view" data-testid="topics-view">
      <div className="topics-toolbar">
        <h1>Topics</h1>
        <input
          type="search"
          placeholder="Filter by name"
          aria-label="Filter topics by name"
          data-testid="topics-filter"
          value={topics.filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <label>
          <input
            type="checkbox"
            data-testid="topics-internal"
            checked={topics.includeInternal}
            onChange={(e) => setIncludeInternal(e.target.checked)}
          />{' '}
          Show internal topics
        </label>
        <button type="button" data-testid="topics-new" onClick={() => setCreating(true)}>
          New topic
        </button>
        <TimelinePick picked={picked} />
      </div>
      {creating && <CreateTopicForm onClose={() => setCreating(false)} />}
      {deleting && <DeleteTopicDialog name={deleting} onClose={() => setDeleting(null)} />}
      {topics.error && (
        <p className="inline-error" role="alert" data-testid="topics-error">
          Could not load topics: {topics.error.message}
        </p>
      )}
      {topics.loading && topics.list.length === 0 ? (
        <p className="muted">Loading topics…</p>
      ) : shown.length === 0 ? (
        topics.list.length === 0 ? (
          <EmptyState title="No topics yet" testId="topics-empty">
            <p>
              Collect a log file from <a href={hrefFor({ view: 'collectors' })}>Collectors</a>,
              create a topic above, or send messages from any Kafka client, e.g.{' '}
              <KcatHint args="-t my-topic -P" />
            </p>
          </EmptyState>
        ) : (
          <p className="muted" data-testid="topics-empty">
            No topic name contains “{topics.filter}”.
          </p>
        )
      ) : (
        <table className="topics-table" data-testid="topics-table">
          <thead>
            <tr>
              <th className="col-pick" aria-label="Pick for the timeline" />
              <th>Name</th>
              <th className="num">Partitions</th>
              <th className="num">Messages</th>
              <th className="num">Size</th>
              <th>Retention</th>
              <th>Throughput</th>
              <th>Last message</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.map((t) => (
              <tr key={t.name} data-testid={`topic-row-${t.name}`}>
                <td className="col-pick">
                  <input
                    type="checkbox"
                    aria-label={`Pick ${t.name} for the timeline`}
                    checked={picked.has(t.name)}
                    onChange={() => picked.toggle(t.name)}
                    data-testid={`topic-pick-${t.name}`}
                  />
                </td>
                <td>
                  <a
                    href={hrefFor({ view: 'topic', topic: t.name })}
                    data-testid={`topic-link-${t.name}`}
                  >
                    {t.name}
                  </a>
                  {t.internal && <span className="badge">internal</span>}
                </td>
                <td className="num">
                  {t.partitionCount}
                  <PartitionHealth topic={t} />
                </td>
                <td className="num" data-testid={`topic-count-${t.name}`}>
                  {formatCount(t.messageCount)}
                </td>
                <td className="num">{formatBytes(t.sizeBytes)}</td>
                <td>
                  {formatDuration(t.retentionMs)}
                  {t.retentionBytes >= 0 ? ` / ${formatBytes(t.retentionBytes)}` : ''}
                </td>
                <td>
                  <span className="rate">
                    <Sparkline values={t.rateHistory} /> {t.messageRate.toFixed(1)}/s
                  </span>
                </td>
                <td title={t.lastTimestamp === null ? '' : new Date(t.lastTimestamp).toISOString()}>
                  {formatAgo(t.lastTimestamp)}
                </td>
                <td>
                  {!t.internal && (
                    <button
                      type="button"
                      className="danger-link"
                      data-testid={`topic-delete-${t.name}`}
                      onClick={() => setDeleting(t.name)}
                    >
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * Flags a topic some of whose partitions have no leader (offline) or fewer replicas in sync
 * than assigned (under-replicated), as Kafka's OfflinePartitionsCount and
 * UnderReplicatedPartitions do; nothing when all is well.
 */
function PartitionHealth({ topic }: { topic: TopicSummary }) {
  const { name, offlinePartitions: offline, underReplicatedPartitions: under } = topic;
  return (
    <>
      {offline > 0 && (
        <span
          className="badge"
          data-tone="danger"
          data-testid={`topic-offline-${name}`}
          title="partitions without a leader: nothing can be read or written until one is elected"
        >
          {offline} offline
        </span>
      )}
      {under > 0 && (
        <span
          className="badge"
          data-tone="warn"
          data-testid={`topic-under-replicated-${name}`}
          title="partitions with fewer replicas in sync than assigned: a broker is behind or down"
        >
          {under} under-replicated
        </span>
      )}
    </>
  );
}
