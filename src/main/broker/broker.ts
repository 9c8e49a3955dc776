import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isNoSpace, LogdockError } from '../../common/errors';
import { createLogger, type Logger } from '../logger';
import {
  defaultLogConfig,
  LogMaintenance,
  PartitionLog,
  Scrubber,
  OpenFiles,
  locateOwnBatches,
  type AppendCheck,
  type AppendResult,
  type LogConfig,
  type ReadOptions,
  type ReadResult,
  type SegmentInfo,
  type StoredRecord,
} from '../storage';
import type {
  Acks,
  AppendEvent,
  BrokerApi,
  GroupDescription,
  GroupSummary,
  OffsetResetPlanEntry,
  OffsetSpec,
  PartitionLag,
  ProduceRecord,
  TopicConfigs,
  TopicDescription,
} from './api';
import { GroupCoordinator } from './coordinator';
import { lockDataDir } from './data-dir-lock';
import { committedPositions, computeLag, planOffsetReset } from './group-admin';
import { partitionForKey } from '../kafka/murmur2';
import { offsetsPartitionFor } from './offsets-codec';
import { DefaultPartitioner } from './partitioner';
import { codecOf, recompressBatches } from './recompress';
import { closeLogs, settleAll, TopicAdmin, type Topic, type TopicAdminDeps } from './topic-admin';
import { StorageHealth, type StorageHealthState } from './storage-health';
import { applyTopicConfigs } from '../kafka/topic-configs';
import { logConfigFromTopicConfigs, topicConfigsFromLogConfig } from './topic-configs';
import { discoverTopics, readTopicMetadata, removeOrphans } from './topic-metadata';
import { isInternalTopic, refuseInternalAppend, validateTopicName } from './topic-names';
import { Consumer, type ConsumerOptions } from './consumer';
import { Producer, type ProducerOptions } from './producer';
import { validateClientBatchesOffThread } from './validate-off-thread';
import { offThreadCompaction } from './compact-off-thread';
import { offThreadReadCheck } from './read-check-off-thread';

/** The check of batches a collector of this process encoded (Cluster.appendBatches `encodedHere`). */
const locateOwnBatchesAsync: AppendCheck = (batches, config, name) =>
  Promise.resolve().then(() => locateOwnBatches(batches, config, name));

export const OFFSETS_TOPIC = '__consumer_offsets';
/** Topics opened at once on start (each opens its partitions several at a time). */
const TOPICS_OPENED_AT_ONCE = 8;

export interface BrokerOptions {
  dataDir: string;
  clock?: () => number;
  /** Kafka's auto.create.topics.enable: producing to an unknown topic creates it. Default true. */
  autoCreateTopics?: boolean;
  /** Partitions of an auto-created topic (Kafka's num.partitions). Default 1. */
  defaultPartitions?: number;
  defaultTopicConfigs?: Partial<TopicConfigs>;
  /** How often retention and compaction run (Kafka's log.retention.check.interval.ms). */
  retentionCheckIntervalMs?: number;
  /** Partitions of `__consumer_offsets` when it is first created. Default 1. */
  offsetsTopicPartitions?: number;
  /** Group coordinator tuning (see CoordinatorOptions). */
  initialRebalanceDelayMs?: number;
  minSessionTimeoutMs?: number;
  logger?: Logger;
  /**
   * The background scrub of sealed segments (see storage/scrub.ts): its rate, pause between
   * passes and delay before the first; false turns it off.
   */
  scrub?: { bytesPerSecond?: number; intervalMs?: number; startDelayMs?: number } | false;
  /**
   * Segment files kept open at most, over every partition (least recently used idle ones
   * are closed; storage/open-files.ts). Default 512.
   */
  maxOpenSegmentFiles?: number;
  /** Test seam: awaited before each partition's background recovery scan. */
  recoveryGate?: (name: string) => Promise<void>;
  /**
   * Check every read's batches on the calling thread, large reads too (storage/read-check.ts):
   * the reference `npm run bench read-check` measures the worker thread's check against.
   * Default false.
   */
  inlineReadChecks?: boolean;
  /**
   * Load the partitions found on disk in the background (PartitionLog's loadInBackground):
   * open() returns once the catalogue is read and `__consumer_offsets` loaded, and the rest
   * load after, at most 16 at once, each at once when first needed; `whenLoaded` tells when
   * done, `storageHealth().loading` shows the progress, and until then their offsets and
   * sizes read 0 (the synchronous describeTopic, listTopics, segments). For long-running
   * servers (serve, the app), whose callers go through LocalCluster and the Kafka
   * listener, which wait where they must. Default false: open() returns every partition
   * loaded.
   */
  loadInBackground?: boolean;
  /** Test seam: a pause before each background load, unless the partition is needed. */
  loadDelayMs?: number;
  /** Test seam: called at each step of a topic change (see topic-admin.ts). */
  adminStep?: TopicAdminDeps['step'];
}

