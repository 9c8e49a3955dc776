import type { Admin, ClusterMetadata } from '@platformatic/kafka';
import { LogdockError } from '../../common/errors';
import { isTopicConfigKey, parseTopicConfigValue } from '../kafka/topic-configs';
import type { PartitionInfo, TopicConfigs, TopicDescription } from '../cluster/cluster';
import { kafkaCall, toLogdockError } from './kafka-errors';
import { partitionSizes } from './log-dirs';

/** Kafka's broker defaults, for a config a cluster does not report. */
const KAFKA_DEFAULTS: TopicConfigs = {
  'retention.ms': 7 * 24 * 60 * 60 * 1000,
  'retention.bytes': -1,
  'segment.bytes': 1024 * 1024 * 1024,
  'segment.ms': 7 * 24 * 60 * 60 * 1000,
  'cleanup.policy': 'delete',
  'delete.retention.ms': 24 * 60 * 60 * 1000,
  'max.message.bytes': 1048588,
  'message.timestamp.type': 'CreateTime',
  'compression.type': 'producer',
};

/** ListOffsets' special timestamps. */
export const LATEST = -1n;
export const EARLIEST = -2n;

/**
 * Describes topics of a remote cluster in the Cluster interface's terms: placement from
 * Metadata (leader, replicas, ISR), start and end offsets from ListOffsets, configs from
 * DescribeConfigs, each partition's newest timestamp from ListOffsets MAX_TIMESTAMP (KIP-734,
 * Kafka 3.0+; null where the broker does not answer it). The size on disk of each partition
 * from DescribeLogDirs (-1 where the cluster does not say). Five requests (DescribeLogDirs to
 * each broker) for any number of topics. How fast a topic grows (`messageRate` 0 here) the
 * API takes from the offsets sampled over time.
 */
export async function describeTopics(
  admin: Admin,
  names: string[],
  cluster: string,
): Promise<TopicDescription[]> {
  if (names.length === 0) return [];
  let present = names.length === 1 ? names : await existing(admin, names, cluster);
  if (present.length === 0) return [];
  const metadata = await topicMetadata(admin, present, cluster, true).catch((err: unknown) => {
    if (err instanceof LogdockError && err.code === 'UNKNOWN_TOPIC') return null;
    throw err;
  });
  if (!metadata) return [];
  // The client keeps no metadata of internal topics (__consumer_offsets): they are left out
  // rather than described without partitions.
  present = present.filter((n) => metadata.topics.get(n) !== undefined);
  const [start, end, configs, newest, sizes] = await Promise.all([
    listOffsets(admin, metadata, present, EARLIEST, cluster),
    listOffsets(admin, metadata, present, LATEST, cluster),
    describeConfigs(admin, present, cluster),
    newestTimestamps(admin, metadata, present, cluster),
    partitionSizes(admin, metadata, present),
  ]);
  return present.map((name) => {
    const topic = metadata.topics.get(name)!;
    const partitions: PartitionInfo[] = topic.partitions.map((p, partition) => ({
      partition,
      logStartOffset: start.get(`${name}:${partition}`) ?? 0,
      logEndOffset: end.get(`${name}:${partition}`) ?? 0,
      sizeBytes: sizes.get(`${name}:${partition}`) ?? -1,
      lastTimestamp: newest.get(`${name}:${partition}`) ?? null,
      leader: p.leader,
      replicas: p.replicas,
      isr: p.isr,
    }));
    return {
      name,
      internal: name.startsWith('__'),
      partitions,
      configs: configs.get(name) ?? KAFKA_DEFAULTS,
      messageRate: 0,
    };
  });
}

/**
 * Metadata of `names`, fresh when `refresh`. The client fails the whole request with a user
 * error when one of them does not exist; that case is told apart by listing the topics.
 * @throws LogdockError UNKNOWN_TOPIC naming the first missing topic.
 */
export async function topicMetadata(
  admin: Admin,
  names: string[],
  cluster: string,
  refresh = false,
): Promise<ClusterMetadata> {
  try {
    return await admin.metadata({ topics: names, forceUpdate: refresh, autocreateTopics: false });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'PLT_KFK_USER') {
      const present = new Set(await existing(admin, names, cluster));
      const missing = names.find((n) => !present.has(n));
      if (missing !== undefined) throw unknownTopic(missing, cluster);
    }
    throw toLogdockError(err, `look up topics ${names.join(', ')} on ${cluster}`);
  }
}

/**
 * Asks for `topic`'s metadata as a Kafka producer does, with allowAutoTopicCreation: a broker
 * with auto.create.topics.enable (Kafka's default, and Logdock's listener's autoCreateTopics)
 * creates the topic then, with its default partitions, as for kafka-console-producer. A
 * broker that does not is named in the error, at once (Kafka's producer waits max.block.ms,
 * 60 s, then says the topic is "not present in metadata").
 * @throws LogdockError UNKNOWN_TOPIC naming the topic and the cluster; INVALID_TOPIC.
 */
export async function autoCreateTopic(admin: Admin, topic: string, cluster: string): Promise<void> {
  try {
    await admin.metadata({ topics: [topic], forceUpdate: true, autocreateTopics: true });
  } catch (err) {
    if (
      (err as { code?: unknown }).code === 'PLT_KFK_USER' &&
      (await existing(admin, [topic], cluster)).length === 0
    ) {
      throw new LogdockError(
        'UNKNOWN_TOPIC',
        `topic ${topic} does not exist on cluster ${cluster}, which did not create it ` +
          `(auto.create.topics.enable=false?): create it first, e.g. logdock topics --create ` +
          `--topic ${topic} --bootstrap-server ${cluster}`,
      );
    }
    throw toLogdockError(err, `look up topic ${topic} on ${cluster}`);
  }
}

