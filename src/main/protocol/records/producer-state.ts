/**
 * Idempotent producer state (KIP-98), kept by the listener because the log stores batches
 * as they come: per partition and producer id, the epoch and the sequence ranges of the
 * last five batches with the offsets they were stored at (Kafka keeps five as well, the
 * most a client has in flight). A batch whose sequences match one of them is a retry: it is
 * answered with the original offset and not stored again. A gap in sequences is
 * OUT_OF_ORDER_SEQUENCE_NUMBER, an older epoch INVALID_PRODUCER_EPOCH.
 *
 * After a restart the state is rebuilt lazily from the log, as Kafka rebuilds it: the first
 * idempotent batch for a partition scans the batch headers of the partition's tail (the
 * last `REBUILD_WINDOW_BYTES`), which is where any retry of a batch still in flight is.
 *
 * Safe to use concurrently: checks and records for one partition run one at a time.
 */
import type { Broker } from '../broker-types';
import {
  iterateBatches,
  readBatchHeader,
  type RecordBatchHeader,
} from '../../storage/record-batch';
import { KafkaError } from '../errors';

const MAX_CACHED_BATCHES = 5;
const REBUILD_WINDOW_BYTES = 8 * 1024 * 1024;
const REBUILD_WINDOW_OFFSETS = 100_000;
const MAX_REBUILD_BYTES = 64 * 1024 * 1024;

interface CachedBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: CachedBatch[];
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; errorCode: number; message: string };

function lastSequence(h: RecordBatchHeader): number {
  return (h.baseSequence + h.lastOffsetDelta) % 2 ** 31;
}

export class ProducerStates {
  private readonly partitions = new Map<string, Map<number, ProducerEntry>>();
  /** The id of each topic we hold state for: a topic created again has a new one. */
  private readonly topicIds = new Map<string, string | null>();
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(private readonly broker: Broker) {}

  /**
   * Forgets the state of topics deleted (or deleted and created again) by anyone: the Kafka
   * DeleteTopics handler, the UI or the CLI, so a new topic of the same name does not answer
   * a producer's first batches as retries of the old topic's. Returns the unsubscribe.
   */
  watchTopics(): () => void {
    return this.broker.onTopicsChanged(() => {
      for (const [topic, id] of this.topicIds)
        if (this.broker.topicId(topic) !== id) this.forget(topic);
    });
  }

  /**
   * Runs `append` for an idempotent batch unless it is a retry or out of order, and records
   * its sequences. `batches` holds the client's bytes (first batch's header decides).
   */
  async appendIdempotent<T extends { baseOffset: number }>(
    topic: string,
    partition: number,
    batches: Buffer,
    append: () => Promise<T>,
  ): Promise<{ result: T | null; duplicateOf: number | null; error: SequenceCheck | null }> {
    const key = `${topic}:${partition}`;
    const run = async () => {
      const header = readBatchHeader(batches, 0);
      const state = await this.stateOf(topic, partition);
      const check = this.check(state, header);
      if (check.kind === 'duplicate')
        return { result: null, duplicateOf: check.baseOffset, error: null };
      if (check.kind === 'error') return { result: null, duplicateOf: null, error: check };
      const result = await append();
      // Each batch of the request is recorded at the offset the log gave it.
      let offset = result.baseOffset;
      for (const { header: h } of iterateBatches(batches)) {
        this.remember(state, h, offset);
        offset += h.lastOffsetDelta + 1;
      }
      return { result, duplicateOf: null, error: null };
    };
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(run, run);
    this.chains.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }

  private check(state: Map<number, ProducerEntry>, h: RecordBatchHeader): SequenceCheck {
    const entry = state.get(h.producerId);
    if (!entry) return { kind: 'append' };
    if (h.producerEpoch < entry.epoch) {
      return {
        kind: 'error',
        errorCode: KafkaError.INVALID_PRODUCER_EPOCH.code,
        message: `producer ${h.producerId}: epoch ${h.producerEpoch} is older than ${entry.epoch}`,
      };
    }
    if (h.producerEpoch > entry.epoch) return { kind: 'append' };
    const last = lastSequence(h);
    const dup = entry.batches.find((b) => b.firstSeq === h.baseSequence && b.lastSeq === last);
    if (dup) return { kind: 'duplicate', baseOffset: dup.baseOffset };
    const newest = entry.batches[entry.batches.length - 1];
    const expected = newest ? (newest.lastSeq + 1) % 2 ** 31 : h.baseSequence;
    if (h.baseSequence !== expected) {
      return {
        kind: 'error',
        errorCode: KafkaError.OUT_OF_ORDER_SEQUENCE_NUMBER.code,
        message: `producer ${h.producerId}: sequence ${h.baseSequence}, expected ${expected}`,
      };
    }
    return { kind: 'append' };
  }

  private remember(
    state: Map<number, ProducerEntry>,
    h: RecordBatchHeader,
    baseOffset: number,
  ): void {
    if (h.producerId < 0) return;
    let entry = state.get(h.producerId);
    if (!entry || h.producerEpoch > entry.epoch) {
      entry = { epoch: h.producerEpoch, batches: [] };
      state.set(h.producerId, entry);
    }
    entry.batches.push({ firstSeq: h.baseSequence, lastSeq: lastSequence(h), baseOffset });
    if (entry.batches.length > MAX_CACHED_BATCHES) entry.batches.shift();
  }

  /** The partition's producer map, rebuilt from the log tail on first use. */
  private async stateOf(topic: string, partition: number): Promise<Map<number, ProducerEntry>> {
    const key = `${topic}:${partition}`;
    let state = this.partitions.get(key);
    if (state) return state;
    state = new Map();
    if (!this.topicIds.has(topic)) this.topicIds.set(topic, this.broker.topicId(topic));
    try {
      // The tail to rebuild from ends at the end, known once loaded and recovered.
      await this.broker.whenRecovered(topic, partition);
      const desc = this.broker.describeTopic(topic).partitions[partition];
      const from = Math.max(desc.logStartOffset, desc.logEndOffset - REBUILD_WINDOW_OFFSETS);
      let offset = from;
      let scanned = 0;
      while (offset < desc.logEndOffset && scanned < MAX_REBUILD_BYTES) {
        const read = await this.broker.read(topic, partition, offset, REBUILD_WINDOW_BYTES);
        if (read.records.length === 0) break;
        scanned += read.records.length;
        let next = offset;
        for (const { header } of iterateBatches(read.records)) {
          this.remember(state, header, header.baseOffset);
          next = header.baseOffset + header.lastOffsetDelta + 1;
        }
        if (next <= offset) break;
        offset = next;
      }
    } catch {
      // An unreadable tail leaves the state empty: the next batch is accepted as new.
    }
    this.partitions.set(key, state);
    return state;
  }

  /** Forgets the state of every partition of `topic`. */
  private forget(topic: string): void {
    this.topicIds.delete(topic);
    for (const key of this.partitions.keys())
      if (key.startsWith(`${topic}:`)) this.partitions.delete(key);
  }
}
