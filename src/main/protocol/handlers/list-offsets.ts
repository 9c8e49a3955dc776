/**
 * ListOffsets: -1 = latest (log end offset, the high watermark of a single replica),
 * -2 = earliest (log start offset), -3 = offset of the newest timestamp (v7+; we answer
 * the last offset), otherwise the first offset whose timestamp is at or after it
 * (`broker.offsetForTimestamp`) with that record's timestamp, or -1 when there is none. v0
 * answers `oldStyleOffsets`.
 */
import type { Handler, RequestContext } from '../context';
import { KafkaError, kafkaErrorCode } from '../errors';
import type * as T from '../generated/types';
import { findTopic } from './util';

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;

type PartitionResponse = T.ListOffsetsResponseListOffsetsPartitionResponse;

/**
 * The timestamp of the record at `offset`, which Kafka answers beside a lookup by time (the
 * Java client's offsetsForTimes shows it): one small read of the batch holding it.
 */
async function recordTimestamp(
  ctx: RequestContext,
  topic: string,
  partition: number,
  offset: number,
): Promise<number> {
  const [record] = await ctx.broker.readRecords(topic, partition, offset, { maxRecords: 1 });
  return record?.offset === offset ? record.timestamp : -1;
}

async function listPartition(
  ctx: RequestContext,
  topic: string,
  p: T.ListOffsetsRequestListOffsetsPartition,
): Promise<PartitionResponse> {
  const partitionIndex = p.partitionIndex;
  const ts = p.timestamp;
  const out: PartitionResponse = {
    partitionIndex,
    errorCode: 0,
    oldStyleOffsets: [],
    timestamp: -1,
    offset: -1,
    leaderEpoch: 0,
  };
  // A partition recovering after a crash knows its end only once done: answer after it.
  await ctx.broker.whenRecovered(topic, partitionIndex);
  const t = findTopic(ctx, topic);
  if (!t || partitionIndex < 0 || partitionIndex >= t.partitions.length) {
    return { ...out, errorCode: KafkaError.UNKNOWN_TOPIC_OR_PARTITION.code, leaderEpoch: -1 };
  }
  const desc = t.partitions[partitionIndex];
  try {
    let offset: number;
    let timestamp = -1;
    if (ts === LATEST) offset = desc.logEndOffset;
    else if (ts === EARLIEST) offset = desc.logStartOffset;
    else if (ts === MAX_TIMESTAMP) {
      offset = desc.logEndOffset > desc.logStartOffset ? desc.logEndOffset - 1 : -1;
      timestamp = desc.lastTimestamp ?? -1;
    } else {
      const found = await ctx.broker.offsetForTimestamp(topic, partitionIndex, ts);
      offset = found ?? -1;
      if (found !== null) timestamp = await recordTimestamp(ctx, topic, partitionIndex, found);
    }
    return { ...out, offset, timestamp, oldStyleOffsets: offset >= 0 ? [offset] : [] };
  } catch (err) {
    return { ...out, errorCode: kafkaErrorCode(err) };
  }
}

export const listOffsets: Handler<T.ListOffsetsRequest, T.ListOffsetsResponse> = async (
  ctx,
  req,
) => ({
  throttleTimeMs: 0,
  topics: await Promise.all(
    req.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(t.partitions.map((p) => listPartition(ctx, t.name, p))),
    })),
  ),
});
