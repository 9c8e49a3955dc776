import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { isAbsolute } from 'node:path';
import type { ReplayTarget } from '../../common/api/replay';
import { LogdockError } from '../../common/errors';
import type { Cluster, ProduceRecord } from '../cluster';
import type { StoredRecord } from '../storage/api';
import { recordToJsonLine } from './jsonl';

/** Where a replay writes the messages it reads, chunk by chunk. */
export interface ReplaySink {
  /** Writes one chunk; resolves when it is accepted, so memory holds one chunk at a time. */
  write(partition: number, records: StoredRecord[]): Promise<void>;
  /** Flushes and closes; called once, also after a failure or cancel. */
  close(): Promise<void>;
}

type TopicTarget = Extract<ReplayTarget, { kind: 'topic' }>;
type FileTarget = Extract<ReplayTarget, { kind: 'file' }>;

/**
 * A sink producing into a topic of `into.cluster` (the source's or another), creating the
 * topic when missing with as many partitions as the source topic unless told.
 * @throws LogdockError INVALID_ARGUMENT when the target is the source topic on the same
 *   cluster (it would read its own output) or keepPartitions needs partitions the target lacks.
 */
export async function openTopicSink(
  into: { cluster: Cluster; sameCluster: boolean },
  source: Cluster,
  sourceTopic: string,
  sourcePartitions: number[],
  target: TopicTarget,
): Promise<ReplaySink> {
  const cluster = into.cluster;
  if (into.sameCluster && target.topic === sourceTopic) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `replay target topic ${target.topic} is the source topic`,
    );
  }
  const existing = await cluster.describeTopic(target.topic).catch((err: unknown) => {
    if (err instanceof LogdockError && err.code === 'UNKNOWN_TOPIC') return null;
    throw err;
  });
  const partitionCount = existing
    ? existing.partitions.length
    : (
        await cluster.createTopic(target.topic, {
          partitions:
            target.createPartitions ?? (await source.describeTopic(sourceTopic)).partitions.length,
        })
      ).partitions.length;
  const highest = Math.max(-1, ...sourcePartitions);
  if (target.keepPartitions && highest >= partitionCount) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `keepPartitions: target topic ${target.topic} has ${partitionCount} partitions, partition ${highest} is replayed`,
    );
  }
  return {
    async write(partition, records) {
      const out: ProduceRecord[] = records.map((r) => ({
        topic: target.topic,
        partition: target.keepPartitions ? partition : undefined,
        key: target.keepKeys ? r.key : null,
        value: r.value,
        headers: target.keepHeaders ? r.headers : [],
        timestamp: target.keepTimestamps ? r.timestamp : undefined,
      }));
      await cluster.send(out, { acks: 1 });
    },
    async close() {},
  };
}

/**
 * A sink writing JSON Lines to a new file; backpressure is honoured so a slow disk does not
 * make the replay buffer the whole range in memory.
 * @throws LogdockError INVALID_ARGUMENT for a relative path, ALREADY_EXISTS when the file exists.
 */
export async function openFileSink(sourceTopic: string, target: FileTarget): Promise<ReplaySink> {
  if (!isAbsolute(target.path)) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `replay file ${target.path}: needs an absolute path`,
    );
  }
  const stream = createWriteStream(target.path, { flags: 'wx' });
  await openOrThrow(stream, target.path);
  return {
    async write(partition, records) {
      for (const record of records) {
        if (!stream.write(recordToJsonLine(sourceTopic, partition, record)))
          await once(stream, 'drain');
      }
    },
    async close() {
      await new Promise<void>((resolve, reject) =>
        stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
      );
    },
  };
}

async function openOrThrow(stream: WriteStream, path: string): Promise<void> {
  try {
    await once(stream, 'open');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new LogdockError('ALREADY_EXISTS', `replay file ${path} already exists`);
    throw new LogdockError('IO_ERROR', `replay file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
