import { randomUUID } from 'node:crypto';
import { LOCAL_CLUSTER } from '../../common/api/clusters';
import type { SearchQuery } from '../../common/api/messages';
import type { ReplayJob, ReplayRange, ReplayTarget } from '../../common/api/replay';
import { LogdockError } from '../../common/errors';
import type { Cluster } from '../cluster';
import type { StoredRecord } from '../storage/api';
import { resolveRange, type PartitionRange } from './range';
import { openFileSink, openTopicSink, type ReplaySink } from './sinks';

/** Compiles a search query into a predicate; supplied by the search engine. */
export type FilterCompiler = (
  query: SearchQuery,
) => (record: StoredRecord, partition: number) => boolean;

/** A cluster by name as replay needs it: the cluster, and whether it refuses writes. */
export interface ReplayEndpoint {
  cluster: Cluster;
  readOnly: boolean;
}

/** Finds a cluster by name; throws NOT_FOUND for an unknown one. */
export type ReplayClusters = (name: string) => Promise<ReplayEndpoint>;

export interface ReplayOptions {
  /**
   * Other clusters, for ranges and targets that name one. Without it only the manager's own
   * cluster (`local`) can be named.
   */
  clusters?: ReplayClusters;
  /** Without it, a range with a filter is refused (UNSUPPORTED). */
  compileFilter?: FilterCompiler;
  /** Messages read per chunk; memory holds about one chunk. Default 500. */
  chunkRecords?: number;
  /** Bytes read per chunk at most. Default 1 MiB. */
  chunkBytes?: number;
  /** Finished jobs kept for the UI. Default 50. */
  keepJobs?: number;
}

interface RunningJob {
  job: ReplayJob;
  abort: AbortController;
  done: Promise<void>;
}

/**
 * Runs replay jobs in the background of the main process. A job copies a range of a topic
 * into another topic or a JSON Lines file chunk by chunk (so memory stays bounded whatever
 * the range's size), or moves a consumer group's committed offsets to the range's start.
 * Methods may be called concurrently; each job runs on its own.
 */
export class ReplayManager {
  private readonly jobs = new Map<string, RunningJob>();
  private readonly chunks: { records: number; bytes: number };
  private readonly keepJobs: number;

  constructor(
    private readonly cluster: Cluster,
    private readonly options: ReplayOptions = {},
  ) {
    this.chunks = {
      records: options.chunkRecords ?? 500,
      bytes: options.chunkBytes ?? 1024 * 1024,
    };
    this.keepJobs = options.keepJobs ?? 50;
  }

  /**
   * Validates the range and target, prepares the target (creates the topic, opens the file,
   * moves the group) and starts copying in the background. Returns the job as it starts.
   * @throws LogdockError UNKNOWN_TOPIC / UNKNOWN_PARTITION for the source, INVALID_ARGUMENT,
   *   ALREADY_EXISTS (file), GROUP_NOT_EMPTY (group target), UNSUPPORTED (filter without engine).
   */
  async start(rangeIn: ReplayRange, targetIn: ReplayTarget): Promise<ReplayJob> {
    const range = { ...rangeIn, cluster: rangeIn.cluster ?? LOCAL_CLUSTER };
    const target =
      targetIn.kind === 'topic'
        ? { ...targetIn, cluster: targetIn.cluster ?? range.cluster }
        : targetIn;
    const filter = this.compile(range, target);
    const source = await this.endpoint(range.cluster);
    const into = target.kind === 'topic' ? await this.endpoint(target.cluster) : source;
    if (target.kind !== 'file' && into.readOnly) {
      const where = target.kind === 'topic' ? `topic ${target.topic}` : `group ${target.groupId}`;
      throw new LogdockError(
        'FORBIDDEN',
        `cluster ${target.kind === 'topic' ? target.cluster : range.cluster} is read-only: refused to replay into ${where}`,
      );
    }
    const partitions = await resolveRange(source.cluster, range);
    const job: ReplayJob = {
      id: randomUUID(),
      range,
      target,
      state: 'running',
      total: partitions.reduce((sum, p) => sum + (p.endOffset - p.startOffset), 0),
      scanned: 0,
      written: 0,
      startedAt: Date.now(),
      finishedAt: null,
      error: null,
      partitions,
    };
    if (target.kind === 'group') {
      await this.moveGroup(source.cluster, range.topic, partitions, target.groupId);
      this.finish(job, 'done', null);
      job.written = job.total;
      this.remember({ job, abort: new AbortController(), done: Promise.resolve() });
      return structuredClone(job);
    }
    const sink =
      target.kind === 'topic'
        ? await openTopicSink(
            { cluster: into.cluster, sameCluster: target.cluster === range.cluster },
            source.cluster,
            range.topic,
            partitions.map((p) => p.partition),
            target,
          )
        : await openFileSink(range.topic, target);
    const abort = new AbortController();
    const running: RunningJob = { job, abort, done: Promise.resolve() };
    running.done = this.copy(source.cluster, job, partitions, sink, filter, abort.signal);
    this.remember(running);
    return structuredClone(job);
  }

  /** @throws LogdockError NOT_FOUND for an unknown id. */
  get(id: string): ReplayJob {
    return structuredClone(this.running(id).job);
  }

  /** Every job of this run, newest first. */
  list(): ReplayJob[] {
    return [...this.jobs.values()]
      .map((r) => structuredClone(r.job))
      .sort((a, b) => b.startedAt - a.startedAt);
  }

