/**
 * Topic administration: create, delete, alter configs, add partitions. One rule for every
 * change, so that the catalogue (`topics.json`), the partition directories and what the
 * broker serves agree after a failure at any step:
 *
 *   1. prepare on disk what the change needs, invisible to everyone (new partition
 *      directories opened but not served);
 *   2. write the catalogue: the commit point (atomic: temp file, fsync, rename);
 *   3. publish in memory (the new partitions or topic are served, a deleted one is not);
 *   4. clean up what the committed catalogue no longer names (a deleted topic's files).
 *
 * A failure before the commit point undoes step 1 (the new directories are closed and
 * removed) and the broker serves exactly what it served before: no producer ever gets an
 * ack for a partition the catalogue does not name (issue 15 item 10). A failure after it
 * finishes the change in memory; files step 4 could not remove are orphans the next start
 * removes (`removeOrphans`), as after a crash at that point.
 *
 * Changes run one at a time (one chain); reads of the topic map do not wait for them.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LogdockError } from '../../common/errors';
import type { Logger } from '../logger';
import type { LogConfig, PartitionLog } from '../storage';
import type { TopicConfigs } from './api';
import { BrokerFailureError } from './failures';
import { RateMeter } from './rate';
import type { TopicConfigChanges } from '../cluster/cluster';
import { applyTopicConfigs } from '../kafka/topic-configs';
import { logConfigFromTopicConfigs } from './topic-configs';
import { writeTopicMetadata, type TopicMeta } from './topic-metadata';
import { caseTwinOf, isInternalTopic } from './topic-names';
import { randomUUID } from 'node:crypto';

export const MAX_PARTITIONS = 10_000;
/** Partitions of one topic opened at once. */
const PARTITIONS_OPENED_AT_ONCE = 8;

/**
 * Runs `fn` over `items`, at most `limit` at once, and settles them all (in input order):
 * a failure does not leave others running unnoticed.
 */
