/**
 * Produce: each partition's records go to `broker.appendBatches` byte for byte (the broker
 * validates CRCs, assigns offsets, de-duplicates idempotent producers' retries and honours
 * acks). Old message formats (magic 0/1) are converted to one RecordBatch v2 first.
 * Internal topics (`__consumer_offsets`) are refused with INVALID_TOPIC_EXCEPTION, as Kafka.
 * acks=0 sends no response, as in Kafka; the append still completes before the next
 * request of the connection is read, which keeps a fast producer from queueing unboundedly.
 */
import type { Acks } from '../../broker/api';
import { isInternalTopic } from '../../broker/topic-names';
import type { Handler, RequestContext } from '../context';
import { KafkaError } from '../errors';
import type * as T from '../generated/types';
import { PRODUCER_ID_OFFSET, RECORD_BATCH_OVERHEAD } from '../../storage/record-batch';
import { readInt64 } from '../../storage/varint';
import { legacyToBatch, magicOf } from '../records/legacy';
import { errorFields, findTopic } from './util';

type PartitionResponse = T.ProduceResponsePartitionProduceResponse;

function isAcks(n: number): n is Acks {
  return n === 0 || n === 1 || n === -1;
}

/** The partition's answer for records the broker stored (first time, not a retry). */
function appended(
  base: PartitionResponse,
  result: { baseOffset: number; logAppendTime: number },
  logStartOffset: number,
): PartitionResponse {
  return {
    ...base,
    errorCode: 0,
    baseOffset: result.baseOffset,
    logAppendTimeMs: result.logAppendTime,
    logStartOffset,
  };
}

async function producePartition(
  ctx: RequestContext,
  topic: string,
  p: T.ProduceRequestPartitionProduceData,
  acks: Acks,
): Promise<PartitionResponse> {
  const { index, records } = p;
  const base: PartitionResponse = {
    index,
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset: -1,
    recordErrors: [],
    errorMessage: null,
  };
  if (!records || records.length === 0) {
    return { ...base, errorCode: KafkaError.CORRUPT_MESSAGE.code, errorMessage: 'empty records' };
  }
  const t = findTopic(ctx, topic);
  if (!t || index < 0 || index >= t.partitions.length) {
    return { ...base, errorCode: KafkaError.UNKNOWN_TOPIC_OR_PARTITION.code };
  }
  if (isInternalTopic(topic)) {
    // As Kafka answers every client but its own admin: only the group coordinator writes
    // __consumer_offsets, whose records it replays at each start.
    return {
      ...base,
      errorCode: KafkaError.INVALID_TOPIC_EXCEPTION.code,
      errorMessage: `cannot append to internal topic ${topic} (partition ${index})`,
    };
  }
  try {
    const batches = magicOf(records) === 2 ? records : legacyToBatch(records);
    const append = () =>
      ctx.broker.appendBatches(topic, index, batches, { acks, checkOffThread: true });
    const logStartOffset = t.partitions[index].logStartOffset;
    if (batches.length < RECORD_BATCH_OVERHEAD || readInt64(batches, PRODUCER_ID_OFFSET) < 0) {
      return appended(base, await append(), logStartOffset);
    }
    const outcome = await ctx.producers.appendIdempotent(topic, index, batches, append);
    if (outcome.error?.kind === 'error') {
      return { ...base, errorCode: outcome.error.errorCode, errorMessage: outcome.error.message };
    }
    if (outcome.duplicateOf !== null) {
      // A retry of a batch already stored: answer as the first time, store nothing.
      return { ...base, errorCode: 0, baseOffset: outcome.duplicateOf, logStartOffset };
    }
    return appended(base, outcome.result!, logStartOffset);
  } catch (err) {
    return { ...base, ...errorFields(err) };
  }
}

export const produce: Handler<T.ProduceRequest, T.ProduceResponse> = async (ctx, req) => {
  const acks = req.acks;
  if (!isAcks(acks)) {
    const responses = req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => ({
        index: p.index,
        errorCode: KafkaError.INVALID_REQUIRED_ACKS.code,
        baseOffset: -1,
      })),
    }));
    return { responses, throttleTimeMs: 0 };
  }
  const responses = await Promise.all(
    req.topicData.map(async (t) => ({
      name: t.name,
      partitionResponses: await Promise.all(
        t.partitionData.map((p) => producePartition(ctx, t.name, p, acks)),
      ),
    })),
  );
  if (acks === 0) return null;
  return { responses, throttleTimeMs: 0 };
};
