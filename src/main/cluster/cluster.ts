/**
 * The one interface, in Kafka's terms, through which the UI's API handlers, search, browse,
 * replay, export, metrics and the collectors reach a Kafka cluster (issue 12). The embedded
 * broker implements it (`LocalCluster`, ./local.ts); a remote Kafka cluster implements it
 * with a Kafka client. Callers never cast a `Cluster` to a concrete class: what only one kind
 * of cluster offers is an optional capability (`local`) that they test for.
 *
 * Rules every implementation follows:
 * - Every call is asynchronous, even when the embedded broker could answer at once, so a
 *   remote implementation can make a network round trip behind any of them.
 * - Failures are `LogdockError`s (src/common/errors.ts) whose code says what went wrong:
 *   UNKNOWN_TOPIC, UNKNOWN_PARTITION, OFFSET_OUT_OF_RANGE, UNKNOWN_GROUP, GROUP_NOT_EMPTY,
 *   ALREADY_EXISTS, INVALID_TOPIC, INVALID_CONFIG, INVALID_ARGUMENT, MESSAGE_TOO_LARGE,
 *   UNAVAILABLE (cluster unreachable or closed), … A remote implementation maps Kafka error
 *   codes onto these; callers tell failures apart by `code`, never by message text.
 * - Offsets and timestamps are JS numbers (exact up to 2^53).
 * - Every method may be called concurrently with every other.
 */
import type {
  AppendResult,
  CleanupPolicy,
  ReadOptions,
  ReadResult,
  RecordHeader,
  RecordInput,
  SegmentInfo,
  StoredRecord,
  TimestampType,
} from '../storage/api';
import type { StorageHealthState } from '../broker/storage-health';

export type { StorageHealthState };
export type {
  AppendResult,
  CleanupPolicy,
  ReadOptions,
  ReadResult,
  RecordHeader,
  RecordInput,
  SegmentInfo,
  StoredRecord,
  TimestampType,
};

// ------------------------------------------------------------------ topics

/** The topic configs Logdock reads and changes, under Kafka's names and with Kafka's meaning. */
export interface TopicConfigs {
  'retention.ms': number;
  'retention.bytes': number;
  'segment.bytes': number;
  'segment.ms': number;
  'cleanup.policy': CleanupPolicy;
  'delete.retention.ms': number;
  'max.message.bytes': number;
  'message.timestamp.type': TimestampType;
  /** `producer` keeps the client's codec; `uncompressed` or a codec name recompresses on append. */
  'compression.type': 'producer' | 'uncompressed' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
}

/** Config values as given by a person or a client (strings as Kafka's admin API sends them). */
export type TopicConfigInput = Partial<Record<keyof TopicConfigs, string | number>>;

/** Config changes: a value sets the config, `null` returns it to the cluster's default. */
export type TopicConfigChanges = Partial<Record<keyof TopicConfigs, string | number | null>>;

export interface PartitionDescription {
  partition: number;
  logStartOffset: number;
  /** The high watermark: the offset the next record will get, and the end of what is readable. */
  logEndOffset: number;
  /** Bytes the leader's copy takes on disk; -1 when the cluster does not say. */
  sizeBytes: number;
  /** Timestamp of the newest record, or null when empty or unknown. */
  lastTimestamp: number | null;
}

/** A partition with the brokers that hold it (Kafka's Metadata response). */
export interface PartitionInfo extends PartitionDescription {
  /** Node id of the leader, -1 when the partition has none. */
  leader: number;
  /** Node ids of every replica, preferred leader first. */
  replicas: number[];
  /** Node ids of the in-sync replicas. */
  isr: number[];
}

export interface TopicDescription {
  name: string;
  /** Kafka's internal topics (`__consumer_offsets`, `__transaction_state`). */
  internal: boolean;
  /** In partition order, partition i at index i. */
  partitions: PartitionInfo[];
  configs: TopicConfigs;
  /** Records appended per second over the last minute, all partitions together. */
  messageRate: number;
}

// ------------------------------------------------------------------ produce

export interface ProduceRecord extends RecordInput {
  topic: string;
  /** Absent: Kafka's default partitioner places it (murmur2 of the key, sticky when null). */
  partition?: number;
}

/** Kafka's acks: 0 none, 1 the leader's, -1 every in-sync replica's (embedded: fsynced). */
export type Acks = 0 | 1 | -1;

/** Where one produced record landed. */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
}

// ------------------------------------------------------------------ change events

/**
 * Records were appended to a partition. A remote cluster learns of appends by polling the
 * high watermarks, so its events may come late and one event may cover several appends
 * (`baseOffset` the first new offset, `lastOffset` the last).
 */
export interface AppendEvent {
  topic: string;
  partition: number;
  baseOffset: number;
  lastOffset: number;
}

// ------------------------------------------------------------------ groups

