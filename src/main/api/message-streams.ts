import type { MessageRow, messagesSubscriptions } from '../../common/api/messages';
import { toErrorPayload } from '../../common/errors';
import { selectPartitions, totalOf } from '../browse/partitions';
import { toRow } from '../browse/preview';
import type { Cluster } from '../cluster';
import { exportMessages } from '../export/export';
import { compileQuery } from '../search/query';
import { scanRange } from '../search/scan';
import type { SubscriptionHandlersFor } from './dispatcher';
import { throttled } from './throttle';

export interface MessageStreamsDeps {
  cluster: Cluster;
  dataDir: string;
}

const TAIL_THROTTLE_MS = 100;
const HIT_FLUSH_MS = 100;
const HIT_FLUSH_COUNT = 200;

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

    'messages.search': (
      { topic, partitions, range, query, maxResults, previewBytes, after },
      emit,
      _ctx,
      fail,
    ) => {
      compileQuery(query); // an invalid query fails the subscription at once
      const abort = new AbortController();
      let hits: MessageRow[] = [];
      let lastFlush = Date.now();
      let ordinal = 0;
      const flush = () => {
        if (hits.length) emit({ type: 'hits', hits });
        hits = [];
        lastFlush = Date.now();
      };
      const scan = () =>
        scanRange({
          source: cluster,
          topic,
          partitions,
          range,
          query,
          limit: maxResults,
          signal: abort.signal,
          after,
          onMatch: (record, partition) => {
            hits.push(toRow(record, partition, ordinal++, previewBytes));
            if (hits.length >= HIT_FLUSH_COUNT || Date.now() - lastFlush >= HIT_FLUSH_MS) flush();
            return ordinal < maxResults;
          },
          onProgress: (f) => {
            flush();
            emit({ type: 'progress', ...f });
          },
        }).then(
          (outcome) => {
            flush();
            if (outcome.reason === 'cancelled') return;
            emit({
              type: 'done',
              reason: outcome.reason,
              scanned: outcome.scanned,
              matched: outcome.matched,
              elapsedMs: outcome.elapsedMs,
            });
          },
          (err) => emit({ type: 'error', ...toErrorPayload(err) }),
        );
      // An unknown topic or partition fails the subscription before any event.
      startAfterCheck(cluster, topic, partitions, abort.signal, scan, fail);
      return () => abort.abort();
    },

    'messages.export': (
      { topic, partitions, range, query, format, fileName },
      emit,
      _ctx,
      fail,
    ) => {
      if (query) compileQuery(query);
      const abort = new AbortController();
      const run = () =>
        exportMessages({
          source: cluster,
          dataDir,
          topic,
          partitions,
          range,
          query,
          format,
          fileName,
          signal: abort.signal,
          onProgress: (f) => emit({ type: 'progress', ...f }),
        }).then(
          (done) => emit({ type: 'done', ...done }),
          (err) => {
            if (!abort.signal.aborted) emit({ type: 'error', ...toErrorPayload(err) });
          },
        );
      startAfterCheck(cluster, topic, partitions, abort.signal, run, fail);
      return () => abort.abort();
    },
  };
}

/** Runs `start` once the topic and partitions are known to exist, else ends with `fail`. */
function startAfterCheck(
  cluster: Cluster,
  topic: string,
  partitions: number[] | null,
  signal: AbortSignal,
  start: () => unknown,
  fail: (err: unknown) => void,
): void {
  selectPartitions(cluster, topic, partitions).then(() => {
    if (!signal.aborted) start();
  }, fail);
}
