import type { timelineRequests, timelineSubscriptions } from '../../common/api/timeline';
import { totalOf } from '../browse/partitions';
import { locateInTimeline, readTimelineWindow, timelineLanes } from '../browse/timeline';
import type { Cluster } from '../cluster';
import type { HandlersFor, SubscriptionHandlersFor } from './dispatcher';
import { throttled } from './throttle';
import { streamExport, streamSearch } from './view-streams';

const TAIL_THROTTLE_MS = 100;

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
    'timeline.search': ({ topics, ...p }, emit, _ctx, fail) =>
      streamSearch(cluster, lanes(topics), { ...p, withTopic: true }, emit, fail),
    'timeline.export': ({ topics, ...p }, emit, _ctx, fail) =>
      streamExport(cluster, lanes(topics), { dataDir, name: 'timeline', ...p }, emit, fail),
    'timeline.tail': ({ topics }, emit, _ctx, fail) => {
      // An unknown topic fails the subscription before any event.
      timelineLanes(cluster, topics).catch(fail);
      const { schedule, cancel } = throttled(() => {
        timelineLanes(cluster, topics).then(
          (lanes) => emit({ total: totalOf(lanes), lanes }),
          () => {}, // a topic was deleted: the view shows the error on its next window
        );
      }, TAIL_THROTTLE_MS);
      const off = cluster.onAppend((e) => {
        if (topics.includes(e.topic)) schedule();
      });
      setImmediate(schedule);
      return () => {
        off();
        cancel();
      };
    },
  };
}
