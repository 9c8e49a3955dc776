/**
 * Public surface of the embedded broker (issue 4): what the Kafka protocol server, the CLI
 * and `LocalCluster` (src/main/cluster/local.ts) use. Everything else in the app reaches the
 * broker only through the `Cluster` interface. The implementation (`Broker` in ./broker.ts)
 * implements `BrokerApi`; everything here is in Kafka's terms.
 */
import type { SegmentInfo } from '../storage/api';
import type {
  Acks,
  AppendResult,
  Cluster,
  TopicDescription as ClusterTopicDescription,
  GroupDescription,
  GroupSummary,
  PartitionDescription,
  PartitionLag,
  TopicConfigInput,
} from '../cluster/cluster';

// The types in Kafka's terms are the cluster interface's (src/main/cluster/cluster.ts); the
// broker is the embedded cluster, offered to the rest of the app by `LocalCluster`.
export type {
  Acks,
  AppendEvent,
  GroupDescription,
  GroupMemberDescription,
  GroupSummary,
  OffsetResetPlanEntry,
  OffsetSpec,
  PartitionDescription,
  PartitionLag,
  ProduceRecord,
  TopicConfigs,
} from '../cluster/cluster';

/** A topic as the broker describes it: the cluster's description without replica placement. */
export interface TopicDescription extends Omit<ClusterTopicDescription, 'partitions'> {
  partitions: PartitionDescription[];
}

/**
 * The cluster operations the broker offers exactly as `Cluster` declares them (see
 * src/main/cluster/cluster.ts for their contracts); the rest of BrokerApi answers
 * synchronously, from memory.
 */
type SameAsCluster =
  | 'deleteTopic'
  | 'alterTopicConfigs'
  | 'createPartitions'
  | 'send'
  | 'read'
  | 'readRecords'
  | 'offsetForTimestamp'
  | 'waitForData'
  | 'deleteRecords'
  | 'onAppend'
  | 'onTopicsChanged'
  | 'resetGroupOffsets'
  | 'deleteGroup'
  | 'close';

/** What the broker offers; see ./broker.ts for semantics, errors and concurrency notes. */
export interface BrokerApi extends Pick<Cluster, SameAsCluster> {
  readonly dataDir: string;

  createTopic(
    name: string,
    opts?: { partitions?: number; configs?: TopicConfigInput },
  ): Promise<TopicDescription>;
  listTopics(opts?: { includeInternal?: boolean }): TopicDescription[];
  /**
   * Cluster.appendBatches; `checkOffThread` (the Kafka listener's Produce) checks a large
   * append's CRC and records on the ingest worker thread (validate-off-thread.ts).
   */
  appendBatches(
    topic: string,
    partition: number,
    batches: Buffer,
    opts?: { acks?: Acks; checkOffThread?: boolean; encodedHere?: boolean },
  ): Promise<AppendResult>;
  describeTopic(name: string): TopicDescription;
  /**
   * The topic's id (a random UUID kept in topics.json, new for every creation, so a topic
   * deleted and created again is told apart by clients that cache ids), or null when the
   * topic does not exist. Cheap: no partition is looked at.
   */
  topicId(name: string): string | null;
  segments(topic: string, partition: number): SegmentInfo[];
  /**
   * Resolves once background recovery (after a crash) is done for a partition, a topic or
   * all; until then a recovering partition's logEndOffset is a lower bound. Never rejects.
   */
  whenRecovered(topic?: string, partition?: number): Promise<void>;
  /**
   * Resolves once the partitions found on disk at startup, which load in the background,
   * are loaded (a partition, a topic or all); until then their offsets and sizes read 0.
   * Never rejects.
   */
  whenLoaded(topic?: string, partition?: number): Promise<void>;
  /** Kafka's default partition for a key (sticky for null keys). */
  partitionFor(topic: string, key: Buffer | null): number;

  // Groups (the coordinator itself is `broker.groups`, shared with the protocol server)
  listGroups(): GroupSummary[];
  describeGroup(groupId: string): GroupDescription;
  groupLag(groupId: string): PartitionLag[];
  committedOffsets(groupId: string): Map<string, number>; // key `${topic}:${partition}`
}