function fail(code: LogdockError['code'], message: string): never {
  throw new LogdockError(code, message);
}

/**
 * The embedded Kafka-like broker: topics of partition logs in one data directory, a
 * producer path (records batched per partition, or raw client batches), reads and long-poll
 * waits, the group coordinator (`groups`) with its offsets in `__consumer_offsets`, and the
 * administration the UI, CLI and Kafka protocol server need. One process at a time may
 * open a data directory (`.lock`).
 *
 * Concurrency: every method may be called concurrently. Topic changes (create, delete,
 * alter, add partitions) are serialised among themselves; appends and reads go straight to
 * the partition logs, which serialise appends per partition.
 */
export class Broker implements BrokerApi {
  readonly groups: GroupCoordinator;
  private readonly topics = new Map<string, Topic>();
  private readonly appendListeners = new Set<(e: AppendEvent) => void>();
  private readonly topicListeners = new Set<() => void>();
  private readonly closeHooks = new Set<() => Promise<void>>();
  /** Pending waitForData calls, ended early when their topic is deleted or the broker closes. */
  private readonly waiters = new Set<{ topic: string; end: () => void }>();
  private readonly partitioner = new DefaultPartitioner();
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly baseLogConfig: LogConfig;
  private readonly defaults: TopicConfigs;
  private maintenance: LogMaintenance | null = null;
  private scrubber: Scrubber | null = null;
  private readonly openFiles: OpenFiles;
  /** Corrupt batches met and whether the disk is full (logged, and shown in the UI). */
  readonly health: StorageHealth;
  /** Topic changes (create, delete, alter, add partitions): see topic-admin.ts. */
  private readonly admin: TopicAdmin;
  private closing: Promise<void> | null = null;
  /** While load() opens the partitions found on disk: they load in the background. */
  private startingUp = false;
  private releaseLock: () => Promise<void> = async () => {};

  private constructor(private readonly opts: BrokerOptions) {
    this.clock = opts.clock ?? Date.now;
    this.logger = opts.logger ?? createLogger({ scope: 'broker' });
    this.health = new StorageHealth(this.logger, this.clock, opts.dataDir);
    this.openFiles = new OpenFiles(opts.maxOpenSegmentFiles);
    this.baseLogConfig = defaultLogConfig();
    this.defaults = applyTopicConfigs(
      '(defaults)',
      topicConfigsFromLogConfig(this.baseLogConfig),
      opts.defaultTopicConfigs ?? {},
      topicConfigsFromLogConfig(this.baseLogConfig),
    );
    this.admin = new TopicAdmin({
      dataDir: opts.dataDir,
      topics: this.topics,
      clock: this.clock,
      defaults: this.defaults,
      baseLogConfig: this.baseLogConfig,
      logger: this.logger,
      openPartition: (topic, partition) => this.openPartition(topic, partition),
      checkOpen: () => this.checkOpen(),
      onDeleted: async (name) => {
        for (const w of [...this.waiters]) if (w.topic === name) w.end();
        await this.groups.deleteTopicOffsets(name);
      },
      step: opts.adminStep,
    });
    this.groups = new GroupCoordinator({
      clock: this.clock,
      persist: (groupId, records) => this.persistOffsets(groupId, records),
      partitionCount: (topic) => this.topics.get(topic)?.logs.length ?? null,
      initialRebalanceDelayMs: opts.initialRebalanceDelayMs,
      minSessionTimeoutMs: opts.minSessionTimeoutMs,
    });
  }

  get dataDir(): string {
    return this.opts.dataDir;
  }

  /**
   * Locks the data directory, loads the topic catalogue and every partition (recovering
   * logs after a crash), creates `__consumer_offsets` if needed and replays it into the
   * group coordinator, then starts background retention. Throws UNAVAILABLE when another
   * process holds the directory, CORRUPT_FILE for an unreadable catalogue, IO_ERROR.
   */
  static async open(opts: BrokerOptions): Promise<Broker> {
    await mkdir(opts.dataDir, { recursive: true }).catch((err: Error) =>
      fail('IO_ERROR', `cannot create data directory ${opts.dataDir}: ${err.message}`),
    );
    const broker = new Broker(opts);
    broker.releaseLock = await lockDataDir(opts.dataDir);
    try {
      await broker.load();
    } catch (err) {
      await broker.close().catch(() => {});
      throw err;
    }
    return broker;
  }

