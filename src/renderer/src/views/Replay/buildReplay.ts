import type { RangeBound } from '../../../../common/api/replay';
import type { ReplayRequest } from '../../store/slices/replay';
import { fromDateTimeInput } from '../ops-common/format';

export interface BoundDraft {
  kind: 'earliest' | 'latest' | 'offset' | 'timestamp';
  value: string;
}

export interface ReplayDraft {
  /** The cluster the range is read from (`local` or a remote cluster's name). */
  sourceCluster: string;
  topic: string;
  partition: string; // '' = all
  from: BoundDraft;
  to: BoundDraft;
  text: string;
  filter: string;
  target: 'topic' | 'file' | 'group';
  /** The cluster a topic target is written to. */
  targetCluster: string;
  targetTopic: string;
  keepKeys: boolean;
  keepHeaders: boolean;
  keepTimestamps: boolean;
  keepPartitions: boolean;
  path: string;
  groupId: string;
}

export const emptyReplayDraft = (topic = '', sourceCluster = 'local'): ReplayDraft => ({
  sourceCluster,
  topic,
  partition: '',
  from: { kind: 'earliest', value: '' },
  to: { kind: 'latest', value: '' },
  text: '',
  filter: '',
  target: 'topic',
  // Into the embedded broker unless chosen otherwise: debugging production traffic offline.
  targetCluster: 'local',
  targetTopic: topic ? `${topic}.replay` : '',
  keepKeys: true,
  keepHeaders: true,
  keepTimestamps: true,
  keepPartitions: false,
  path: '',
  groupId: '',
});

function bound(b: BoundDraft, name: string): RangeBound | string {
  switch (b.kind) {
    case 'earliest':
    case 'latest':
      return { kind: b.kind };
    case 'offset':
      return /^\d+$/.test(b.value.trim())
        ? { kind: 'offset', offset: Number(b.value) }
        : `${name}: an offset ≥ 0`;
    case 'timestamp': {
      const ms = fromDateTimeInput(b.value);
      return ms === null ? `${name}: choose a date and time` : { kind: 'timestamp', timestamp: ms };
    }
  }
}

/** Turns the form into a `replay.start` request, or the first problem found. */
export function buildReplayRequest(d: ReplayDraft): { request: ReplayRequest } | { error: string } {
  if (!d.topic.trim()) return { error: 'Topic: choose the topic to replay' };
  if (d.partition.trim() !== '' && !/^\d+$/.test(d.partition.trim())) {
    return { error: 'Partition: a whole number, or empty for all' };
  }
  const from = bound(d.from, 'From');
  if (typeof from === 'string') return { error: from };
  const to = bound(d.to, 'To');
  if (typeof to === 'string') return { error: to };
  const filter = {
    ...(d.text.trim() ? { text: d.text.trim() } : {}),
    ...(d.filter.trim() ? { filter: d.filter.trim() } : {}),
  };
  const range = {
    cluster: d.sourceCluster,
    topic: d.topic.trim(),
    ...(d.partition.trim() !== '' ? { partition: Number(d.partition) } : {}),
    from,
    to,
    ...(Object.keys(filter).length > 0 ? { filter } : {}),
  };
  switch (d.target) {
    case 'topic':
      if (!d.targetTopic.trim()) return { error: 'Target topic: give a name' };
      if (d.targetTopic.trim() === range.topic && d.targetCluster === d.sourceCluster)
        return { error: 'Target topic: must differ from the source on the same cluster' };
      return {
        request: {
          range,
          target: {
            kind: 'topic',
            cluster: d.targetCluster,
            topic: d.targetTopic.trim(),
            keepKeys: d.keepKeys,
            keepHeaders: d.keepHeaders,
            keepTimestamps: d.keepTimestamps,
            keepPartitions: d.keepPartitions,
          },
        },
      };
    case 'file':
      if (!d.path.trim().startsWith('/') && !/^[A-Za-z]:[\\/]/.test(d.path.trim())) {
        return { error: 'File: an absolute path' };
      }
      return { request: { range, target: { kind: 'file', path: d.path.trim() } } };
    case 'group':
      if (!d.groupId.trim()) return { error: 'Consumer group: give its id' };
      if (range.filter) return { error: 'A consumer group cannot be moved to a filtered range' };
      return { request: { range, target: { kind: 'group', groupId: d.groupId.trim() } } };
  }
}
