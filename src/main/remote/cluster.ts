import type { Admin, Producer, Connection } from '@platformatic/kafka';
import { kafkaLib } from './kafka-lib';
import { LogdockError, type ErrorCode } from '../../common/errors';
import { partitionForKey } from '../kafka/murmur2';
import { decodeFrom } from '../storage/partial-decode';
import type {
  Acks,
  AppendEvent,
  AppendResult,
  Cluster,
  GroupDescription,
  GroupSummary,
  OffsetResetPlanEntry,
  OffsetResetTarget,
  PartitionLag,
  ProduceRecord,
  ReadResult,
  RecordMetadata,
  StoredRecord,
  TopicConfigChanges,
  TopicConfigInput,
  TopicConfigs,
  TopicDescription,
} from '../cluster/cluster';
import type { RemoteClientOptions } from './client-options';
import { RemoteGroups } from './groups';
import { kafkaCall } from './kafka-errors';
import { fetchRaw } from './raw-fetch';
import { initProducerIdRaw, produceRaw, type ProducerIdentity } from './raw-produce';
import { iterateBatches } from '../storage/record-batch';
import {
  autoCreateTopic,
  describeTopics,
  listOffsets,
  toTopicConfigs,
  topicMetadata,
  unknownTopic,
} from './topics';

/** Kafka error codes a Fetch answers when the metadata it was sent by is stale. */
const STALE_LEADER = new Set([
  6 /* NOT_LEADER_OR_FOLLOWER */, 5 /* LEADER_NOT_AVAILABLE */, 74, 75,
]);

/**
 * Kafka error codes of a Produce answer → Logdock's codes. The producer-state errors
 * (OUT_OF_ORDER_SEQUENCE_NUMBER 45, INVALID_PRODUCER_EPOCH 47, UNKNOWN_PRODUCER_ID 59) are
 * INVALID_ARGUMENT: the batch's sequence is not what the broker expects, and sending it again
 * will not help; what is left (NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT, ...) is UNAVAILABLE
 * or TIMEOUT, worth sending again as it is.
 */
const PRODUCE_ERRORS: Record<number, ErrorCode> = {
  2: 'CORRUPT_RECORD',
  3: 'UNKNOWN_TOPIC',
  7: 'TIMEOUT',
  10: 'MESSAGE_TOO_LARGE',
  18: 'MESSAGE_TOO_LARGE',
  29: 'FORBIDDEN',
  45: 'INVALID_ARGUMENT',
  47: 'INVALID_ARGUMENT',
  59: 'INVALID_ARGUMENT',
  87: 'CORRUPT_RECORD',
};

export interface RemoteClusterOptions {
  /** The cluster's name in Logdock, for messages. */
  name: string;
  client: RemoteClientOptions;
  /** Refuse every write with FORBIDDEN (production clusters). */
  readOnly?: boolean;
  /** Deadline of each request (default 15 s). */
  timeoutMs?: number;
  /** How often end offsets are polled while someone listens for appends (default 1 s). */
  pollMs?: number;
}

/**
 * A remote Kafka cluster behind the Cluster interface, through @platformatic/kafka (why that
 * library: docs/clusters.md). Admin requests go through one Admin client; reads are Fetch
 * requests sent to the partition's leader with Logdock's codec so batches stay undecoded
 * (./raw-fetch.ts); produce uses an idempotent producer. A partition whose leader moved is
 * fetched again after fresh metadata. No `local` capability: segments and compaction state
 * live on the brokers.
 */
export class RemoteCluster implements Cluster {
  private readonly admin: Admin;
  private producer: Producer<Buffer, Buffer, Buffer, Buffer> | undefined;
  private readonly groups: RemoteGroups;
  private readonly appendListeners = new Set<(event: AppendEvent) => void>();
  private readonly topicListeners = new Set<() => void>();
  private closed = false;
  private poller: NodeJS.Timeout | undefined;
  /** `topic:partition` → end offset at the last poll. */
  private readonly endOffsetsSeen = new Map<string, number>();