export async function settleAll<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { status: 'fulfilled', value: await fn(items[i], i) };
      } catch (reason) {
        out[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Closes logs, ignoring failures (for undoing a partial open). */
export async function closeLogs(logs: PartitionLog[]): Promise<void> {
  await Promise.all(logs.map((l) => l.close().catch(() => {})));
}

/** A topic as the broker serves it. */
export interface Topic {
  meta: TopicMeta;
  configs: TopicConfigs;
  logs: PartitionLog[];
  rate: RateMeter;
}

/** Points of a change where the test seam may throw (a failure of what follows). */
export type AdminStep = 'dirs-cleared' | 'logs-opened' | 'catalogue' | 'published' | 'logs-closed';

export interface TopicAdminDeps {
  dataDir: string;
  /** The broker's live topic map: only the admin changes it. */
  topics: Map<string, Topic>;
  clock: () => number;
  defaults: TopicConfigs;
  baseLogConfig: LogConfig;
  logger: Logger;
  /** Opens one partition's log (with the broker's listeners) without serving it. */
  openPartition(topic: Topic, partition: number): Promise<PartitionLog>;
  /** Throws CLOSED once the broker closes. */
  checkOpen(): void;
  /** After a topic left the catalogue and memory: end its waiters, forget its offsets. */
  onDeleted(name: string): Promise<void>;
  /** Test seam: called at each step; a throw there is a failure of the next step. */
  step?: (step: AdminStep, what: string) => void | Promise<void>;
}

function fail(code: LogdockError['code'], message: string): never {
  throw new LogdockError(code, message);
}

export class TopicAdmin {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: TopicAdminDeps) {}

  /** Runs `fn` after every earlier change (one at a time), once the broker is still open. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(() => {
      this.deps.checkOpen();
      return fn();
    });
    this.chain = run.catch(() => {});
    return run;
  }

  /** Resolves once the changes queued so far have finished (for close). */
  async idle(): Promise<void> {
    await this.chain;
  }

  /** Opens every partition of `meta` (closing those opened when one fails); not served. */
  async openLogs(meta: TopicMeta): Promise<Topic> {
    const { defaults } = this.deps;
    const configs = applyTopicConfigs(meta.name, defaults, meta.configs, defaults);
    const topic: Topic = { meta, configs, logs: [], rate: new RateMeter(this.deps.clock) };
    const partitions = Array.from({ length: meta.partitions }, (_, p) => p);
    const opened = await settleAll(partitions, PARTITIONS_OPENED_AT_ONCE, (p) =>
      this.deps.openPartition(topic, p),
    );
    const logs = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await closeLogs(logs);
      throw failed.reason;
    }
    topic.logs = logs;
    return topic;
  }

  /** Writes the catalogue as it will be after a change: the commit point. */
  async commit(what: string, catalogue: TopicMeta[]): Promise<void> {
    await this.deps.step?.('catalogue', what);
    await writeTopicMetadata(this.deps.dataDir, catalogue);
  }

  private catalogueWith(change: (metas: Map<string, TopicMeta>) => void): TopicMeta[] {
    const metas = new Map([...this.deps.topics].map(([name, t]) => [name, t.meta]));
    change(metas);
    return [...metas.values()];
  }

  /**
   * Creates a topic (must not exist; the caller runs this inside `run`). Throws
   * INVALID_TOPIC (a topic's name differing only in case exists), INVALID_ARGUMENT
   * (partition count, reason INVALID_PARTITIONS), INVALID_CONFIG, IO_ERROR.
   */
  async create(name: string, partitions: number, configs: TopicConfigChanges): Promise<void> {
    const twin = caseTwinOf(name, this.deps.topics.keys());
    if (twin !== undefined) {
      throw new LogdockError(
        'INVALID_TOPIC',
        `topic "${name}" differs from the existing topic "${twin}" only in case; both would use the same folders on macOS and Windows`,
      );
    }
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
      throw new BrokerFailureError(
        'INVALID_PARTITIONS',
        `topic "${name}": partition count ${partitions} must be an integer in [1, ${MAX_PARTITIONS}]`,
      );
    }
    const { defaults } = this.deps;
    const parsed = applyTopicConfigs(name, defaults, configs, defaults);
    const overrides: Partial<TopicConfigs> = {};
    for (const key of Object.keys(configs) as (keyof TopicConfigs)[]) {
      (overrides as Record<string, unknown>)[key] = parsed[key];
    }
    const meta: TopicMeta = {
      name,
      topicId: randomUUID(),
      partitions,
      createdAt: this.deps.clock(),
      configs: overrides,
    };
    const dirs = Array.from({ length: partitions }, (_, p) => this.partitionDir(name, p));
    // 1. Old leftovers under this name must not become the new topic's data.
    await this.removeDirs(dirs);
    await this.deps.step?.('dirs-cleared', name);
    let topic: Topic | null = null;
    try {
      topic = await this.openLogs(meta);
      await this.deps.step?.('logs-opened', name);
      // 2. Commit.
      await this.commit(
        name,
        this.catalogueWith((m) => m.set(name, meta)),
      );
    } catch (err) {
      await this.discard(topic?.logs ?? [], dirs);
      throw err;
    }
    // 3. Publish.
    this.deps.topics.set(name, topic);
    await this.afterCommit('published', name);
  }

  /**
   * Deletes a topic: out of the catalogue, then out of memory, then its files and the
   * offsets groups committed for it. Throws UNKNOWN_TOPIC, INVALID_TOPIC (internal).
   */
  async delete(name: string): Promise<void> {
    const t = this.get(name);
    if (isInternalTopic(name)) fail('INVALID_TOPIC', `internal topic "${name}" cannot be deleted`);
    await this.commit(
      name,
      this.catalogueWith((m) => m.delete(name)),
    );
    this.deps.topics.delete(name);
    await this.afterCommit('published', name);
    try {
      for (const log of t.logs) await log.close().catch(() => {});
      await this.deps.step?.('logs-closed', name);
      for (const log of t.logs) await log.deleteFiles();
    } catch (err) {
      // Committed: what is left is an orphan the next start removes.
      this.deps.logger.warn(
        `deleted topic "${name}": its files stay until the next start: ${(err as Error).message}`,
      );
    }
    await this.deps.onDeleted(name);
  }

  /**
   * Changes configs (null resets one to the default), validating all first; with
   * `validateOnly` nothing changes. Returns the resulting configs. Throws UNKNOWN_TOPIC,
   * INVALID_CONFIG.
   */
  async alterConfigs(
    name: string,
    configs: Partial<Record<keyof TopicConfigs, string | number | null>>,
    validateOnly: boolean,
  ): Promise<TopicConfigs> {
    const t = this.get(name);
    const next = applyTopicConfigs(name, t.configs, configs, this.deps.defaults);
    if (validateOnly) return next;
    const logConfig = logConfigFromTopicConfigs(next, this.deps.baseLogConfig);
    const overrides: Partial<TopicConfigs> = { ...t.meta.configs };
    for (const [key, value] of Object.entries(configs)) {
      if (value === undefined) continue;
      if (value === null) delete (overrides as Record<string, unknown>)[key];
      else (overrides as Record<string, unknown>)[key] = next[key as keyof TopicConfigs];
    }
    const meta = { ...t.meta, configs: overrides };
    await this.commit(
      name,
      this.catalogueWith((m) => m.set(name, meta)),
    );
    t.meta = meta;
    t.configs = next;
    for (const log of t.logs) log.updateConfig(logConfig);
    await this.afterCommit('published', name);
    return { ...next };
  }

  /**
   * Grows a topic to `totalCount` partitions (never shrinks): the new partitions are
   * opened, then the catalogue names them, and only then are they served. Throws
   * UNKNOWN_TOPIC, INVALID_ARGUMENT.
   */
  async createPartitions(name: string, totalCount: number): Promise<void> {
    const t = this.get(name);
    if (
      !Number.isInteger(totalCount) ||
      totalCount <= t.logs.length ||
      totalCount > MAX_PARTITIONS
    ) {
      throw new BrokerFailureError(
        'INVALID_PARTITIONS',
        `topic "${name}" has ${t.logs.length} partitions; the new count ${totalCount} must be larger (partitions are never removed) and at most ${MAX_PARTITIONS}`,
      );
    }
    const fresh = Array.from({ length: totalCount - t.logs.length }, (_, k) => t.logs.length + k);
    const dirs = fresh.map((p) => this.partitionDir(name, p));
    await this.removeDirs(dirs);
    await this.deps.step?.('dirs-cleared', name);
    const added: PartitionLog[] = [];
    const meta = { ...t.meta, partitions: totalCount };
    try {
      for (const p of fresh) added.push(await this.deps.openPartition(t, p));
      await this.deps.step?.('logs-opened', name);
      await this.commit(
        name,
        this.catalogueWith((m) => m.set(name, meta)),
      );
    } catch (err) {
      await this.discard(added, dirs);
      throw err;
    }
    t.logs.push(...added);
    t.meta = meta;
    await this.afterCommit('published', name);
  }

  /** The served topic `name`. Throws UNKNOWN_TOPIC. */
  private get(name: string): Topic {
    const t = this.deps.topics.get(name);
    if (!t) fail('UNKNOWN_TOPIC', `topic "${name}" does not exist`);
    return t;
  }

  private partitionDir(name: string, partition: number): string {
    return join(this.deps.dataDir, `${name}-${partition}`);
  }

  private async removeDirs(dirs: string[]): Promise<void> {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }

  /** Undoes step 1: closes the logs opened for a change that did not commit, removes their directories. */
  private async discard(logs: PartitionLog[], dirs: string[]): Promise<void> {
    for (const log of logs) await log.deleteFiles().catch(() => {});
    await this.removeDirs(dirs).catch(() => {});
  }

  /** A failure after the commit point is reported, never undone (the catalogue holds). */
  private async afterCommit(step: AdminStep, what: string): Promise<void> {
    try {
      await this.deps.step?.(step, what);
    } catch (err) {
      this.deps.logger.warn(`${what}: after the catalogue was written: ${(err as Error).message}`);
    }
  }
}
