import type { timelineRequests, timelineSubscriptions } from '../../common/api/timeline';
import { totalOf } from '../browse/partitions';
import { locateInTimeline, readTimelineWindow, timelineLanes } from '../browse/timeline';
import type { Cluster } from '../cluster';
import type { HandlersFor, SubscriptionHandlersFor } from './dispatcher';
import { throttled } from './throttle';

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
}: {
  cluster: Cluster;
}): SubscriptionHandlersFor<typeof timelineSubscriptions> {
  return {
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
