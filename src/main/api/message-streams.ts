import type { MessageRow, messagesSubscriptions } from '../../common/api/messages';
import { toErrorPayload } from '../../common/errors';
import type { BrokerApi } from '../broker/api';
import { selectPartitions, totalOf } from '../browse/partitions';
import { toRow } from '../browse/preview';
import { exportMessages } from '../export/export';
import { compileBatchFilter, compileQuery } from '../search/query';
import { scanRange } from '../search/scan';
import type { SubscriptionHandlersFor } from './dispatcher';
import { throttled } from './throttle';

export interface MessageStreamsDeps {
  broker: BrokerApi;
  dataDir: string;
}

const TAIL_THROTTLE_MS = 100;
const HIT_FLUSH_MS = 100;
const HIT_FLUSH_COUNT = 200;

/** `messages.tail`, `messages.search` and `messages.export`: the long-running streams. */
export function createMessageStreams({
  broker,
  dataDir,
}: MessageStreamsDeps): SubscriptionHandlersFor<typeof messagesSubscriptions> {
  return {
    'messages.tail': ({ topic, partitions }, emit) => {
      selectPartitions(broker, topic, partitions); // fail at once for an unknown topic
      const { schedule, cancel } = throttled(() => {
        try {
          const parts = selectPartitions(broker, topic, partitions);
          emit({ total: totalOf(parts), partitions: parts });
        } catch {
          // the topic was deleted: nothing more will arrive
        }
      }, TAIL_THROTTLE_MS);
      const off = broker.onAppend((e) => {
        if (e.topic === topic && (partitions === null || partitions.includes(e.partition)))
          schedule();
      });
      setImmediate(schedule);
      return () => {
        off();
        cancel();
      };
    },

    'messages.search': ({ topic, partitions, range, query, maxResults, previewBytes }, emit) => {
      const matcher = compileQuery(query); // an invalid query fails the subscription at once
      selectPartitions(broker, topic, partitions);
      const abort = new AbortController();
      let hits: MessageRow[] = [];
      let lastFlush = Date.now();
      let ordinal = 0;
      const flush = () => {
        if (hits.length) emit({ type: 'hits', hits });
        hits = [];
        lastFlush = Date.now();
      };
      void scanRange({
        source: broker,
        topic,
        partitions,
        range,
        matcher,
        batchFilter: compileBatchFilter(query),
        signal: abort.signal,
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
      return () => abort.abort();
    },

    'messages.export': ({ topic, partitions, range, query, format, fileName }, emit) => {
      if (query) compileQuery(query);
      selectPartitions(broker, topic, partitions);
      const abort = new AbortController();
      void exportMessages({
        source: broker,
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
      return () => abort.abort();
    },
  };
}
