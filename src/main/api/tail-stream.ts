import type { MessageRow, TailNewest, TailRows } from '../../common/api/messages';
import { totalOf, type PartitionEnds } from '../browse/partitions';
import type { AppendEvent, Cluster } from '../cluster';
import { throttled } from './throttle';

const TAIL_THROTTLE_MS = 100;

/** What `streamTail` follows: a topic's partitions (`messages.tail`) or a timeline's lanes. */
export interface TailSource<E extends PartitionEnds> {
  /** The view's ends now. @throws LogdockError when a topic or partition is gone. */
  ends(): Promise<E[]>;
  /** Rows [start, end) of the view as it was at `ends`. */
  rows(ends: E[], start: number, end: number, previewBytes: number): Promise<MessageRow[]>;
  /** Whether an append grows the view. */
  grows(e: AppendEvent): boolean;
}

/**
 * `messages.tail` and `timeline.tail`: the view's ends whenever it grows, at most every
 * 100 ms and one at a time (an event's reads finish before the next starts, so events never
 * overtake each other and a loaded server does not pile reads up for one follower), with
 * the newest rows when asked (`newest`), read at the very ends the event reports: a
 * following table then needs no round trip of its own, and whatever the topics' rate it gets
 * one message of at most count + pageSize - 1 rows per event. Returns the stop function.
 */
export function streamTail<E extends PartitionEnds>(
  cluster: Cluster,
  source: TailSource<E>,
  newest: TailNewest | undefined,
  emit: (total: number, ends: E[], rows: TailRows | undefined) => void,
): () => void {
  let stopped = false;
  let sending = false;
  let again = false;
  const once = async () => {
    const ends = await source.ends();
    const total = totalOf(ends);
    let rows: TailRows | undefined;
    if (newest) {
      const start =
        Math.floor(Math.max(0, total - newest.count) / newest.pageSize) * newest.pageSize;
      rows = { start, rows: await source.rows(ends, start, total, newest.previewBytes) };
    }
    if (!stopped) emit(total, ends, rows);
  };
  const send = () => {
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    once()
      .catch(() => {}) // a topic was deleted: the view shows the error on its next window
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
    if (source.grows(e)) schedule();
  });
  setImmediate(schedule);
  return () => {
    stopped = true;
    off();
    cancel();
  };
}