/** The names of `names` that exist on the cluster. */
async function existing(admin: Admin, names: string[], cluster: string): Promise<string[]> {
  const all = new Set(
    await kafkaCall(`list topics on ${cluster}`, () =>
      admin.listTopics({ includeInternals: true }),
    ),
  );
  return names.filter((n) => all.has(n));
}

/** What offsets are asked from: each topic's partitions with their leaders, and the brokers known. */
type PartitionMetadata = {
  topics: Map<string, { partitionsCount: number; partitions: { leader: number }[] }>;
  brokers: Map<number, unknown>;
};

/**
 * Offsets of every partition of `names` at `timestamp` (LATEST, EARLIEST or a time), keyed
 * `topic:partition`. Partitions without a leader (offline) are not asked about (nobody can
 * answer for them; the client would fail the whole request) and are absent from the result.
 */
export async function listOffsets(
  admin: Admin,
  metadata: PartitionMetadata,
  names: string[],
  timestamp: bigint,
  cluster: string,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [key, p] of await listedOffsets(admin, metadata, names, timestamp, cluster))
    out.set(key, Number(p.offset));
  return out;
}

/** ListOffsets' MAX_TIMESTAMP: the offset and timestamp of the newest record (KIP-734). */
const MAX_TIMESTAMP = -3n;

/**
 * The newest record's timestamp of every partition with a leader, keyed `topic:partition`;
 * empty when the broker refuses the query (older than Kafka 3.0): not available then.
 */
async function newestTimestamps(
  admin: Admin,
  metadata: PartitionMetadata,
  names: string[],
  cluster: string,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  try {
    for (const [key, p] of await listedOffsets(admin, metadata, names, MAX_TIMESTAMP, cluster))
      if (p.offset >= 0n && p.timestamp >= 0n) out.set(key, Number(p.timestamp));
  } catch {
    // Not available from this broker: the timestamps stay unknown.
  }
  return out;
}

/**
 * ListOffsets of the partitions of `names` whose leader is a broker the metadata lists, keyed
 * `topic:partition`. A leader missing from the broker list (one just went down or joined)
 * counts as none: @platformatic/kafka 1.35 would fail the whole request with a TypeError.
 */
async function listedOffsets(
  admin: Admin,
  metadata: PartitionMetadata,
  names: string[],
  timestamp: bigint,
  cluster: string,
): Promise<Map<string, { offset: bigint; timestamp: bigint }>> {
  const out = new Map<string, { offset: bigint; timestamp: bigint }>();
  if (names.length === 0) return out;
  const listed = await kafkaCall(`list offsets on ${cluster}`, () =>
    admin.listOffsets({
      topics: names.map((name) => ({
        name,
        partitions: Array.from(
          { length: metadata.topics.get(name)!.partitionsCount },
          (_, partitionIndex) => ({
            partitionIndex,
            timestamp,
          }),
        ).filter((p) =>
          metadata.brokers.has(
            metadata.topics.get(name)!.partitions[p.partitionIndex]?.leader ?? -1,
          ),
        ),
      })),
    }),
  );
  for (const t of listed) for (const p of t.partitions) out.set(`${t.name}:${p.partitionIndex}`, p);
  return out;
}

async function describeConfigs(
  admin: Admin,
  names: string[],
  cluster: string,
): Promise<Map<string, TopicConfigs>> {
  const out = new Map<string, TopicConfigs>();
  if (names.length === 0) return out;
  const described = await kafkaCall(`describe topic configs on ${cluster}`, () =>
    admin.describeConfigs({
      resources: names.map((resourceName) => ({
        resourceType: 2,
        resourceName,
        configurationKeys: [],
      })),
    }),
  ).catch((err: unknown) => {
    // A cluster without DescribeConfigs (librdkafka's mock cluster, some proxies) still has
    // topics to show: they are described with Kafka's defaults, as a config not reported is.
    if (err instanceof LogdockError && err.code === 'UNSUPPORTED') return [];
    throw err;
  });
  for (const resource of described) out.set(resource.resourceName, toTopicConfigs(resource));
  return out;
}

/** The configs Logdock knows, from what the cluster reported; unknown or odd values keep Kafka's default. */
export function toTopicConfigs(resource: {
  resourceName: string;
  configs: { name: string; value?: string | null }[];
}): TopicConfigs {
  const configs: TopicConfigs = { ...KAFKA_DEFAULTS };
  for (const { name, value } of resource.configs) {
    if (!isTopicConfigKey(name) || value === null || value === undefined) continue;
    try {
      (configs as unknown as Record<string, unknown>)[name] = parseTopicConfigValue(
        name,
        value,
        resource.resourceName,
      );
    } catch {
      // A value Logdock does not model (e.g. a broker-specific policy) keeps the default shown.
    }
  }
  return configs;
}

/** Throws UNKNOWN_TOPIC naming the cluster. */
export function unknownTopic(topic: string, cluster: string): LogdockError {
  return new LogdockError('UNKNOWN_TOPIC', `topic ${topic} does not exist on cluster ${cluster}`);
}
