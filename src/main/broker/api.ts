/**
 * Public surface of the embedded broker (issue 4): what the Kafka protocol server, the CLI
 * and `LocalCluster` (src/main/cluster/local.ts) use. Everything else in the app reaches the
 * broker only through the `Cluster` interface. The implementation (`Broker` in ./broker.ts)
 * implements `BrokerApi`; everything here is in Kafka's terms.
 */
import type { AppendResult, ReadResult, SegmentInfo, StoredRecord } from '../storage/api';
import type {
  Acks,
  AppendEvent,
  TopicDescription as ClusterTopicDescription,
  GroupDescription,
  GroupSummary,
  OffsetResetPlanEntry,
  OffsetSpec,
  PartitionDescription,
  PartitionLag,
  ProduceRecord,
  TopicConfigs,
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

/** What the broker offers; see ./broker.ts for semantics, errors and concurrency notes. */
export interface BrokerApi {
  readonly dataDir: string;

  // Topics
  createTopic(
    name: string,
    opts?: { partitions?: number; configs?: Partial<Record<keyof TopicConfigs, string | number>> },
  ): Promise<TopicDescription>;
  deleteTopic(name: string): Promise<void>;
  listTopics(opts?: { includeInternal?: boolean }): TopicDescription[];
  describeTopic(name: string): TopicDescription;
  /**
   * The topic's id (a random UUID kept in topics.json, new for every creation, so a topic
   * deleted and created again is told apart by clients that cache ids), or null when the
   * topic does not exist. Cheap: no partition is looked at.
   */
  topicId(name: string): string | null;
  alterTopicConfigs(
    name: string,
    configs: Partial<Record<keyof TopicConfigs, string | number | null>>,
    opts?: { validateOnly?: boolean },
  ): Promise<TopicConfigs>;
  createPartitions(name: string, totalCount: number): Promise<void>;
  segments(topic: string, partition: number): SegmentInfo[];

  // Produce: records (batched by the broker's producer) or raw client batches (protocol)
  send(
    records: ProduceRecord[],
    opts?: { acks?: Acks },
  ): Promise<{ topic: string; partition: number; offset: number }[]>;
  appendBatches(
    topic: string,
    partition: number,
    batches: Buffer,
    opts?: { acks?: Acks },
  ): Promise<AppendResult>;
  partitionFor(topic: string, key: Buffer | null): number;

  // Read
  /**
   * Whole batches from `offset`, as stored. `into`: a buffer the caller reuses between
   * reads; the result may be a view of it (see PartitionLog.read).
   */
  read(
    topic: string,
    partition: number,
    offset: number,
    maxBytes: number,
    into?: Buffer,
  ): Promise<ReadResult>;
  readRecords(
    topic: string,
    partition: number,
    offset: number,
    opts?: { maxRecords?: number; maxBytes?: number },
  ): Promise<StoredRecord[]>;
  offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number | null>;
  /** Resolves when the partition's log end offset exceeds `offset`, or after `timeoutMs`, or on abort. */
  waitForData(
    topic: string,
    partition: number,
    offset: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean>;
  deleteRecords(topic: string, partition: number, beforeOffset: number): Promise<number>;
  onAppend(listener: (event: AppendEvent) => void): () => void;
  onTopicsChanged(listener: () => void): () => void;

  // Groups (the coordinator itself is `broker.groups`, shared with the protocol server)
  listGroups(): GroupSummary[];
  describeGroup(groupId: string): GroupDescription;
  groupLag(groupId: string): PartitionLag[];
  committedOffsets(groupId: string): Map<string, number>; // key `${topic}:${partition}`
  resetGroupOffsets(
    groupId: string,
    target: { topic?: string; partition?: number; spec: OffsetSpec },
    opts: { dryRun: boolean },
  ): Promise<OffsetResetPlanEntry[]>;
  deleteGroup(groupId: string): Promise<void>;

  /** Flushes and closes every partition (writing clean-shutdown markers). */
  close(): Promise<void>;
}