/** Which offset a reset moves a group to, as `kafka-consumer-groups --reset-offsets`. */
export type OffsetSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: number }
  | { kind: 'timestamp'; timestamp: number }
  | { kind: 'shift'; by: number };

/** Which partitions a reset covers: one partition, one topic, or (neither) all it committed. */
export interface OffsetResetTarget {
  topic?: string;
  partition?: number;
  spec: OffsetSpec;
}

export interface GroupSummary {
  groupId: string;
  state: 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';
  protocolType: string;
  members: number;
}

export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  assignment: { topic: string; partitions: number[] }[];
}

export interface GroupDescription extends GroupSummary {
  protocol: string;
  generationId: number;
  memberList: GroupMemberDescription[];
}

export interface PartitionLag {
  topic: string;
  partition: number;
  committedOffset: number | null;
  logEndOffset: number;
  lag: number | null;
}

export interface OffsetResetPlanEntry {
  topic: string;
  partition: number;
  oldOffset: number | null;
  newOffset: number;
}

// ------------------------------------------------------------------ capabilities

/**
 * What only a cluster whose log lives in this process has: segment files, retention and
 * compaction run on demand, and the health of its storage. Callers test `cluster.local`
 * before using it.
 */
export interface LocalLogCapability {
  /** The segments of a partition, oldest first. Throws UNKNOWN_TOPIC, UNKNOWN_PARTITION. */
  segments(topic: string, partition: number): Promise<SegmentInfo[]>;
  /**
   * Offsets below this were cleaned by compaction (Kafka's cleaner checkpoint; 0 when no
   * pass ran). Throws UNKNOWN_TOPIC, UNKNOWN_PARTITION.
   */
  cleanerPoint(topic: string, partition: number): Promise<number>;
  /** Runs retention and compaction on every partition now (they also run on an interval). */
  runMaintenance(): Promise<void>;
  /** Corrupt batches met, whether appends are refused for a full disk, the last scrub. */
  storageHealth(): Promise<StorageHealthState>;
  /** Called when `storageHealth()` changes. Returns an unsubscribe function. */
  onStorageHealth(listener: () => void): () => void;
}

// ------------------------------------------------------------------ the interface

export interface Cluster {
  /** Present only on a cluster whose log is local (the embedded broker). */
  readonly local?: LocalLogCapability;

  // ---- topics (Kafka's Metadata, CreateTopics, DeleteTopics, DescribeConfigs,
  //      IncrementalAlterConfigs, CreatePartitions)

  /** Every topic, internal ones only when asked. Order unspecified. */
  listTopics(opts?: { includeInternal?: boolean }): Promise<TopicDescription[]>;
  /** Throws UNKNOWN_TOPIC. */
  describeTopic(name: string): Promise<TopicDescription>;
  /**
   * Only the start and end offsets of every partition, in partition order: what a view needs
   * to place its rows, asked on every window and seek. Offered where it is cheaper than
   * describeTopic (a remote cluster: one round trip instead of two, and two requests instead
   * of five); absent: describeTopic's are used. Throws UNKNOWN_TOPIC.
   */
  partitionEnds?(
    name: string,
  ): Promise<Pick<PartitionDescription, 'partition' | 'logStartOffset' | 'logEndOffset'>[]>;
  /**
   * Creates a topic (default: 1 partition, the cluster's default configs). Throws
   * ALREADY_EXISTS, INVALID_TOPIC, INVALID_CONFIG, INVALID_ARGUMENT (partition count).
   */
  createTopic(
    name: string,
    opts?: { partitions?: number; configs?: TopicConfigInput },
  ): Promise<TopicDescription>;
  /** Deletes a topic and its records. Throws UNKNOWN_TOPIC, INVALID_ARGUMENT (internal topic). */
  deleteTopic(name: string): Promise<void>;
  /**
   * Changes some configs, leaving the others; returns the configs after the change (or what
   * they would be, with `validateOnly`). Throws UNKNOWN_TOPIC, INVALID_CONFIG.
   */
  alterTopicConfigs(
    name: string,
    configs: TopicConfigChanges,
    opts?: { validateOnly?: boolean },
  ): Promise<TopicConfigs>;
  /** Grows a topic to `totalCount` partitions. Throws UNKNOWN_TOPIC, INVALID_ARGUMENT (shrink). */
  createPartitions(name: string, totalCount: number): Promise<void>;

  // ---- produce (Kafka's Produce)

