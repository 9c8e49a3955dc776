import type { MessageRow } from '../../common/api/messages';
import type { TimelineTarget } from '../../common/api/timeline';
import { lanesOf, type Lane } from './lanes';
import { locateInLanes, type Located } from './locate';
import { mergedWindow } from './merge';
import { selectPartitions, totalOf, type MessageSource } from './partitions';

/**
 * Every partition of every topic of a timeline, topic by topic in the order given (the tie
 * order between equal timestamps), each topic's partitions in order. The topics are
 * described at once.
 * @throws LogdockError UNKNOWN_TOPIC naming the topic, from the cluster.
 */
export async function timelineLanes(source: MessageSource, topics: string[]): Promise<Lane[]> {
  const parts = await Promise.all(topics.map((t) => selectPartitions(source, t, null)));
  return topics.flatMap((t, i) => lanesOf(t, parts[i]));
}

export interface TimelineWindow {
  total: number;
  rows: MessageRow[];
  lanes: Lane[];
}

/** Rows [start, start + count) of the topics merged by time, each row naming its topic. */
export async function readTimelineWindow(
  source: MessageSource,
  topics: string[],
  start: number,
  count: number,
  previewBytes: number,
): Promise<TimelineWindow> {
  const lanes = await timelineLanes(source, topics);
  const total = totalOf(lanes);
  const end = Math.min(total, start + count);
  if (start >= end) return { total, rows: [], lanes };
  return { total, rows: await mergedWindow(source, lanes, start, end, previewBytes, true), lanes };
}

/** The row index of a seek target in the timeline of `topics`. */
export async function locateInTimeline(
  source: MessageSource,
  topics: string[],
  target: TimelineTarget,
): Promise<Located> {
  const lanes = await timelineLanes(source, topics);
  return locateInLanes(source, lanes, target, `the timeline of ${topics.join(', ')}`);
}
