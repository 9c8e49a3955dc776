import type { EventOf } from '../../common/api/contract';
import type { TailNewest } from '../../common/api/messages';
import { selectPartitions, totalOf } from '../browse/partitions';
import { rowsOf } from '../browse/window';
import type { Cluster } from '../cluster';
import { throttled } from './throttle';

const TAIL_THROTTLE_MS = 100;

type TailEvent = EventOf<'messages.tail'>;

/**
 * `messages.tail`: the view's ends whenever its partitions grow, at most every 100 ms and
 * one at a time (an event's reads finish before the next starts, so events never overtake
 * each other and a loaded server does not pile reads up for one follower), with the newest
 * rows when asked (`newest`): a following table then needs no round trip of its own, and
 * whatever the topic's rate it gets one message of at most count + pageSize - 1 rows per
 * event. Returns the stop function.
 */
export function streamTail(
  cluster: Cluster,
  topic: string,
  partitions: number[] | null,
  newest: TailNewest | undefined,
  emit: (e: TailEvent) => void,
): () => void {
  let stopped = false;
  let sending = false;
  let again = false;
  const once = async () => {
    const parts = await selectPartitions(cluster, topic, partitions);
    if (!newest) {
      if (!stopped) emit({ total: totalOf(parts), partitions: parts });
      return;
    }
    const total = totalOf(parts);
    // The rows of these very ends: the event's rows reach its total, however fast it grows.
    const start = Math.floor(Math.max(0, total - newest.count) / newest.pageSize) * newest.pageSize;
    const rows = await rowsOf(cluster, topic, parts, start, total, newest.previewBytes);
    if (!stopped) emit({ total, partitions: parts, newest: { start, rows } });
  };
  const send = () => {
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    once()
      .catch(() => {}) // the topic was deleted: nothing more will arrive
      .finally(() => {
        sending = false;
        if (again && !stopped) {
          again = false;
          schedule();
        }
      });
  };
  const { schedule, cancel } = throttled(send, TAIL_THROTTLE_MS);
  const off = cluster.onAppend((e) => {
    if (e.topic === topic && (partitions === null || partitions.includes(e.partition))) schedule();
  });
  setImmediate(schedule);
  return () => {
    stopped = true;
    off();
    cancel();
  };
}