  /**
   * Produces records, placing those without a partition with Kafka's default partitioner.
   * Returns each record's partition and offset, in input order. Throws UNKNOWN_TOPIC (when
   * the cluster does not create topics on produce), UNKNOWN_PARTITION, MESSAGE_TOO_LARGE.
   */
  send(records: ProduceRecord[], opts?: { acks?: Acks }): Promise<RecordMetadata[]>;
  /**
   * Produces RecordBatch v2 bytes as they are (one or more whole batches, offsets relative),
   * the path of clients that encode their own batches. `encodedHere`: the bytes come from
   * Logdock's own encoder in this process (the file, journald and OTLP collectors'), so the embedded log checks
   * only their headers and lengths, not every CRC and record a second time; other clusters
   * ignore it. Throws UNKNOWN_TOPIC, UNKNOWN_PARTITION, CORRUPT_RECORD, MESSAGE_TOO_LARGE.
   */
  appendBatches(
    topic: string,
    partition: number,
    batches: Buffer,
    opts?: { acks?: Acks; encodedHere?: boolean },
  ): Promise<AppendResult>;
  /** The partition Kafka's default partitioner gives `key` (sticky when null). Throws UNKNOWN_TOPIC. */
  partitionFor(topic: string, key: Buffer | null): Promise<number>;

  // ---- read (Kafka's Fetch and ListOffsets)

  /**
   * Whole RecordBatch v2 batches from `offset`, byte for byte as the cluster stores them
   * (the first may start before `offset`; at least one whole batch even over `maxBytes`).
   * `into`: a buffer the caller reuses between reads; the result may be a view of it, valid
   * until the next read into it. `opts.callerChecks`: the caller checks the batches' CRCs
   * itself where the result says `unchecked` (the embedded log; other clusters ignore it).
   * Throws UNKNOWN_TOPIC, UNKNOWN_PARTITION, OFFSET_OUT_OF_RANGE, CORRUPT_RECORD.
   */
  read(
    topic: string,
    partition: number,
    offset: number,
    maxBytes: number,
    into?: Buffer,
    opts?: ReadOptions,
  ): Promise<ReadResult>;
  /** Decoded records from `offset` (default at most 500). Errors as `read`. */
  readRecords(
    topic: string,
    partition: number,
    offset: number,
    opts?: { maxRecords?: number; maxBytes?: number },
  ): Promise<StoredRecord[]>;
  /** First offset whose timestamp is >= `timestamp`, or null when none. Throws UNKNOWN_TOPIC, UNKNOWN_PARTITION. */
  offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number | null>;
  /**
   * Resolves true once the partition's log end offset exceeds `offset` (at once if it already
   * does), false after `timeoutMs`, on abort, when the topic is deleted or the cluster closes
   * (Kafka's Fetch max.wait.ms). Throws UNKNOWN_TOPIC, UNKNOWN_PARTITION.
   */
  waitForData(
    topic: string,
    partition: number,
    offset: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean>;
  /** Moves the log start offset up to `beforeOffset` (Kafka's DeleteRecords); returns the new start. */
  deleteRecords(topic: string, partition: number, beforeOffset: number): Promise<number>;

  // ---- change events

  /** Called after records are appended to any partition. Returns an unsubscribe function. */
  onAppend(listener: (event: AppendEvent) => void): () => void;
  /** Called after a topic is created, deleted, reconfigured or grown. Returns an unsubscribe function. */
  onTopicsChanged(listener: () => void): () => void;

  // ---- consumer groups (Kafka's ListGroups, DescribeGroups, OffsetFetch, DeleteGroups,
  //      OffsetCommit for resets)

  listGroups(): Promise<GroupSummary[]>;
  /** Throws UNKNOWN_GROUP. */
  describeGroup(groupId: string): Promise<GroupDescription>;
  /**
   * For every partition the group committed or is assigned: log end offset minus committed
   * offset (null when nothing is committed). Throws UNKNOWN_GROUP.
   */
  groupLag(groupId: string): Promise<PartitionLag[]>;
  /** Committed offsets, keyed `${topic}:${partition}`. */
  committedOffsets(groupId: string): Promise<Map<string, number>>;
  /**
   * The offsets a reset would set, computed as `kafka-consumer-groups --reset-offsets`
   * does, for any group (even one with active members); nothing is written. Throws
   * UNKNOWN_TOPIC, UNKNOWN_PARTITION, INVALID_ARGUMENT.
   */
  planOffsetReset(groupId: string, target: OffsetResetTarget): Promise<OffsetResetPlanEntry[]>;
  /**
   * Plans (`dryRun`) or applies a reset of a group's offsets; applying needs a group without
   * active members. Throws GROUP_NOT_EMPTY and what `planOffsetReset` throws.
   */
  resetGroupOffsets(
    groupId: string,
    target: OffsetResetTarget,
    opts: { dryRun: boolean },
  ): Promise<OffsetResetPlanEntry[]>;
  /** Throws UNKNOWN_GROUP, GROUP_NOT_EMPTY. */
  deleteGroup(groupId: string): Promise<void>;

  /**
   * Releases what the cluster holds (for the embedded broker: flushes and closes every
   * partition). Called once by whoever opened it; idempotent.
   */
  close(): Promise<void>;
}
