/**
 * CreateTopics, DeleteTopics, CreatePartitions and DeleteRecords, through the broker's
 * topic operations. A single node: replication factor must be -1 (default) or 1, and
 * manual replica assignments may name only node 0.
 */
import { LogdockError } from '../../../common/errors';
import { NODE_ID, type Handler, type RequestContext } from '../context';
import { KafkaError, kafkaErrorCode } from '../errors';
import type * as T from '../generated/types';
import { errorFields, findTopic, topicIdFor, topicNameForId } from './util';
import { configEntries } from './configs';

type CreatedTopic = T.CreateTopicsResponseCreatableTopicResult;

async function createOne(
  ctx: RequestContext,
  t: T.CreateTopicsRequestCreatableTopic,
  validateOnly: boolean,
): Promise<CreatedTopic> {
  const name = t.name;
  const base = {
    name,
    topicId: topicIdFor(ctx, ''),
    errorCode: 0,
    errorMessage: null,
    numPartitions: -1,
    replicationFactor: -1,
    configs: [],
  };
  const rf = t.replicationFactor;
  const assignments = t.assignments;
  if (rf !== -1 && rf !== 1) {
    return {
      ...base,
      errorCode: KafkaError.INVALID_REPLICATION_FACTOR.code,
      errorMessage: `replication factor ${rf}: this broker has a single node`,
    };
  }
  if (assignments.some((a) => a.brokerIds.some((b) => b !== NODE_ID))) {
    return {
      ...base,
      errorCode: KafkaError.INVALID_REPLICA_ASSIGNMENT.code,
      errorMessage: `replica assignment names a node other than ${NODE_ID}`,
    };
  }
  const requested = t.numPartitions;
  const partitions =
    assignments.length > 0
      ? assignments.length
      : requested === -1
        ? ctx.options.defaultPartitions
        : requested;
  if (partitions < 1) {
    return {
      ...base,
      errorCode: KafkaError.INVALID_PARTITIONS.code,
      errorMessage: `number of partitions ${partitions} must be at least 1`,
    };
  }
  // Unknown names are refused by the broker's validation (INVALID_CONFIG).
  const configs: Record<string, string> = {};
  for (const c of t.configs) {
    if (c.value !== null) configs[c.name] = c.value;
  }
  try {
    if (findTopic(ctx, name))
      throw new LogdockError('ALREADY_EXISTS', `topic ${name} already exists`);
    if (validateOnly) return { ...base, numPartitions: partitions, replicationFactor: 1 };
    const desc = await ctx.broker.createTopic(name, { partitions, configs });
    return {
      ...base,
      topicId: topicIdFor(ctx, name),
      numPartitions: desc.partitions.length,
      replicationFactor: 1,
      configs: configEntries(desc.configs),
    };
  } catch (err) {
    return { ...base, ...errorFields(err) };
  }
}

export const createTopics: Handler<T.CreateTopicsRequest, T.CreateTopicsResponse> = async (
  ctx,
  req,
) => {
  const topics: CreatedTopic[] = [];
  for (const t of req.topics) topics.push(await createOne(ctx, t, req.validateOnly));
  return { throttleTimeMs: 0, topics };
};

export const deleteTopics: Handler<T.DeleteTopicsRequest, T.DeleteTopicsResponse> = async (
  ctx,
  req,
) => {
  // v0-5 send names in `topicNames`; v6+ send `topics`, each by name or by topic id.
  const names: (string | null)[] =
    ctx.apiVersion >= 6
      ? req.topics.map((t) => t.name ?? topicNameForId(ctx, t.topicId))
      : req.topicNames;
  const responses: T.DeleteTopicsResponseDeletableTopicResult[] = [];
  for (const name of names) {
    if (name === null) {
      responses.push({
        name: null,
        topicId: ZERO_UUID,
        errorCode: KafkaError.UNKNOWN_TOPIC_ID.code,
        errorMessage: 'unknown topic id',
      });
      continue;
    }
    const topicId = topicIdFor(ctx, name);
    try {
      await ctx.broker.deleteTopic(name);
      responses.push({ name, topicId, errorCode: 0, errorMessage: null });
    } catch (err) {
      responses.push({ name, topicId, ...errorFields(err) });
    }
  }
  return { throttleTimeMs: 0, responses };
};

const ZERO_UUID = Buffer.alloc(16);

export const createPartitions: Handler<
  T.CreatePartitionsRequest,
  T.CreatePartitionsResponse
> = async (ctx, req) => {
  const results: T.CreatePartitionsResponseCreatePartitionsTopicResult[] = [];
  for (const t of req.topics) {
    const name = t.name;
    try {
      const desc = ctx.broker.describeTopic(name);
      const count = t.count;
      if (count <= desc.partitions.length) {
        results.push({
          name,
          errorCode: KafkaError.INVALID_PARTITIONS.code,
          errorMessage: `topic ${name} has ${desc.partitions.length} partitions; ${count} would not add any`,
        });
        continue;
      }
      if (!req.validateOnly) await ctx.broker.createPartitions(name, count);
      results.push({ name, errorCode: 0, errorMessage: null });
    } catch (err) {
      results.push({ name, ...errorFields(err) });
    }
  }
  return { throttleTimeMs: 0, results };
};

export const deleteRecords: Handler<T.DeleteRecordsRequest, T.DeleteRecordsResponse> = async (
  ctx,
  req,
) => ({
  throttleTimeMs: 0,
  topics: await Promise.all(
    req.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(
        t.partitions.map(async (p) => {
          const partitionIndex = p.partitionIndex;
          try {
            // -1 below takes the end, known once the partition loaded and recovered.
            await ctx.broker.whenRecovered(t.name, partitionIndex);
            const desc = ctx.broker.describeTopic(t.name).partitions[partitionIndex];
            if (!desc)
              throw new LogdockError(
                'UNKNOWN_PARTITION',
                `unknown partition ${t.name}-${partitionIndex}`,
              );
            // -1 means "up to the high watermark", as in Kafka.
            const before = p.offset === -1 ? desc.logEndOffset : p.offset;
            const lowWatermark = await ctx.broker.deleteRecords(t.name, partitionIndex, before);
            return { partitionIndex, lowWatermark, errorCode: 0 };
          } catch (err) {
            return { partitionIndex, lowWatermark: -1, errorCode: kafkaErrorCode(err) };
          }
        }),
      ),
    })),
  ),
});