  private async load(): Promise<void> {
    await this.health.checkSpace();
    const catalogue = await readTopicMetadata(this.dataDir);
    const metas = catalogue ?? (await discoverTopics(this.dataDir, this.clock(), this.logger));
    // The partitions found on disk load in the background (PartitionLog's
    // loadInBackground): a dozen small reads each, seconds for thousands, which the
    // listeners need not wait for. What needs a partition first loads it first.
    this.startingUp = this.opts.loadInBackground === true;
    const opened = await settleAll(metas, TOPICS_OPENED_AT_ONCE, (meta) =>
      this.admin.openLogs(meta),
    ).finally(() => (this.startingUp = false));
    const failed = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      for (const r of opened) if (r.status === 'fulfilled') await closeLogs(r.value.logs);
      throw failed.reason;
    }
    for (const r of opened) {
      const topic = (r as PromiseFulfilledResult<Topic>).value;
      this.topics.set(topic.meta.name, topic);
    }
    if (catalogue) {
      const counts = new Map([...this.topics].map(([name, t]) => [name, t.logs.length]));
      await removeOrphans(this.dataDir, counts, this.logger);
    }
    if (!this.topics.has(OFFSETS_TOPIC)) {
      await this.admin.create(OFFSETS_TOPIC, this.opts.offsetsTopicPartitions ?? 1, {
        'cleanup.policy': 'compact',
        'segment.bytes': 100 * 1024 * 1024,
      });
    } else if (!catalogue) {
      await this.admin.commit('discovered topics', metas);
    }
    await this.loadOffsets();
    this.maintenance = new LogMaintenance(
      () => [...this.topics.values()].flatMap((t) => t.logs),
      this.opts.retentionCheckIntervalMs ?? 5 * 60_000,
      (log, err) =>
        this.logger.warn(`retention/compaction of ${log.name} failed: ${(err as Error).message}`),
    );
    this.maintenance.start();
    if (this.opts.scrub !== false) {
      this.scrubber = new Scrubber({
        ...this.opts.scrub,
        logs: () => [...this.topics.values()].flatMap((t) => t.logs),
        onPass: (report) => this.health.scrubFinished(report),
        onError: (log, err) =>
          this.logger.warn(`scrub of ${log.name} failed: ${(err as Error).message}`),
      });
      this.scrubber.start();
    }
  }

  private async openPartition(topic: Topic, partition: number): Promise<PartitionLog> {
    const name = topic.meta.name;
    const log = await PartitionLog.open(
      join(this.dataDir, `${name}-${partition}`),
      logConfigFromTopicConfigs(topic.configs, this.baseLogConfig),
      {
        clock: this.clock,
        topic: name,
        partition,
        onCorruption: (f) => this.health.reportCorruption(name, partition, f),
        openFiles: this.openFiles,
        compactionTasks: offThreadCompaction,
        readCheck: this.opts.inlineReadChecks ? undefined : offThreadReadCheck,
        recoverInBackground: true,
        loadInBackground: this.startingUp,
        loadDelayMs: this.opts.loadDelayMs,
        recoveryGate: this.opts.recoveryGate,
      },
    );
    if (log.loading) {
      this.health.loading.started(log.name);
      log.whenLoaded().then(
        () => {
          this.health.loading.finished(log.name);
          this.watchRecovery(log);
        },
        (err: Error) =>
          // A log closed before it loaded (the broker closing) did not fail.
          this.health.loading.finished(
            log.name,
            err instanceof LogdockError && err.code === 'CLOSED' ? undefined : err,
          ),
      );
    } else {
      this.watchRecovery(log);
    }
    log.onAppend((baseOffset, lastOffset) => {
      topic.rate.add(lastOffset - baseOffset + 1);
      const event = { topic: name, partition, baseOffset, lastOffset };
      for (const l of this.appendListeners) {
        try {
          l(event);
        } catch (err) {
          this.logger.warn(`append listener failed: ${(err as Error).message}`);
        }
      }
    });
    return log;
  }

  /** Shows a background recovery scan in the storage health until it ends. */
  private watchRecovery(log: PartitionLog): void {
    if (!log.recovering) return;
    this.health.recovery.started(log.name);
    log.whenRecovered().then(
      () => {
        this.reportRecovery(log);
        this.health.recovery.finished(log.name);
      },
      (err: Error) => this.health.recovery.finished(log.name, err),
    );
  }

  /** Logs what a finished recovery found. */
  private reportRecovery(log: PartitionLog): void {
    const name = log.name;
    if (log.recovery.truncatedBytes > 0) {
      this.logger.warn(`recovered ${name}: dropped ${log.recovery.truncatedBytes} bytes`, {
        at: log.recovery.truncatedAt,
      });
    } else if (log.recovery.recovered) {
      this.logger.info(`recovered ${name} after an unclean shutdown: nothing dropped`);
    }
  }

  private async loadOffsets(): Promise<void> {
    const topic = this.topics.get(OFFSETS_TOPIC)!;
    for (const [partition, log] of topic.logs.entries()) {
      // Groups need their commits before the coordinator answers: this waits for the
      // (small) offsets partitions' recovery, not for the other partitions'.
      await log.whenRecovered();
      let offset = log.logStartOffset;
      while (offset < log.logEndOffset) {
        let records: StoredRecord[];
        try {
          records = await log.readRecords(offset, { maxRecords: 1000, maxBytes: 1024 * 1024 });
        } catch (err) {
          if (!(err instanceof LogdockError) || err.code !== 'CORRUPT_RECORD') throw err;
          // A corrupt batch (logged and shown already) loses its commits, not the broker.
          const next = this.pastCorruptBatch(OFFSETS_TOPIC, partition, offset);
          if (next === null || next > log.logEndOffset) {
            this.logger.warn(
              `${log.name}: skipped corrupt offset commits from offset ${offset} on`,
            );
            break;
          }
          this.logger.warn(`${log.name}: skipped corrupt offset commits in [${offset}, ${next})`);
          offset = next;
          continue;
        }
        if (records.length === 0) break;
        for (const r of records) this.loadOffsetRecord(log.name, r);
        offset = records[records.length - 1].offset + 1;
      }
    }
    this.groups.startLoadedSessions();
  }

  /** The offset after the corrupt batch a read at `offset` met (its finding), or null. */
  private pastCorruptBatch(topic: string, partition: number, offset: number): number | null {
    const found = this.health
      .state(() => true)
      .corrupt.filter((c) => c.topic === topic && c.partition === partition)
      .find((c) => c.lastOffset !== null && c.lastOffset >= offset);
    return found?.lastOffset != null ? found.lastOffset + 1 : null;
  }

  private loadOffsetRecord(where: string, r: StoredRecord): void {
    if (!r.key) return;
    try {
      this.groups.loadRecord(r.key, r.value);
    } catch (err) {
      // A record we cannot read (written by a newer Kafka, or damaged) is skipped, not fatal.
      this.logger.warn(
        `${where} offset ${r.offset}: skipped unreadable record: ${(err as Error).message}`,
      );
    }
  }

  private async persistOffsets(
    groupId: string,
    records: { key: Buffer; value: Buffer | null }[],
  ): Promise<void> {
    const topic = this.topics.get(OFFSETS_TOPIC);
    if (!topic) fail('CLOSED', 'the broker is closed');
    const log = topic.logs[offsetsPartitionFor(groupId, topic.logs.length)];
    await this.watchSpace(log.appendRecords(records.map((r) => ({ key: r.key, value: r.value }))));
  }

  private checkOpen(): void {
    if (this.closing) fail('CLOSED', `the broker on ${this.dataDir} is closed`);
  }

  private emitTopicsChanged(): void {
    for (const l of this.topicListeners) {
      try {
        l();
      } catch (err) {
        this.logger.warn(`topics listener failed: ${(err as Error).message}`);
      }
    }
  }

  private topic(name: string): Topic {
    const t = this.topics.get(name);
    if (!t) fail('UNKNOWN_TOPIC', `topic "${name}" does not exist`);
    return t;
  }

  private log(topic: string, partition: number): PartitionLog {
    this.checkOpen();
    const t = this.topic(topic);
    const log = Number.isInteger(partition) ? t.logs[partition] : undefined;
    if (!log)
      fail(
        'UNKNOWN_PARTITION',
        `topic "${topic}" has no partition ${partition} (it has ${t.logs.length})`,
      );
    return log;
  }

  // ------------------------------------------------------------------ topics

  /**
   * Creates a topic with `partitions` (default 1) and config overrides, after validating the
   * name and every config. Throws INVALID_TOPIC, INVALID_CONFIG, INVALID_ARGUMENT (partition
   * count), ALREADY_EXISTS.
   */
  async createTopic(
    name: string,
    opts: {
      partitions?: number;
      configs?: Partial<Record<keyof TopicConfigs, string | number>>;
    } = {},
  ): Promise<TopicDescription> {
    validateTopicName(name);
    return this.admin.run(async () => {
      if (this.topics.has(name)) fail('ALREADY_EXISTS', `topic "${name}" already exists`);
      await this.admin.create(name, opts.partitions ?? 1, opts.configs ?? {});
      this.emitTopicsChanged();
      return this.describeTopic(name);
    });
  }

  /**
   * Deletes a topic: drops it from the catalogue, then removes its files and the offsets
   * groups committed for it. Internal topics cannot be deleted. Throws UNKNOWN_TOPIC,
   * INVALID_TOPIC.
   */
  deleteTopic(name: string): Promise<void> {
    return this.admin.run(async () => {
      await this.admin.delete(name);
      this.emitTopicsChanged();
    });
  }

  /** Every topic, sorted by name; internal ones only with `includeInternal`. */
  listTopics(opts: { includeInternal?: boolean } = {}): TopicDescription[] {
    return [...this.topics.keys()]
      .filter((n) => opts.includeInternal || !isInternalTopic(n))
      .sort()
      .map((n) => this.describeTopic(n));
  }

  topicId(name: string): string | null {
    return this.topics.get(name)?.meta.topicId ?? null;
  }

  /** Partitions with start/end offsets, size and newest timestamp; configs; rate. Throws UNKNOWN_TOPIC. */
  describeTopic(name: string): TopicDescription {
    const t = this.topic(name);
    return {
      name,
      internal: isInternalTopic(name),
      partitions: t.logs.map((log, partition) => ({
        partition,
        logStartOffset: log.logStartOffset,
        logEndOffset: log.logEndOffset,
        sizeBytes: log.sizeBytes(),
        // Not from segments(): that loads every segment's summary, for thousands of partitions.
        lastTimestamp: log.lastTimestamp(),
      })),
      configs: { ...t.configs },
      messageRate: t.rate.perSecond(),
    };
  }

  /**
   * Changes configs (null resets one to the default), validating all first; with
   * `validateOnly` nothing changes. Returns the resulting configs. Throws UNKNOWN_TOPIC,
   * INVALID_CONFIG.
   */
  alterTopicConfigs(
    name: string,
    configs: Partial<Record<keyof TopicConfigs, string | number | null>>,
    opts: { validateOnly?: boolean } = {},
  ): Promise<TopicConfigs> {
    return this.admin.run(async () => {
      const next = await this.admin.alterConfigs(name, configs, opts.validateOnly ?? false);
      if (!opts.validateOnly) this.emitTopicsChanged();
      return next;
    });
  }

  /**
   * Grows a topic to `totalCount` partitions (never shrinks); the new partitions are served
   * only once the catalogue names them. Throws UNKNOWN_TOPIC, INVALID_ARGUMENT.
   */
  createPartitions(name: string, totalCount: number): Promise<void> {
    return this.admin.run(async () => {
      await this.admin.createPartitions(name, totalCount);
      this.emitTopicsChanged();
    });
  }

  /** The segments of one partition. Throws UNKNOWN_TOPIC, UNKNOWN_PARTITION. */
  segments(topic: string, partition: number): SegmentInfo[] {
    return this.log(topic, partition).segments();
  }

  /** Offsets below this were cleaned by compaction. Throws UNKNOWN_TOPIC, UNKNOWN_PARTITION. */
  cleanerPoint(topic: string, partition: number): number {
    return this.log(topic, partition).cleanerPoint;
  }

  // ------------------------------------------------------------------ produce

  /**
   * Appends records, one batch per partition touched; records without a partition are
   * placed by Kafka's default partitioner. With acks -1 it resolves once fsynced. Returns
   * each record's partition and offset, in input order. Throws UNKNOWN_TOPIC (unless topics
   * are auto-created), UNKNOWN_PARTITION, MESSAGE_TOO_LARGE, INVALID_TOPIC.
   */
  async send(
    records: ProduceRecord[],
    opts: { acks?: Acks } = {},
  ): Promise<{ topic: string; partition: number; offset: number }[]> {
    this.checkOpen();
    const groups = new Map<string, { topic: string; partition: number; indexes: number[] }>();
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      refuseInternalAppend(r.topic, r.partition);
      await this.ensureTopic(r.topic);
      const partition = r.partition ?? this.partitionFor(r.topic, r.key ?? null);
      this.log(r.topic, partition);
      const id = `${r.topic}\u0000${partition}`;
      const g = groups.get(id) ?? { topic: r.topic, partition, indexes: [] };
      g.indexes.push(i);
      groups.set(id, g);
    }
    const out = new Array<{ topic: string; partition: number; offset: number }>(records.length);
    await Promise.all(
      [...groups.values()].map(async (g) => {
        const result = await this.appendRecords(
          g.topic,
          g.partition,
          g.indexes.map((i) => records[i]),
          opts.acks ?? 1,
        );
        g.indexes.forEach(
          (idx, k) =>
            (out[idx] = { topic: g.topic, partition: g.partition, offset: result.baseOffset + k }),
        );
      }),
    );
    if (groups.size > 0) {
      for (const g of groups.values()) {
        const numPartitions = this.topic(g.topic).logs.length;
        this.partitioner.onNewBatch(g.topic, g.partition, numPartitions);
      }
    }
    return out;
  }

  /** Appends records to one partition as one batch (split only if over max.message.bytes). */
  async appendRecords(
    topic: string,
    partition: number,
    records: ProduceRecord[] | { key?: Buffer | null; value: Buffer | null }[],
    acks: Acks = 1,
  ): Promise<AppendResult> {
    const log = this.log(topic, partition);
    const t = this.topic(topic);
    const max = t.configs['max.message.bytes'];
    for (const r of records as ProduceRecord[]) {
      const size =
        (r.key?.length ?? 0) +
        (r.value?.length ?? 0) +
        (r.headers ?? []).reduce((n, h) => n + h.key.length + (h.value?.length ?? 0), 0);
      if (size > max) {
        fail(
          'MESSAGE_TOO_LARGE',
          `record of ${size} bytes for ${topic}-${partition} exceeds max.message.bytes=${max}`,
        );
      }
    }
    return this.watchSpace(
      log.appendRecords(
        (records as ProduceRecord[]).map((r) => ({
          key: r.key ?? null,
          value: r.value,
          headers: r.headers,
          timestamp: r.timestamp,
        })),
        { fsync: acks === -1, compression: codecOf(t.configs['compression.type']) ?? 'none' },
      ),
    );
  }

  /**
   * Makes sure a topic exists, creating it with the default partition count when topics
   * are auto-created. Throws UNKNOWN_TOPIC otherwise, INVALID_TOPIC for a bad name.
   */
  async ensureTopic(name: string): Promise<void> {
    if (this.topics.has(name)) return;
    if (this.opts.autoCreateTopics === false)
      fail('UNKNOWN_TOPIC', `topic "${name}" does not exist`);
    validateTopicName(name);
    await this.admin
      .run(async () => {
        if (this.topics.has(name)) return;
        await this.admin.create(name, this.opts.defaultPartitions ?? 1, {});
        this.emitTopicsChanged();
      })
      .catch((err: unknown) => {
        if ((err as LogdockError).code !== 'ALREADY_EXISTS') throw err;
      });
  }

  /**
   * Appends a client's RecordBatch v2 bytes as they are (the Kafka protocol's Produce), or
   * recompressed when the topic's compression.type names a codec (see recompress.ts).
   * `checkOffThread`: a large append is checked on the ingest thread (validate-off-thread.ts);
   * `encodedHere`: only its headers are checked (Cluster.appendBatches). Throws UNKNOWN_TOPIC, UNKNOWN_PARTITION, CORRUPT_RECORD, MESSAGE_TOO_LARGE.
   */
  async appendBatches(
    topic: string,
    partition: number,
    batches: Buffer,
    opts: { acks?: Acks; checkOffThread?: boolean; encodedHere?: boolean } = {},
  ): Promise<AppendResult> {
    refuseInternalAppend(topic, partition);
    const log = this.log(topic, partition);
    const codec = codecOf(this.topic(topic).configs['compression.type']);
    const stored = codec === null ? batches : recompressBatches(batches, codec);
    return this.watchSpace(
      log.append(stored, {
        fsync: opts.acks === -1,
        check: opts.encodedHere
          ? locateOwnBatchesAsync
          : opts.checkOffThread
            ? validateClientBatchesOffThread
            : undefined,
      }),
    );
  }

  /**
   * Follows a full disk through appends' outcomes: a write refused for lack of space
   * (IO_ERROR, which the Kafka listener answers as KAFKA_STORAGE_ERROR) is logged once and
   * shown in the UI; the first append that succeeds again clears it. Appends keep being
   * tried, so writing resumes by itself as soon as space returns.
   */
  private watchSpace<T>(append: Promise<T>): Promise<T> {
    return append.then(
      (result) => {
        if (this.health.isDiskFull) this.health.reportDiskSpaceBack();
        return result;
      },
      (err: unknown) => {
        if (isNoSpace(err)) this.health.reportDiskFull((err as Error).message);
        throw err;
      },
    );
  }

  /** Kafka's default partition for a key (sticky for null keys). Throws UNKNOWN_TOPIC. */
  partitionFor(topic: string, key: Buffer | null): number {
    const n = this.topic(topic).logs.length;
    return key
      ? partitionForKey(key, n)
      : this.partitioner.partition({ topic, key, value: null, numPartitions: n });
  }

  // ------------------------------------------------------------------ read

  /** Whole stored batches from `offset`. Throws UNKNOWN_TOPIC, UNKNOWN_PARTITION, OFFSET_OUT_OF_RANGE. */
  async read(
    topic: string,
    partition: number,
    offset: number,
    maxBytes: number,
    into?: Buffer,
    opts?: ReadOptions,
  ): Promise<ReadResult> {
    return this.log(topic, partition).read(offset, maxBytes, into, opts);
  }

  /** Decoded records from `offset`. Errors as `read`. */
  async readRecords(
    topic: string,
    partition: number,
    offset: number,
    opts: { maxRecords?: number; maxBytes?: number } = {},
  ): Promise<StoredRecord[]> {
    return this.log(topic, partition).readRecords(offset, {
      maxRecords: opts.maxRecords ?? 500,
      maxBytes: opts.maxBytes,
    });
  }

  /** First offset with a timestamp >= `timestamp`, or null. Throws UNKNOWN_TOPIC, UNKNOWN_PARTITION. */
  async offsetForTimestamp(
    topic: string,
    partition: number,
    timestamp: number,
  ): Promise<number | null> {
    return this.log(topic, partition).offsetForTimestamp(timestamp);
  }

  /**
   * Resolves true as soon as the partition's log end offset exceeds `offset` (at once if it
   * already does), false after `timeoutMs`, on abort, on broker close or topic deletion.
   * Event driven (append listeners), never polling. Throws UNKNOWN_TOPIC, UNKNOWN_PARTITION.
   */
  async waitForData(
    topic: string,
    partition: number,
    offset: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const log = this.log(topic, partition);
    // Loading, its end reads 0 (recovering, its recovery point): the offset may be there.
    if (log.loading || log.recovering) await log.whenRecovered().catch(() => undefined);
    if (log.logEndOffset > offset) return Promise.resolve(true);
    if (timeoutMs <= 0 || signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const done = (value: boolean): void => {
        clearTimeout(timer);
        offAppend();
        this.waiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const waiter = { topic, end: () => done(false) };
      const offAppend = log.onAppend((_base, last) => {
        if (last >= offset) done(true);
      });
      const timer = setTimeout(() => done(false), timeoutMs);
      const onAbort = (): void => done(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** Moves the log start offset to `beforeOffset`; returns the new start. Throws as `read`. */
  async deleteRecords(topic: string, partition: number, beforeOffset: number): Promise<number> {
    return this.log(topic, partition).deleteRecords(beforeOffset);
  }

  /** Called after every append to any partition. Returns an unsubscribe function. */
  onAppend(listener: (event: AppendEvent) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /** Called after a topic is created, deleted, altered or grown. */
  onTopicsChanged(listener: () => void): () => void {
    this.topicListeners.add(listener);
    return () => this.topicListeners.delete(listener);
  }

  /**
   * Corrupt batches met by reads or the scrub that are still stored, whether writes are
   * refused for a full disk, and the last scrub pass.
   */
  storageHealth(): StorageHealthState {
    return this.health.state((c) => {
      const log = this.topics.get(c.topic)?.logs[c.partition];
      return log !== undefined && (c.lastOffset === null || c.lastOffset >= log.logStartOffset);
    });
  }

  /** Called when storageHealth() changes. Returns an unsubscribe function. */
  onStorageHealth(listener: () => void): () => void {
    return this.health.onChange(listener);
  }

  /**
   * Resolves once background recovery (after an unclean shutdown) is done for one
   * partition, one topic's partitions, or every partition. Until then a recovering
   * partition's logEndOffset is only a lower bound (its recovery point): readers that
   * compare offsets with it wait here first (reads themselves always wait). Never rejects:
   * a partition whose recovery failed fails its reads instead. Unknown names resolve at once.
   */
  async whenRecovered(topic?: string, partition?: number): Promise<void> {
    await Promise.all(
      this.logsOf(topic, partition).map((l) =>
        l.loading || l.recovering ? l.whenRecovered().catch(() => undefined) : undefined,
      ),
    );
  }

  /**
   * Resolves once the partitions found on disk at startup are loaded (in the background;
   * see load()): one, a topic's or all. Their offsets and sizes read 0 until then, and
   * lower bounds while they recover (whenRecovered). Never rejects. `now`: those still
   * waiting their turn load at once (a caller showing them waits).
   */
  async whenLoaded(topic?: string, partition?: number, opts?: { now?: boolean }): Promise<void> {
    await Promise.all(
      this.logsOf(topic, partition).map((l) =>
        l.loading ? (opts?.now ? l.loadNow() : l.whenLoaded()).catch(() => undefined) : undefined,
      ),
    );
  }

  private logsOf(topic?: string, partition?: number): PartitionLog[] {
    const topics = topic === undefined ? [...this.topics.values()] : [this.topics.get(topic)];
    return topics.flatMap((t) =>
      t === undefined
        ? []
        : partition === undefined
          ? t.logs
          : t.logs.slice(partition, partition + 1),
    );
  }

  /** How many segment files are open now (at most maxOpenSegmentFiles while idle). */
  openSegmentFiles(): number {
    return this.openFiles.size;
  }

  /** Runs one scrub pass now (it also runs in the background). */
  async scrubNow(): Promise<void> {
    await this.scrubber?.runOnce();
  }

  /**
   * Runs retention and compaction on every partition now (they also run on an interval).
   * By default compaction is forced (an explicit request); `{ force: false }` runs the pass
   * the interval runs, compacting only where it is due.
   */
  runMaintenance(opts: { force?: boolean } = {}): Promise<void> {
    return this.maintenance?.runOnce({ force: opts.force ?? true }) ?? Promise.resolve();
  }

  // ------------------------------------------------------------------ clients

  /** An in-process producer (see ./producer.ts). Closed with the broker. */
  producer(opts: ProducerOptions = {}): Producer {
    this.checkOpen();
    const p = new Producer(this, opts);
    const hook = async (): Promise<void> => p.close();
    this.closeHooks.add(hook);
    p.onClosed(() => this.closeHooks.delete(hook));
    return p;
  }

  /** An in-process consumer (see ./consumer.ts). Closed with the broker. */
  consumer(opts: ConsumerOptions): Consumer {
    this.checkOpen();
    const c = new Consumer(this, opts);
    const hook = async (): Promise<void> => c.close().catch(() => {});
    this.closeHooks.add(hook);
    c.onClosed(() => this.closeHooks.delete(hook));
    return c;
  }

  // ------------------------------------------------------------------ groups

  listGroups(): GroupSummary[] {
    return this.groups.listGroups();
  }

  /** Throws UNKNOWN_GROUP. */
  describeGroup(groupId: string): GroupDescription {
    return this.groups.describeGroup(groupId);
  }

  /** Per partition the group committed or is assigned: LEO minus committed offset. Throws UNKNOWN_GROUP. */
  groupLag(groupId: string): PartitionLag[] {
    return computeLag(this.groups, groupId, (topic, partition) => {
      const log = this.topics.get(topic)?.logs[partition];
      return log ? log.logEndOffset : null;
    });
  }

  committedOffsets(groupId: string): Map<string, number> {
    return committedPositions(this.groups, groupId);
  }

  /**
   * Plans (dry run, any group) or applies (inactive groups only) a reset of a group's offsets
   * for one partition, one topic, or every topic it committed. Throws GROUP_NOT_EMPTY, UNKNOWN_TOPIC,
   * UNKNOWN_PARTITION, INVALID_ARGUMENT.
   */
  /**
   * The offsets a reset would set (group-admin.ts), from the final ends of the partitions in
   * scope: it waits for their loads and recoveries (until then an end reads 0 or a lower
   * bound, and "latest" would rewind the group).
   */
  async planOffsetReset(
    groupId: string,
    target: { topic?: string; partition?: number; spec: OffsetSpec },
  ): Promise<OffsetResetPlanEntry[]> {
    await this.whenRecovered(target.topic, target.partition);
    return planOffsetReset(this, groupId, target);
  }

  async resetGroupOffsets(
    groupId: string,
    target: { topic?: string; partition?: number; spec: OffsetSpec },
    opts: { dryRun: boolean },
  ): Promise<OffsetResetPlanEntry[]> {
    this.checkOpen();
    const plan = await this.planOffsetReset(groupId, target);
    // As kafka-consumer-groups: a plan can always be shown, but only an inactive group reset.
    const active = this.groups.hasGroup(groupId) && this.groups.describeGroup(groupId).members > 0;
    if (!opts.dryRun && active) {
      fail(
        'GROUP_NOT_EMPTY',
        `group ${groupId} has active members; stop its consumers before resetting offsets`,
      );
    }
    if (!opts.dryRun && plan.length > 0) {
      await this.groups.setOffsets(
        groupId,
        plan.map((e) => ({ topic: e.topic, partition: e.partition, offset: e.newOffset })),
      );
    }
    return plan;
  }

  /** Throws UNKNOWN_GROUP, GROUP_NOT_EMPTY. */
  deleteGroup(groupId: string): Promise<void> {
    return this.groups.deleteGroup(groupId);
  }

  /** Log start and end offsets of a partition. Throws UNKNOWN_TOPIC, UNKNOWN_PARTITION. */
  offsetsOf(topic: string, partition: number): { logStartOffset: number; logEndOffset: number } {
    const log = this.log(topic, partition);
    return { logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset };
  }

  /** Partition count of a topic, or null when it does not exist. */
  partitionCount(topic: string): number | null {
    return this.topics.get(topic)?.logs.length ?? null;
  }

  /**
   * Closes clients, stops retention and the coordinator, flushes and closes every partition
   * (clean-shutdown markers) and releases the data-dir lock. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const hook of [...this.closeHooks]) await hook().catch(() => {});
      this.closeHooks.clear();
      for (const w of [...this.waiters]) w.end();
      await this.maintenance?.stop();
      await this.scrubber?.stop();
      this.health.stop();
      this.groups.close();
      // Group records the coordinator is still writing (e.g. a last member's leave).
      await this.groups.flush();
      await this.admin.idle();
      const logs = [...this.topics.values()].flatMap((t) => t.logs);
      const results = await Promise.allSettled(logs.map((l) => l.close()));
      this.topics.clear();
      await this.releaseLock();
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    })();
    return this.closing;
  }
}
