/**
 * Public surface of the broker (issue 4), fixed early so that the Kafka protocol server,
 * the collectors and the UI's API handlers can be written against it while it is built.
 * The implementation (`Broker` in ./broker.ts) implements `BrokerApi`. Everything here is
 * in Kafka's terms: topics, partitions, offsets, groups.
 */
import type {
  AppendResult,
  LogConfig,
  ReadResult,
  RecordInput,
  SegmentInfo,
  StoredRecord,
} from '../storage/api';

export interface TopicConfigs {
  'retention.ms': number;
  'retention.bytes': number;
  'segment.bytes': number;
  'segment.ms': number;
  'cleanup.policy': LogConfig['cleanupPolicy'];
  'delete.retention.ms': number;
  'max.message.bytes': number;
  'message.timestamp.type': LogConfig['messageTimestampType'];
}

export interface PartitionDescription {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  sizeBytes: number;
  /** Timestamp of the newest record, or null when empty. */
  lastTimestamp: number | null;
}

export interface TopicDescription {
  name: string;
  internal: boolean;
  partitions: PartitionDescription[];
  configs: TopicConfigs;
  /** Records appended per second over the last minute, all partitions together. */
  messageRate: number;
}

export interface ProduceRecord extends RecordInput {
  topic: string;
  partition?: number;
}

export type Acks = 0 | 1 | -1; // -1: acknowledged once fsynced

export interface AppendEvent {
  topic: string;
  partition: number;
  baseOffset: number;
  lastOffset: number;
}

export type OffsetSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: number }
  | { kind: 'timestamp'; timestamp: number }
  | { kind: 'shift'; by: number };

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
