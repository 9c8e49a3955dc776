import type { ApiClient, EventOf, Unsubscribe } from '../../../../common/api/contract';
import type {
  MessageRow,
  ScanRange,
  SearchQuery,
  SeekTarget,
} from '../../../../common/api/messages';
import type { TimelineTarget } from '../../../../common/api/timeline';
import { LogdockError } from '../../../../common/errors';

/** The ends of a partition of the view; `topic` is set in a timeline (several topics). */
export interface PartitionEnds {
  topic?: string;
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
}

/**
 * What the message table shows: one topic (some or all of its partitions), or a timeline
 * of several topics merged by time (`topics` set, `topic` null). The browser slice asks
 * for rows and positions through these functions, whichever it is.
 */
export interface ViewSource {
  topic: string | null;
  partitions: number[] | null;
  topics: string[] | null;
}

/** A seek target of either kind of view (a timeline's offsets name their topic). */
export type ViewTarget = SeekTarget | TimelineTarget;

export interface ViewWindow {
  total: number;
  rows: MessageRow[];
  ends: PartitionEnds[];
}

/** Rows [start, start + count) of the view. */
export async function windowOf(
  api: ApiClient,
  v: ViewSource,
  start: number,
  count: number,
  previewBytes: number,
): Promise<ViewWindow> {
  if (v.topics !== null) {
    const res = await api.call('timeline.window', { topics: v.topics, start, count, previewBytes });
    return { total: res.total, rows: res.rows, ends: res.lanes };
  }
  const topic = requireTopic(v);
  const res = await api.call('messages.window', {
    topic,
    partitions: v.partitions,
    start,
    count,
    previewBytes,
  });
  return { total: res.total, rows: res.rows, ends: res.partitions };
}

/** The row index of a seek target in the view. */
export function locateIn(
  api: ApiClient,
  v: ViewSource,
  target: ViewTarget,
): Promise<{ index: number; total: number; note: string | null }> {
  if (v.topics !== null) {
    if (target.kind === 'offset' && !('topic' in target))
      throw new LogdockError('INVALID_ARGUMENT', 'an offset in a timeline needs its topic');
    return api.call('timeline.locate', { topics: v.topics, target });
  }
  return api.call('messages.locate', {
    topic: requireTopic(v),
    partitions: v.partitions,
    target: target as SeekTarget,
  });
}

export type SearchEvent = EventOf<'messages.search'>;
export type ExportEvent = EventOf<'messages.export'>;

/** A hit to go on after; a timeline's names its topic. */
export interface HitPlace {
  topic?: string;
  partition: number;
  offset: number;
}

/**
 * Searches the view (its partitions, or every topic of a timeline): hits come in the
 * view's order, merged by time. Returns how to stop.
 */
export function searchOf(
  api: ApiClient,
  v: ViewSource,
  params: {
    range: ScanRange;
    query: SearchQuery;
    maxResults: number;
    previewBytes: number;
    after?: HitPlace;
  },
  onEvent: (e: SearchEvent) => void,
  onError: (err: { code: string; message: string }) => void,
): Unsubscribe {
  const { after, ...rest } = params;
  if (v.topics !== null) {
    const place = after?.topic ? { after: { ...after, topic: after.topic } } : {};
    return api.subscribe(
      'timeline.search',
      { topics: v.topics, ...rest, ...place },
      onEvent,
      onError,
    );
  }
  const place = after ? { after: { partition: after.partition, offset: after.offset } } : {};
  return api.subscribe(
    'messages.search',
    { topic: requireTopic(v), partitions: v.partitions, ...rest, ...place },
    onEvent,
    onError,
  );
}

/** Exports the view (or a range of it, or its matches) merged by time. Returns how to stop. */
export function exportOf(
  api: ApiClient,
  v: ViewSource,
  params: { range: ScanRange; format: 'jsonl' | 'csv'; query?: SearchQuery; fileName?: string },
  onEvent: (e: ExportEvent) => void,
  onError: (err: { code: string; message: string }) => void,
): Unsubscribe {
  if (v.topics !== null)
    return api.subscribe('timeline.export', { topics: v.topics, ...params }, onEvent, onError);
  return api.subscribe(
    'messages.export',
    { topic: requireTopic(v), partitions: v.partitions, ...params },
    onEvent,
    onError,
  );
}

/** Which view the field columns are remembered for: the topic, or the timeline's topics. */
export function columnsKeyOf(v: ViewSource): string | null {
  return v.topics !== null ? `timeline:${v.topics.join(',')}` : v.topic;
}

/** Whether two ends are of the same partition (of the same topic, in a timeline). */
export function sameLane(a: PartitionEnds, b: PartitionEnds): boolean {
  return a.partition === b.partition && a.topic === b.topic;
}

function requireTopic(v: ViewSource): string {
  if (v.topic === null) throw new LogdockError('INVALID_ARGUMENT', 'no topic is open');
  return v.topic;
}
