import type { messagesSubscriptions } from '../../common/api/messages';
import { lanesOf } from '../browse/lanes';
import { selectPartitions, totalOf } from '../browse/partitions';
import type { Cluster } from '../cluster';
import type { SubscriptionHandlersFor } from './dispatcher';
import { throttled } from './throttle';
import { streamExport, streamSearch } from './view-streams';

export interface MessageStreamsDeps {
  cluster: Cluster;
  dataDir: string;
}

const TAIL_THROTTLE_MS = 100;

/** `messages.tail`, `messages.search` and `messages.export`: the long-running streams. */
export function createMessageStreams({
  cluster,
  dataDir,
}: MessageStreamsDeps): SubscriptionHandlersFor<typeof messagesSubscriptions> {
  return {
    'messages.tail': ({ topic, partitions }, emit, _ctx, fail) => {
      // An unknown topic or partition fails the subscription before any event.
      selectPartitions(cluster, topic, partitions).catch(fail);
      const { schedule, cancel } = throttled(() => {
        selectPartitions(cluster, topic, partitions).then(
          (parts) => emit({ total: totalOf(parts), partitions: parts }),
          () => {}, // the topic was deleted: nothing more will arrive
        );
      }, TAIL_THROTTLE_MS);
      const off = cluster.onAppend((e) => {
        if (e.topic === topic && (partitions === null || partitions.includes(e.partition)))
          schedule();
      });
      setImmediate(schedule);
      return () => {
        off();
        cancel();
      };
    },

    'messages.search': ({ topic, partitions, after, ...p }, emit, _ctx, fail) =>
      streamSearch(
        cluster,
        viewLanes(cluster, topic, partitions),
        { ...p, after: after && { topic, ...after }, withTopic: false },
        emit,
        fail,
      ),

    'messages.export': ({ topic, partitions, ...p }, emit, _ctx, fail) =>
      streamExport(
        cluster,
        viewLanes(cluster, topic, partitions),
        { dataDir, name: topic, ...p },
        emit,
        fail,
      ),
  };
}

/** The lanes of a topic's view: its chosen partitions (all when null). */
function viewLanes(cluster: Cluster, topic: string, partitions: number[] | null) {
  return async () => lanesOf(topic, await selectPartitions(cluster, topic, partitions));
}