  constructor(private readonly options: RemoteClusterOptions) {
    const timeout = options.timeoutMs ?? 15_000;
    this.admin = new (kafkaLib().Admin)({
      ...options.client,
      timeout,
      requestTimeout: timeout,
      connectTimeout: Math.min(timeout, 10_000),
      retries: 2,
      autocreateTopics: false,
    });
    this.groups = new RemoteGroups(this.admin, options.name, (names) => this.endOffsets(names));
  }

  get name(): string {
    return this.options.name;
  }

  // ---------------------------------------------------------------- topics

  async listTopics(opts?: { includeInternal?: boolean }): Promise<TopicDescription[]> {
    const names = await kafkaCall(`list topics on ${this.name}`, () =>
      this.admin.listTopics({ includeInternals: opts?.includeInternal ?? false }),
    );
    return describeTopics(this.admin, names, this.name);
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    const [topic] = await describeTopics(this.admin, [name], this.name);
    if (!topic) throw unknownTopic(name, this.name);
    return topic;
  }

  /** Cached placement and two ListOffsets at once: one round trip (see the interface). */
  async partitionEnds(
    name: string,
  ): Promise<{ partition: number; logStartOffset: number; logEndOffset: number }[]> {
    // Placement as the client last saw it; where a leader has moved since (the request
    // fails), asked again on fresh metadata.
    const { start, end, counts } = await this.endOffsets([name]).catch((err: unknown) => {
      if (err instanceof LogdockError && err.code === 'UNKNOWN_TOPIC') throw err;
      return this.endOffsets([name], true);
    });
    const count = counts.get(name);
    if (count === undefined) throw unknownTopic(name, this.name);
    return Array.from({ length: count }, (_, partition) => ({
      partition,
      // Offline partitions are not asked (no broker can answer): empty, as describeTopic says.
      logStartOffset: start.get(`${name}:${partition}`) ?? 0,
      logEndOffset: end.get(`${name}:${partition}`) ?? 0,
    }));
  }

  async createTopic(
    name: string,
    opts?: { partitions?: number; configs?: TopicConfigInput },
  ): Promise<TopicDescription> {
    this.assertWritable(`create topic ${name}`);
    const configs = Object.entries(opts?.configs ?? {}).map(([key, value]) => ({
      name: key,
      value: String(value),
    }));
    await kafkaCall(`create topic ${name} on ${this.name}`, () =>
      this.admin.createTopics({
        topics: [name],
        partitions: opts?.partitions ?? -1,
        replicas: -1,
        configs,
      }),
    );
    this.topicsChanged();
    return this.describeTopic(name);
  }

  async deleteTopic(name: string): Promise<void> {
    this.assertWritable(`delete topic ${name}`);
    await kafkaCall(`delete topic ${name} on ${this.name}`, () =>
      this.admin.deleteTopics({ topics: [name] }),
    );
    this.topicsChanged();
  }

  async alterTopicConfigs(
    name: string,
    configs: TopicConfigChanges,
    opts?: { validateOnly?: boolean },
  ): Promise<TopicConfigs> {
    this.assertWritable(`change the configs of topic ${name}`);
    const validateOnly = opts?.validateOnly ?? false;
    const entries = Object.entries(configs);
    await kafkaCall(`change the configs of topic ${name} on ${this.name}`, () =>
      this.admin.incrementalAlterConfigs({
        validateOnly,
        resources: [
          {
            resourceType: 2,
            resourceName: name,
            configs: entries.map(([key, value]) =>
              value === null
                ? { name: key, configOperation: 1 as const /* DELETE */ }
                : { name: key, configOperation: 0 as const /* SET */, value: String(value) },
            ),
          },
        ],
      }),
    );
    const current = (await this.describeTopic(name)).configs;
    if (!validateOnly) {
      this.topicsChanged();
      return current;
    }
    // What the change would give: the set values over the current ones (a reset shows the current).
    const set = entries
      .filter(([, v]) => v !== null)
      .map(([k, v]) => ({ name: k, value: String(v) }));
    return {
      ...current,
      ...toTopicConfigs({ resourceName: name, configs: set }),
      ...pick(current, entries),
    };
  }

