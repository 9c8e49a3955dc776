/**
 * Metadata: this single node as the only broker and the leader of every partition, at the
 * host and port the client connected to. Unknown topics are created when the request
 * allows it (v4+ flag; always for older versions, as in Kafka) and the listener's
 * `autoCreateTopics` is on.
 */
import { validateTopicName } from '../../broker/topic-names';
import type { TopicDescription } from '../../broker/api';
import { CLUSTER_ID, NODE_ID, type Handler, type RequestContext } from '../context';
import { KafkaError } from '../errors';
import type * as T from '../generated/types';
import { errorFields, findTopic, topicIdFor } from './util';

type TopicEntry = T.MetadataResponseMetadataResponseTopic;

function brokersOf(ctx: RequestContext): T.MetadataResponseMetadataResponseBroker[] {
  return [
    { nodeId: NODE_ID, host: ctx.connection.localHost, port: ctx.connection.localPort, rack: null },
  ];
}

function topicEntry(ctx: RequestContext, t: TopicDescription): TopicEntry {
  return {
    errorCode: 0,
    name: t.name,
    topicId: topicIdFor(ctx, t.name),
    isInternal: t.internal,
    partitions: t.partitions.map((p) => ({
      errorCode: 0,
      partitionIndex: p.partition,
      leaderId: NODE_ID,
      leaderEpoch: 0,
      replicaNodes: [NODE_ID],
      isrNodes: [NODE_ID],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: -2147483648,
  };
}

/** Creates `name` with the listener's defaults if allowed; returns null or an error entry. */
async function autoCreate(ctx: RequestContext, name: string): Promise<TopicEntry | null> {
  try {
    validateTopicName(name);
    await ctx.broker.createTopic(name, { partitions: ctx.options.defaultPartitions });
    return null;
  } catch (err) {
    if (findTopic(ctx, name)) return null; // created concurrently by another client
    return { ...errorFields(err), name, partitions: [] };
  }
}

export const metadata: Handler<T.MetadataRequest, T.MetadataResponse> = async (ctx, req) => {
  const requested = req.topics;
  // v0: an empty list means all topics; v1+: null means all topics.
  const all = requested === null || (ctx.apiVersion === 0 && requested.length === 0);
  const allowAuto =
    (ctx.apiVersion < 4 || req.allowAutoTopicCreation !== false) && ctx.options.autoCreateTopics;
  const topics: TopicEntry[] = [];
  if (all) {
    for (const t of ctx.broker.listTopics({ includeInternal: true }))
      topics.push(topicEntry(ctx, t));
  } else {
    for (const entry of requested) {
      const name = entry.name;
      if (name === null) {
        topics.push({
          errorCode: KafkaError.UNKNOWN_TOPIC_ID.code,
          name: null,
          topicId: entry.topicId,
          partitions: [],
        });
        continue;
      }
      let t = findTopic(ctx, name);
      if (!t && allowAuto) {
        const failure = await autoCreate(ctx, name);
        if (failure) {
          topics.push(failure);
          continue;
        }
        t = findTopic(ctx, name);
      }
      topics.push(
        t
          ? topicEntry(ctx, t)
          : { errorCode: KafkaError.UNKNOWN_TOPIC_OR_PARTITION.code, name, partitions: [] },
      );
    }
  }
  return {
    throttleTimeMs: 0,
    brokers: brokersOf(ctx),
    clusterId: CLUSTER_ID,
    controllerId: NODE_ID,
    topics,
    clusterAuthorizedOperations: -2147483648,
  };
};

export const describeCluster: Handler<T.DescribeClusterRequest, T.DescribeClusterResponse> = (
  ctx,
) => ({
  throttleTimeMs: 0,
  errorCode: 0,
  errorMessage: null,
  endpointType: 1,
  clusterId: CLUSTER_ID,
  controllerId: NODE_ID,
  brokers: [
    {
      brokerId: NODE_ID,
      host: ctx.connection.localHost,
      port: ctx.connection.localPort,
      rack: null,
    },
  ],
  clusterAuthorizedOperations: -2147483648,
});
