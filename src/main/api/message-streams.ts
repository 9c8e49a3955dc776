import type { messagesSubscriptions } from '../../common/api/messages';
import { lanesOf } from '../browse/lanes';
import { selectPartitions } from '../browse/partitions';
import type { Cluster } from '../cluster';
import type { SubscriptionHandlersFor } from './dispatcher';
import { streamTail } from './tail-stream';
import { rowsOf } from '../browse/window';
import { streamExport, streamSearch } from './view-streams';

export interface MessageStreamsDeps {
  cluster: Cluster;
  dataDir: string;
}

/** `messages.tail`, `messages.search` and `messages.export`: the long-running streams. */
export function createMessageStreams({
  cluster,
  dataDir,
}: MessageStreamsDeps): SubscriptionHandlersFor<typeof messagesSubscriptions> {
  return {
    'messages.tail': ({ topic, partitions, newest }, emit, _ctx, fail) => {
      // An unknown topic or partition fails the subscription before any event.
      selectPartitions(cluster, topic, partitions).catch(fail);
      return streamTail(
        cluster,
        {
          ends: () => selectPartitions(cluster, topic, partitions),
          rows: (parts, start, end, previewBytes) =>
            rowsOf(cluster, topic, parts, start, end, previewBytes),
          grows: (e) =>
            e.topic === topic && (partitions === null || partitions.includes(e.partition)),
        },
        newest,
        (total, parts, rows) => emit({ total, partitions: parts, newest: rows }),
      );
    },

    'messages.search': ({ topic, partitions, after, ...p }, emit, ctx, fail) =>
      streamSearch(
        cluster,
        viewLanes(cluster, topic, partitions),
        { ...p, after: after && { topic, ...after }, withTopic: false },
        emit,
        fail,
        ctx,
      ),

    'messages.export': ({ topic, partitions, ...p }, emit, ctx, fail) =>
      streamExport(
        cluster,
        viewLanes(cluster, topic, partitions),
        { dataDir, name: topic, ...p },
        emit,
        fail,
        ctx,
      ),
  };
}

/** The lanes of a topic's view: its chosen partitions (all when null). */
function viewLanes(cluster: Cluster, topic: string, partitions: number[] | null) {
  return async () => lanesOf(topic, await selectPartitions(cluster, topic, partitions));
}