  async createPartitions(name: string, totalCount: number): Promise<void> {
    this.assertWritable(`add partitions to topic ${name}`);
    await kafkaCall(`add partitions to topic ${name} on ${this.name}`, () =>
      this.admin.createPartitions({ topics: [{ name, count: totalCount }] }),
    );
    this.topicsChanged();
  }

  // ---------------------------------------------------------------- produce

  async send(records: ProduceRecord[], opts?: { acks?: Acks }): Promise<RecordMetadata[]> {
    this.assertWritable(`produce to ${[...new Set(records.map((r) => r.topic))].join(', ')}`);
    const acks = opts?.acks ?? -1;
    const producer = this.producerFor();
    const placed = await Promise.all(
      records.map(async (r) => ({
        ...r,
        partition: r.partition ?? (await this.partitionFor(r.topic, r.key ?? null)),
      })),
    );
    const produce = () =>
      kafkaCall(`produce to ${this.name}`, () =>
        producer.send({
          acks,
          idempotent: acks === -1,
          messages: placed.map((r) => ({
            topic: r.topic,
            partition: r.partition,
            key: r.key ?? undefined,
            value: r.value ?? undefined,
            timestamp: r.timestamp === undefined ? undefined : BigInt(r.timestamp),
            headers: new Map(
              (r.headers ?? []).map((h) => [Buffer.from(h.key), h.value ?? Buffer.alloc(0)]),
            ),
          })) as never,
        }),
      );
    const result = await produce().catch((err: unknown) => {
      // The client keeps sending to a leader it cannot reach until its metadata ages out
      // (5 s), so a broker that went down fails every send in between even when the cluster
      // has elected another leader. An idempotent send is tried once more on fresh metadata:
      // the client reuses the producer id and sequence numbers of a send that failed, so a
      // batch that did land is not written twice.
      if (!(err instanceof LogdockError && err.code === 'UNAVAILABLE' && acks === -1)) throw err;
      producer.clearMetadata();
      return produce();
    });
    const offsets = result.offsets ?? [];
    // The producer answers the base offset of each partition's batch; records of one
    // partition follow each other in input order.
    const next = new Map(offsets.map((o) => [`${o.topic}:${o.partition}`, Number(o.offset)]));
    const landed = placed.map((r) => {
      const key = `${r.topic}:${r.partition}`;
      const offset = next.get(key) ?? -1;
      if (offset >= 0) next.set(key, offset + 1);
      return { topic: r.topic, partition: r.partition, offset };
    });
    this.appended(offsets, next);
    return landed;
  }

  /**
   * Produces ready-made RecordBatch v2 bytes as they are (the shipping forwarder's
   * idempotent batches, producer fields included), one batch per Produce request as Kafka
   * requires since v3, in order. A leader that moved is found again (3 tries).
   * `encodedHere` is ignored: the remote broker checks every batch it is sent.
   */
  async appendBatches(
    topic: string,
    partition: number,
    batches: Buffer,
    opts?: { acks?: Acks; encodedHere?: boolean },
  ): Promise<AppendResult> {
    this.assertWritable(`produce to ${topic}`);
    let result: AppendResult | undefined;
    for (const { header, position, size } of iterateBatches(batches)) {
      const baseOffset = await this.produceBatch(
        topic,
        partition,
        batches.subarray(position, position + size),
        opts?.acks ?? -1,
      );
      result = {
        baseOffset: result?.baseOffset ?? baseOffset,
        lastOffset: baseOffset + header.lastOffsetDelta,
        logAppendTime: -1,
        recordCount: (result?.recordCount ?? 0) + header.recordCount,
      };
    }
    if (!result)
      throw new LogdockError('INVALID_ARGUMENT', `no record batch to produce to ${topic}`);
    this.appended(
      [{ topic, partition, offset: BigInt(result.baseOffset) }],
      new Map([[`${topic}:${partition}`, result.lastOffset + 1]]),
    );
    return result;
  }

