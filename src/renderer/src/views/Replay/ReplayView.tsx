import { useEffect, useState } from 'react';
import type { ReplayJob } from '../../../../common/api/replay';
import { hrefFor } from '../../router';
import { useAppStore } from '../../store';
import { ErrorLine } from '../ops-common/ErrorLine';
import { formatTime, toDateTimeInput } from '../ops-common/format';
import { usePolling } from '../ops-common/usePolling';
import {
  buildReplayRequest,
  emptyReplayDraft,
  type BoundDraft,
  type ReplayDraft,
} from './buildReplay';
import '../ops-common/ops.css';

function BoundInput({
  id,
  value,
  onChange,
  ends,
}: {
  id: string;
  value: BoundDraft;
  onChange: (b: BoundDraft) => void;
  ends: 'earliest' | 'latest';
}) {
  return (
    <span>
      <select
        id={id}
        value={value.kind}
        onChange={(e) => {
          const kind = e.target.value as BoundDraft['kind'];
          onChange({
            kind,
            value: kind === 'timestamp' ? toDateTimeInput(Date.now() - 3_600_000) : '',
          });
        }}
      >
        <option value={ends}>{ends === 'earliest' ? 'Earliest' : 'Latest (log end now)'}</option>
        <option value="offset">Offset</option>
        <option value="timestamp">Date and time</option>
      </select>{' '}
      {value.kind === 'offset' && (
        <input
          aria-label={`${id} offset`}
          data-testid={`${id}-offset`}
          value={value.value}
          inputMode="numeric"
          onChange={(e) => onChange({ ...value, value: e.target.value })}
        />
      )}
      {value.kind === 'timestamp' && (
        <input
          aria-label={`${id} time`}
          type="datetime-local"
          step={1}
          value={value.value}
          onChange={(e) => onChange({ ...value, value: e.target.value })}
        />
      )}
    </span>
  );
}

/** The topic names of a cluster, for a picker's suggestions. */
function useTopicNames(cluster: string): string[] {
  const topicNamesOf = useAppStore((s) => s.topicNamesOf);
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    let current = true;
    void topicNamesOf(cluster).then((n) => current && setNames(n));
    return () => {
      current = false;
    };
  }, [cluster, topicNamesOf]);
  return names;
}

