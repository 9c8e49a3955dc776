import type { timelineRequests, timelineSubscriptions } from '../../common/api/timeline';
import { mergedWindow } from '../browse/merge';
import { locateInTimeline, readTimelineWindow, timelineLanes } from '../browse/timeline';
import type { Cluster } from '../cluster';
import type { HandlersFor, SubscriptionHandlersFor } from './dispatcher';
import { streamTail } from './tail-stream';
import { streamExport, streamSearch } from './view-streams';

/** Handlers of `timeline.*`: several topics browsed as one view merged by time. */
export function createTimelineHandlers({
  cluster,
}: {
  cluster: Cluster;
}): HandlersFor<typeof timelineRequests> {
  return {
    'timeline.window': ({ topics, start, count, previewBytes }) =>
      readTimelineWindow(cluster, topics, start, count, previewBytes),
    'timeline.locate': ({ topics, target }) => locateInTimeline(cluster, topics, target),
  };
}

export function createTimelineSubscriptions({
  cluster,
  dataDir,
}: {
  cluster: Cluster;
  dataDir: string;
}): SubscriptionHandlersFor<typeof timelineSubscriptions> {
  const lanes = (topics: string[]) => () => timelineLanes(cluster, topics);
  return {
    'timeline.search': ({ topics, ...p }, emit, ctx, fail) =>
      streamSearch(cluster, lanes(topics), { ...p, withTopic: true }, emit, fail, ctx),
    'timeline.export': ({ topics, ...p }, emit, ctx, fail) =>
      streamExport(cluster, lanes(topics), { dataDir, name: 'timeline', ...p }, emit, fail, ctx),
    'timeline.tail': ({ topics, newest }, emit, _ctx, fail) => {
      // An unknown topic fails the subscription before any event.
      timelineLanes(cluster, topics).catch(fail);
      return streamTail(
        cluster,
        {
          ends: () => timelineLanes(cluster, topics),
          rows: (ends, start, end, previewBytes) =>
            mergedWindow(cluster, ends, start, end, previewBytes, true),
          grows: (e) => topics.includes(e.topic),
        },
        newest,
        (total, ends, rows) => emit({ total, lanes: ends, newest: rows }),
      );
    },
  };
}