  /** A fresh idempotent producer id and epoch (Kafka's InitProducerId, no transactional id). */
  async initProducerId(): Promise<ProducerIdentity> {
    this.assertWritable('start an idempotent producer');
    const connections = await kafkaCall(`connect to ${this.name}`, () =>
      this.admin.connectToBrokers(),
    );
    const connection = connections.values().next().value;
    if (!connection)
      throw new LogdockError('UNAVAILABLE', `no broker of cluster ${this.name} is reachable`);
    const answer = await kafkaCall(`start an idempotent producer on ${this.name}`, () =>
      initProducerIdRaw(connection),
    );
    if (answer.errorCode !== 0) {
      throw new LogdockError(
        answer.errorCode === 31 ? 'FORBIDDEN' : 'UNAVAILABLE',
        `InitProducerId on cluster ${this.name} failed with Kafka error code ${answer.errorCode}`,
      );
    }
    return { producerId: answer.producerId, producerEpoch: answer.producerEpoch };
  }

  /**
   * Lets the cluster create `topic` as it does for a Kafka producer (see topics.ts's
   * autoCreateTopic); a no-op for a topic that exists. Not part of `Cluster`: the CLI's
   * produce does this, as kafka-console-producer; the UI and shipping create topics explicitly.
   */
  async autoCreateTopic(topic: string): Promise<void> {
    this.assertWritable(`create topic ${topic}`);
    await autoCreateTopic(this.admin, topic, this.name);
  }

  async partitionFor(topic: string, key: Buffer | null): Promise<number> {
    const metadata = await topicMetadata(this.admin, [topic], this.name);
    const count = metadata.topics.get(topic)?.partitionsCount;
    if (!count) throw unknownTopic(topic, this.name);
    return key ? partitionForKey(key, count) : Math.floor(Math.random() * count);
  }

  // ---------------------------------------------------------------- read

  async read(
    topic: string,
    partition: number,
    offset: number,
    maxBytes: number,
    into?: Buffer,
  ): Promise<ReadResult> {
    for (let attempt = 0; ; attempt++) {
      let result: Awaited<ReturnType<typeof fetchRaw>>;
      try {
        const connection = await this.leaderConnection(topic, partition, attempt > 0);
        result = await kafkaCall(
          `read ${topic}-${partition} at offset ${offset} on ${this.name}`,
          () => fetchRaw(connection, topic, partition, offset, Math.max(maxBytes, 1), 0, into),
        );
      } catch (err) {
        // The leader went down or cannot be reached: the cluster may have elected another,
        // which the next try looks up (after a short pause, as elections take a moment).
        if (attempt >= 3 || !(err instanceof LogdockError && err.code === 'UNAVAILABLE')) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
        continue;
      }
      if (STALE_LEADER.has(result.errorCode) && attempt < 3) continue;
      this.throwFetchError(result.errorCode, topic, partition, offset);
      return {
        records: result.records,
        logStartOffset: result.logStartOffset,
        highWatermark: result.highWatermark,
      };
    }
  }

  async readRecords(
    topic: string,
    partition: number,
    offset: number,
    opts?: { maxRecords?: number; maxBytes?: number },
  ): Promise<StoredRecord[]> {
    const { records } = await this.read(topic, partition, offset, opts?.maxBytes ?? 1024 * 1024);
    return decodeFrom(records, offset, opts?.maxRecords ?? 500);
  }