/** `local` and the saved clusters; read-only ones disabled where the choice is written to. */
function ClusterSelect({
  id,
  value,
  onChange,
  forWriting,
}: {
  id: string;
  value: string;
  onChange: (name: string) => void;
  forWriting: boolean;
}) {
  const clusters = useAppStore((s) => s.clusters.list);
  const known = clusters.some((c) => c.name === value);
  return (
    <select id={id} data-testid={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {!known && <option value={value}>{value}</option>}
      {clusters.map((c) => (
        <option key={c.name} value={c.name} disabled={forWriting && c.readOnly}>
          {c.name}
          {c.readOnly ? ' (read-only)' : ''}
        </option>
      ))}
    </select>
  );
}

function JobRow({ job, onCancel }: { job: ReplayJob; onCancel: () => void }) {
  const source = job.range.cluster ?? 'local';
  const target =
    job.target.kind === 'topic' ? (
      <a
        href={hrefFor({
          view: 'topic',
          topic: job.target.topic,
          cluster: job.target.cluster ?? source,
        })}
      >
        topic {job.target.cluster ?? source}/{job.target.topic}
      </a>
    ) : job.target.kind === 'file' ? (
      <span>file {job.target.path}</span>
    ) : (
      <a href={hrefFor({ view: 'group', groupId: job.target.groupId, cluster: source })}>
        group {source}/{job.target.groupId}
      </a>
    );
  return (
    <tr data-testid={`replay-job-${job.id}`} data-state={job.state}>
      <td>{formatTime(job.startedAt)}</td>
      <td>
        {source}/{job.range.topic}
        {job.partitions.length === 1
          ? `[${job.partitions[0].partition}] offsets ${job.partitions[0].startOffset}–${job.partitions[0].endOffset}`
          : ` (${job.partitions.length} partitions)`}
        {job.range.filter ? ', filtered' : ''}
      </td>
      <td>{target}</td>
      <td>
        <progress className="ops-progress" max={Math.max(1, job.total)} value={job.scanned} />{' '}
        <span data-testid="replay-progress">
          {job.scanned}/{job.total} read, {job.written} written
        </span>
      </td>
      <td>
        <span className="ops-badge" data-state={job.state} data-testid="replay-state">
          {job.state}
        </span>
        {job.error && <div className="ops-error">{job.error}</div>}
      </td>
      <td>
        {job.state === 'running' && (
          <button data-testid="replay-cancel" onClick={onCancel}>
            Cancel
          </button>
        )}
      </td>
    </tr>
  );
}

/**
 * Replay: choose a range (offsets or times, one or all partitions, optionally a search
 * filter) and copy it into a topic or a file, or move a consumer group to its start so the
 * service being debugged consumes it again. Jobs show a progress bar and can be cancelled.
 */
export function ReplayView({ topic }: { topic?: string }) {
  const jobs = useAppStore((s) => s.replay.jobs);
  const error = useAppStore((s) => s.replay.error);
  const starting = useAppStore((s) => s.replay.starting);
  const loadReplays = useAppStore((s) => s.loadReplays);
  const startReplay = useAppStore((s) => s.startReplay);
  const cancelReplay = useAppStore((s) => s.cancelReplay);
  const loadClusters = useAppStore((s) => s.loadClusters);
  // The cluster on screen is the source at first; the target is `local` (see the draft).
  const shown = useAppStore((s) => s.cluster);
  const [draft, setDraft] = useState<ReplayDraft>(() => emptyReplayDraft(topic, shown));
  const [formError, setFormError] = useState<string | null>(null);
  const sourceTopics = useTopicNames(draft.sourceCluster);
  const targetTopics = useTopicNames(draft.targetCluster);
  const running = jobs.some((j) => j.state === 'running');
  usePolling(loadReplays, running ? 500 : 3000, [running]);
  useEffect(() => {
    void loadClusters();
  }, [loadClusters]);

  const set = <K extends keyof ReplayDraft>(key: K, value: ReplayDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));

  const start = async () => {
    const built = buildReplayRequest(draft);
    if ('error' in built) {
      setFormError(built.error);
      return;
    }
    setFormError(null);
    await startReplay(built.request);
  };

  return (
    <section className="ops-view" data-testid="replay-view">
      <h1>Replay</h1>
      <p className="ops-note">
        Copy a range of messages into another topic (on this or another cluster) or a file, or move
        a consumer group back so the service under debugging consumes the range again.
      </p>
      <datalist id="replay-topics">
        {sourceTopics.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <datalist id="replay-target-topics">
        {targetTopics.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <div className="ops-form">
        <label htmlFor="replay-source-cluster">From cluster</label>
        <ClusterSelect
          id="replay-source-cluster"
          value={draft.sourceCluster}
          onChange={(name) => set('sourceCluster', name)}
          forWriting={draft.target === 'group'}
        />
        <label htmlFor="replay-topic">Topic</label>
        <input
          id="replay-topic"
          data-testid="replay-topic"
          list="replay-topics"
          value={draft.topic}
          onChange={(e) => set('topic', e.target.value)}
        />
        <label htmlFor="replay-partition">Partition</label>
        <input
          id="replay-partition"
          placeholder="all"
          value={draft.partition}
          onChange={(e) => set('partition', e.target.value)}
        />
        <label htmlFor="replay-from">From (inclusive)</label>
        <BoundInput
          id="replay-from"
          ends="earliest"
          value={draft.from}
          onChange={(b) => set('from', b)}
        />
        <label htmlFor="replay-to">To (exclusive)</label>
        <BoundInput id="replay-to" ends="latest" value={draft.to} onChange={(b) => set('to', b)} />
        <label htmlFor="replay-text">Containing text</label>
        <input id="replay-text" value={draft.text} onChange={(e) => set('text', e.target.value)} />
        <label htmlFor="replay-filter">Filter expression</label>
        <input
          id="replay-filter"
          placeholder='level == "error"'
          value={draft.filter}
          onChange={(e) => set('filter', e.target.value)}
        />
        <label htmlFor="replay-target">Replay into</label>
        <select
          id="replay-target"
          value={draft.target}
          onChange={(e) => set('target', e.target.value as ReplayDraft['target'])}
        >
          <option value="topic">a topic (new or existing)</option>
          <option value="file">a JSON Lines file</option>
          <option value="group">
            a consumer group of the source cluster (move it to the start)
          </option>
        </select>
        {draft.target === 'topic' && (
          <>
            <label htmlFor="replay-target-cluster">Into cluster</label>
            <ClusterSelect
              id="replay-target-cluster"
              value={draft.targetCluster}
              onChange={(name) => set('targetCluster', name)}
              forWriting
            />
            <label htmlFor="replay-target-topic">Target topic</label>
            <input
              id="replay-target-topic"
              data-testid="replay-target-topic"
              list="replay-target-topics"
              value={draft.targetTopic}
              onChange={(e) => set('targetTopic', e.target.value)}
            />
            <span />
            <span>
              {(
                [
                  ['keepKeys', 'keys'],
                  ['keepHeaders', 'headers'],
                  ['keepTimestamps', 'timestamps'],
                  ['keepPartitions', 'partitions'],
                ] as const
              ).map(([key, label]) => (
                <label key={key} style={{ marginRight: 12 }}>
                  <input
                    type="checkbox"
                    checked={draft[key]}
                    onChange={(e) => set(key, e.target.checked)}
                  />{' '}
                  keep {label}
                </label>
              ))}
            </span>
          </>
        )}
        {draft.target === 'file' && (
          <>
            <label htmlFor="replay-path">File (absolute path)</label>
            <input
              id="replay-path"
              value={draft.path}
              onChange={(e) => set('path', e.target.value)}
            />
          </>
        )}
        {draft.target === 'group' && (
          <>
            <label htmlFor="replay-group">Consumer group</label>
            <input
              id="replay-group"
              value={draft.groupId}
              onChange={(e) => set('groupId', e.target.value)}
            />
          </>
        )}
      </div>
      {formError && <p className="ops-error">{formError}</p>}
      <ErrorLine error={error} testId="replay-error" />
      <div className="ops-actions">
        <button
          className="primary"
          data-testid="replay-start"
          disabled={starting}
          onClick={() => void start()}
        >
          Start replay
        </button>
      </div>
      <h2>Jobs</h2>
      {jobs.length === 0 ? (
        <p className="ops-note">No replay yet.</p>
      ) : (
        <table className="ops-table" data-testid="replay-jobs">
          <thead>
            <tr>
              <th>Started</th>
              <th>Range</th>
              <th>Into</th>
              <th>Progress</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <JobRow key={job.id} job={job} onCancel={() => void cancelReplay(job.id)} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
