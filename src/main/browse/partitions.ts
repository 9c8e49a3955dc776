import { LogdockError } from '../../common/errors';
import type { Cluster } from '../cluster';

/** The part of the cluster the browser, search and export read through. */
export type MessageSource = Pick<
  Cluster,
  'describeTopic' | 'partitionEnds' | 'read' | 'readRecords' | 'offsetForTimestamp' | 'local'
>;

export interface PartitionEnds {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
}

/**
 * The start and end offsets of the selected partitions (all when `wanted` is null), in
 * partition order.
 * @throws LogdockError UNKNOWN_TOPIC from the cluster, UNKNOWN_PARTITION naming the valid ones.
 */
export async function selectPartitions(
  source: MessageSource,
  topic: string,
  wanted: number[] | null,
): Promise<PartitionEnds[]> {
  const all = source.partitionEnds
    ? await source.partitionEnds(topic)
    : (await source.describeTopic(topic)).partitions.map((p) => ({
        partition: p.partition,
        logStartOffset: p.logStartOffset,
        logEndOffset: p.logEndOffset,
      }));
  all.sort((a, b) => a.partition - b.partition);
  if (wanted === null) return all;
  const unique = [...new Set(wanted)].sort((a, b) => a - b);
  return unique.map((n) => {
    const found = all.find((p) => p.partition === n);
    if (!found) {
      throw new LogdockError(
        'UNKNOWN_PARTITION',
        `topic ${topic} has no partition ${n}; valid partitions are 0 to ${all.length - 1}`,
      );
    }
    return found;
  });
}

export function totalOf(parts: PartitionEnds[]): number {
  return parts.reduce((sum, p) => sum + (p.logEndOffset - p.logStartOffset), 0);
}