  async offsetForTimestamp(
    topic: string,
    partition: number,
    timestamp: number,
  ): Promise<number | null> {
    const counts = await this.partitionCounts([topic]);
    this.checkPartition(counts, topic, partition);
    const listed = await kafkaCall(
      `find offset by time in ${topic}-${partition} on ${this.name}`,
      () =>
        this.admin.listOffsets({
          topics: [
            {
              name: topic,
              partitions: [{ partitionIndex: partition, timestamp: BigInt(timestamp) }],
            },
          ],
        }),
    );
    const offset = Number(listed[0]?.partitions[0]?.offset ?? -1n);
    return offset < 0 ? null : offset;
  }

  async waitForData(
    topic: string,
    partition: number,
    offset: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!signal?.aborted && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      // A long poll: the leader answers as soon as a byte past `offset` exists.
      const connection = await this.leaderConnection(topic, partition, false);
      const result = await kafkaCall(`wait for ${topic}-${partition} on ${this.name}`, () =>
        fetchRaw(connection, topic, partition, offset, 1, Math.min(left, 5_000)),
      );
      if (result.errorCode === 0 && result.highWatermark > offset) return true;
      if (result.errorCode !== 0 && !STALE_LEADER.has(result.errorCode)) {
        this.throwFetchError(result.errorCode, topic, partition, offset);
      }
    }
    return false;
  }

  async deleteRecords(topic: string, partition: number, beforeOffset: number): Promise<number> {
    this.assertWritable(`delete records of ${topic}-${partition}`);
    const deleted = await kafkaCall(`delete records of ${topic}-${partition} on ${this.name}`, () =>
      this.admin.deleteRecords({
        topics: [{ name: topic, partitions: [{ partition, offset: BigInt(beforeOffset) }] }],
      }),
    );
    return Number(deleted[0]?.partitions[0]?.lowWatermark ?? beforeOffset);
  }

  // ---------------------------------------------------------------- change events

  /**
   * A remote cluster tells no one of appends: while anyone listens, the end offsets of every
   * partition are polled (one ListOffsets per leader, every `pollMs`) and growth is reported,
   * possibly late and several appends in one event. Appends made through this object are
   * reported at once. A poll that fails is skipped; the next one catches up.
   */
  onAppend(listener: (event: AppendEvent) => void): () => void {
    this.appendListeners.add(listener);
    this.startPolling();
    return () => {
      this.appendListeners.delete(listener);
      this.stopPollingIfIdle();
    };
  }

  /** Topic changes made through this object at once; others' at the next poll (see onAppend). */
  onTopicsChanged(listener: () => void): () => void {
    this.topicListeners.add(listener);
    this.startPolling();
    return () => {
      this.topicListeners.delete(listener);
      this.stopPollingIfIdle();
    };
  }

  private startPolling(): void {
    if (this.poller || this.closed) return;
    const poll = async () => {
      try {
        await this.pollOnce();
      } catch {
        // Unreachable for now: the next poll tries again; requests report the failure.
      }
      if (this.poller) this.poller = setTimeout(() => void poll(), this.options.pollMs ?? 1000);
    };
    this.poller = setTimeout(() => void poll(), 0);
  }

  private stopPollingIfIdle(): void {
    if (this.appendListeners.size > 0 || this.topicListeners.size > 0) return;
    clearTimeout(this.poller);
    this.poller = undefined;
    this.endOffsetsSeen.clear();
  }

  private async pollOnce(): Promise<void> {
    const names = await this.admin.listTopics({ includeInternals: false });
    const { end } = await this.endOffsets(names);
    const known = new Set(
      [...this.endOffsetsSeen.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))),
    );
    const changed =
      this.endOffsetsSeen.size > 0 &&
      (names.length !== known.size || names.some((n) => !known.has(n)));
    for (const [key, offset] of end) {
      const before = this.endOffsetsSeen.get(key);
      this.endOffsetsSeen.set(key, offset);
      if (before === undefined || offset <= before) continue;
      const cut = key.lastIndexOf(':');
      const event = {
        topic: key.slice(0, cut),
        partition: Number(key.slice(cut + 1)),
        baseOffset: before,
        lastOffset: offset - 1,
      };
      for (const listener of this.appendListeners) listener(event);
    }
    if (changed) this.topicsChanged();
  }

  // ---------------------------------------------------------------- groups

  listGroups(): Promise<GroupSummary[]> {
    return this.groups.list();
  }
  describeGroup(groupId: string): Promise<GroupDescription> {
    return this.groups.describe(groupId);
  }
  groupLag(groupId: string): Promise<PartitionLag[]> {
    return this.groups.lag(groupId);
  }
  committedOffsets(groupId: string): Promise<Map<string, number>> {
    return this.groups.committed(groupId);
  }
  planOffsetReset(groupId: string, target: OffsetResetTarget): Promise<OffsetResetPlanEntry[]> {
    return this.groups.plan(groupId, target, (topic, partition, ts) =>
      this.offsetForTimestamp(topic, partition, ts),
    );
  }
  async resetGroupOffsets(
    groupId: string,
    target: OffsetResetTarget,
    opts: { dryRun: boolean },
  ): Promise<OffsetResetPlanEntry[]> {
    if (!opts.dryRun) this.assertWritable(`reset the offsets of group ${groupId}`);
    const plan = await this.planOffsetReset(groupId, target);
    if (!opts.dryRun) await this.groups.apply(groupId, plan);
    return plan;
  }
  async deleteGroup(groupId: string): Promise<void> {
    this.assertWritable(`delete group ${groupId}`);
    await this.groups.delete(groupId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.poller);
    this.poller = undefined;
    await Promise.all([
      this.admin.close().catch(() => undefined),
      this.producer?.close().catch(() => undefined),
    ]);
  }

  // ---------------------------------------------------------------- helpers

  private assertWritable(what: string): void {
    if (this.options.readOnly) {
      throw new LogdockError('FORBIDDEN', `cluster ${this.name} is read-only: refused to ${what}`);
    }
    if (this.closed) throw new LogdockError('CLOSED', `cluster ${this.name} is closed`);
  }

  /** Tells onAppend listeners of what send() appended: from each batch's base to its last offset. */
  private appended(
    bases: { topic: string; partition: number; offset: bigint }[],
    next: Map<string, number>,
  ): void {
    for (const { topic, partition, offset } of bases) {
      const lastOffset = (next.get(`${topic}:${partition}`) ?? Number(offset) + 1) - 1;
      const event = { topic, partition, baseOffset: Number(offset), lastOffset };
      for (const listener of this.appendListeners) listener(event);
    }
  }

  private topicsChanged(): void {
    for (const listener of this.topicListeners) listener();
  }

  private producerFor(): Producer<Buffer, Buffer, Buffer, Buffer> {
    this.producer ??= new (kafkaLib().Producer)({
      ...this.options.client,
      clientId: `${this.options.client.clientId}-producer`,
      idempotent: true,
      acks: -1,
      autocreateTopics: false,
      retries: 5,
    });
    return this.producer;
  }

  /** Partition counts of `topics`; absent ones are missing from the map. */
  private async partitionCounts(topics: string[]): Promise<Map<string, number>> {
    const metadata = await topicMetadata(this.admin, topics, this.name);
    return new Map([...metadata.topics].map(([n, t]) => [n, t.partitionsCount]));
  }

  private async endOffsets(
    names: string[],
    refresh = false,
  ): Promise<{
    start: Map<string, number>;
    end: Map<string, number>;
    counts: Map<string, number>;
  }> {
    const metadata = await topicMetadata(this.admin, names, this.name, refresh);
    const present = names.filter((n) => metadata.topics.get(n) !== undefined);
    const [start, end] = await Promise.all([
      listOffsets(this.admin, metadata, present, -2n, this.name),
      listOffsets(this.admin, metadata, present, -1n, this.name),
    ]);
    return {
      start,
      end,
      counts: new Map(present.map((n) => [n, metadata.topics.get(n)!.partitionsCount])),
    };
  }

  private checkPartition(counts: Map<string, number>, topic: string, partition: number): void {
    const count = counts.get(topic);
    if (count === undefined) throw unknownTopic(topic, this.name);
    if (partition < 0 || partition >= count) {
      throw new LogdockError(
        'UNKNOWN_PARTITION',
        `topic ${topic} on cluster ${this.name} has no partition ${partition}`,
      );
    }
  }

  /** A connection to the partition's leader; `refresh` re-reads the metadata first (leader moved). */
  private async leaderConnection(
    topic: string,
    partition: number,
    refresh: boolean,
  ): Promise<Connection> {
    const metadata = await topicMetadata(this.admin, [topic], this.name, refresh);
    const described = metadata.topics.get(topic);
    if (!described) throw unknownTopic(topic, this.name);
    this.checkPartition(new Map([[topic, described.partitionsCount]]), topic, partition);
    const leader = described.partitions[partition].leader;
    if (leader < 0) {
      throw new LogdockError(
        'UNAVAILABLE',
        `${topic}-${partition} on cluster ${this.name} has no leader (offline)`,
      );
    }
    const connections = await kafkaCall(`connect to broker ${leader} of ${this.name}`, () =>
      this.admin.connectToBrokers([leader]),
    );
    const connection = connections.get(leader);
    if (!connection)
      throw new LogdockError(
        'UNAVAILABLE',
        `broker ${leader} of cluster ${this.name} is unreachable`,
      );
    return connection;
  }

  private async produceBatch(
    topic: string,
    partition: number,
    batch: Buffer,
    acks: number,
  ): Promise<number> {
    const timeout = this.options.timeoutMs ?? 15_000;
    for (let attempt = 0; ; attempt++) {
      const connection = await this.leaderConnection(topic, partition, attempt > 0);
      const result = await kafkaCall(`produce to ${topic}-${partition} on ${this.name}`, () =>
        produceRaw(connection, topic, partition, batch, acks, timeout),
      );
      if (STALE_LEADER.has(result.errorCode) && attempt < 3) continue;
      if (result.errorCode === 0) return result.baseOffset;
      const where = `${topic}-${partition} on cluster ${this.name}`;
      const detail = result.errorMessage ? ` (${result.errorMessage})` : '';
      throw new LogdockError(
        PRODUCE_ERRORS[result.errorCode] ?? 'UNAVAILABLE',
        `produce to ${where} failed with Kafka error code ${result.errorCode}${detail}`,
      );
    }
  }

  private throwFetchError(code: number, topic: string, partition: number, offset: number): void {
    if (code === 0) return;
    const where = `${topic}-${partition} at offset ${offset} on cluster ${this.name}`;
    if (code === 1) throw new LogdockError('OFFSET_OUT_OF_RANGE', `offset out of range: ${where}`);
    if (code === 3) throw new LogdockError('UNKNOWN_PARTITION', `no such partition: ${where}`);
    if (code === 2)
      throw new LogdockError('CORRUPT_RECORD', `the broker found a corrupt record: ${where}`);
    if (code === 29) throw new LogdockError('FORBIDDEN', `not authorised to read ${where}`);
    throw new LogdockError('UNAVAILABLE', `Fetch failed with Kafka error code ${code}: ${where}`);
  }
}

/** The current values of the configs a change resets (null), which a dry run leaves as they are. */
function pick(current: TopicConfigs, entries: [string, unknown][]): Partial<TopicConfigs> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries)
    if (value === null) out[key] = current[key as keyof TopicConfigs];
  return out as Partial<TopicConfigs>;
}