  /**
   * Stops a running job after the chunk in flight and resolves once it has stopped; what
   * was already written stays. A finished job is returned unchanged.
   * @throws LogdockError NOT_FOUND for an unknown id.
   */
  async cancel(id: string): Promise<ReplayJob> {
    const running = this.running(id);
    running.abort.abort();
    await running.done;
    return structuredClone(running.job);
  }

  /** Resolves when the job has finished (any state). For tests and shutdown. */
  async wait(id: string): Promise<ReplayJob> {
    const running = this.running(id);
    await running.done;
    return structuredClone(running.job);
  }

  /** Cancels every running job and waits for them. */
  async close(): Promise<void> {
    for (const r of this.jobs.values()) r.abort.abort();
    await Promise.all([...this.jobs.values()].map((r) => r.done));
  }

  private async endpoint(name: string): Promise<ReplayEndpoint> {
    if (name === LOCAL_CLUSTER) return { cluster: this.cluster, readOnly: false };
    if (!this.options.clusters) throw new LogdockError('NOT_FOUND', `no cluster named ${name}`);
    return this.options.clusters(name);
  }

  private compile(
    range: ReplayRange,
    target: ReplayTarget,
  ): ((r: StoredRecord, partition: number) => boolean) | null {
    if (!range.filter) return null;
    if (target.kind === 'group') {
      throw new LogdockError(
        'INVALID_ARGUMENT',
        'filter: a consumer group cannot be moved to a filtered range',
      );
    }
    if (!this.options.compileFilter) {
      throw new LogdockError(
        'UNSUPPORTED',
        'filter: the search engine is not available in this build',
      );
    }
    return this.options.compileFilter(range.filter);
  }

  private async moveGroup(
    cluster: Cluster,
    topic: string,
    partitions: PartitionRange[],
    groupId: string,
  ): Promise<void> {
    const group = await describeGroupOrNull(cluster, groupId);
    if (group && group.members > 0) {
      throw new LogdockError(
        'GROUP_NOT_EMPTY',
        `group ${groupId} has ${group.members} active member(s); stop its consumers before moving it`,
      );
    }
    for (const p of partitions) {
      await cluster.resetGroupOffsets(
        groupId,
        { topic, partition: p.partition, spec: { kind: 'offset', offset: p.startOffset } },
        { dryRun: false },
      );
    }
  }

  private async copy(
    source: Cluster,
    job: ReplayJob,
    partitions: PartitionRange[],
    sink: ReplaySink,
    filter: ((r: StoredRecord, partition: number) => boolean) | null,
    signal: AbortSignal,
  ): Promise<void> {
    let error: string | null = null;
    try {
      for (const p of partitions) {
        await copyPartition(source, this.chunks, job, p, sink, filter, signal);
        if (signal.aborted) break;
      }
    } catch (err) {
      error = (err as Error).message;
    }
    try {
      await sink.close();
    } catch (err) {
      error ??= (err as Error).message;
    }
    this.finish(job, error ? 'failed' : signal.aborted ? 'cancelled' : 'done', error);
  }

  private finish(job: ReplayJob, state: ReplayJob['state'], error: string | null): void {
    job.state = state;
    job.error = error;
    job.finishedAt = Date.now();
  }

  private remember(running: RunningJob): void {
    this.jobs.set(running.job.id, running);
    const finished = [...this.jobs.values()].filter((r) => r.job.state !== 'running');
    for (const old of finished.slice(0, Math.max(0, this.jobs.size - this.keepJobs))) {
      this.jobs.delete(old.job.id);
    }
  }

  private running(id: string): RunningJob {
    const running = this.jobs.get(id);
    if (!running) throw new LogdockError('NOT_FOUND', `no replay job ${id}`);
    return running;
  }
}

/** Copies one partition's range chunk by chunk, counting progress into the job. */
async function copyPartition(
  cluster: Cluster,
  chunk: { records: number; bytes: number },
  job: ReplayJob,
  range: PartitionRange,
  sink: ReplaySink,
  filter: ((r: StoredRecord, partition: number) => boolean) | null,
  signal: AbortSignal,
): Promise<void> {
  const topic = job.range.topic;
  let offset = range.startOffset;
  while (offset < range.endOffset && !signal.aborted) {
    let records = await cluster.readRecords(topic, range.partition, offset, {
      maxRecords: Math.min(chunk.records, range.endOffset - offset),
      maxBytes: chunk.bytes,
    });
    records = records.filter((r) => r.offset >= offset && r.offset < range.endOffset);
    if (records.length === 0) {
      // Retention may have deleted the rest of the range since it was resolved.
      const start =
        (await cluster.describeTopic(topic)).partitions[range.partition]?.logStartOffset ?? offset;
      if (start > offset) {
        job.scanned += Math.min(start, range.endOffset) - offset;
        offset = start;
        continue;
      }
      break;
    }
    const chosen = filter ? records.filter((r) => filter(r, range.partition)) : records;
    if (chosen.length > 0) await sink.write(range.partition, chosen);
    job.scanned += records[records.length - 1].offset + 1 - offset;
    job.written += chosen.length;
    offset = records[records.length - 1].offset + 1;
  }
}

async function describeGroupOrNull(
  cluster: Cluster,
  groupId: string,
): Promise<{ members: number } | null> {
  try {
    return await cluster.describeGroup(groupId);
  } catch (err) {
    if (err instanceof LogdockError && err.code === 'UNKNOWN_GROUP') return null;
    throw err;
  }
}
