import type { RangeBound, ReplayRange } from '../../common/api/replay';
import { LogdockError } from '../../common/errors';
import type { Cluster, PartitionDescription } from '../cluster';

/** Where a replay reads in one partition: [startOffset, endOffset). */
export interface PartitionRange {
  partition: number;
  startOffset: number;
  endOffset: number;
}

/**
 * Turns a range given in offsets or times into concrete offsets per partition, clamped to
 * what the log holds now (messages appended later are not part of the range).
 * @throws LogdockError UNKNOWN_TOPIC / UNKNOWN_PARTITION naming the topic and partition.
 */
export async function resolveRange(
  cluster: Cluster,
  range: ReplayRange,
): Promise<PartitionRange[]> {
  const topic = await cluster.describeTopic(range.topic);
  let partitions = topic.partitions;
  if (range.partition !== undefined) {
    partitions = partitions.filter((p) => p.partition === range.partition);
    if (partitions.length === 0) {
      throw new LogdockError(
        'UNKNOWN_PARTITION',
        `topic ${range.topic} has no partition ${range.partition} (it has ${topic.partitions.length})`,
      );
    }
  }
  const out: PartitionRange[] = [];
  for (const p of partitions) {
    const startOffset = await resolveBound(cluster, range.topic, p, range.from);
    const endOffset = await resolveBound(cluster, range.topic, p, range.to);
    out.push({ partition: p.partition, startOffset, endOffset: Math.max(startOffset, endOffset) });
  }
  return out;
}

async function resolveBound(
  cluster: Cluster,
  topic: string,
  p: PartitionDescription,
  bound: RangeBound,
): Promise<number> {
  switch (bound.kind) {
    case 'earliest':
      return p.logStartOffset;
    case 'latest':
      return p.logEndOffset;
    case 'offset':
      return Math.min(Math.max(bound.offset, p.logStartOffset), p.logEndOffset);
    case 'timestamp': {
      // No message at or after the time: the range bound is the end of the log.
      const offset = await cluster.offsetForTimestamp(topic, p.partition, bound.timestamp);
      return offset === null ? p.logEndOffset : Math.max(offset, p.logStartOffset);
    }
  }
}
