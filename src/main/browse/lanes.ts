import type { PartitionEnds } from './partitions';

/**
 * One partition of one topic in a merged view: a view of one topic has a lane per chosen
 * partition, a timeline (several topics) a lane per partition of every topic. The lanes'
 * order is the tie order of the merge: messages stamped alike come lane by lane, so the
 * merged order (timestamp, lane, offset) is total and the same on every request.
 */
export interface Lane extends PartitionEnds {
  topic: string;
}

/** The lanes of one topic's partitions, in partition order. */
export function lanesOf(topic: string, parts: PartitionEnds[]): Lane[] {
  return parts.map((p) => ({ topic, ...p }));
}

export function laneKey(lane: { topic: string; partition: number }): string {
  return `${lane.topic}\u0000${lane.partition}`;
}
