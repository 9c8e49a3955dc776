import type { SeekTarget } from '../../common/api/messages';
import { LogdockError } from '../../common/errors';
import { lanesOf, type Lane } from './lanes';
import { selectPartitions, totalOf, type MessageSource } from './partitions';
import { TimePositions } from './time-position';

export interface Located {
  index: number;
  total: number;
  note: string | null;
}

/** A seek target of a view of lanes: an offset may name its topic (a timeline's). */
export type LaneTarget =
  | Exclude<SeekTarget, { kind: 'offset' }>
  | { kind: 'offset'; topic?: string; partition?: number; offset: number };

/**
 * The row index of a seek target in a view (see readWindow for how rows are numbered).
 * @throws LogdockError OFFSET_OUT_OF_RANGE naming the valid offsets of the partition,
 *   INVALID_ARGUMENT for an offset without a partition in a multi-partition view,
 *   UNKNOWN_TOPIC / UNKNOWN_PARTITION.
 */
export async function locate(
  source: MessageSource,
  topic: string,
  wanted: number[] | null,
  target: SeekTarget,
): Promise<Located> {
  const parts = await selectPartitions(source, topic, wanted);
  return locateInLanes(source, lanesOf(topic, parts), target, `topic ${topic}`);
}

/**
 * The row index of a seek target among lanes merged in (timestamp, lane, offset) order;
 * `what` names the view in errors (e.g. "topic orders", "the timeline of a, b").
 */
export async function locateInLanes(
  source: MessageSource,
  lanes: Lane[],
  target: LaneTarget,
  what: string,
): Promise<Located> {
  const total = totalOf(lanes);
  const lastIndex = Math.max(0, total - 1);
  switch (target.kind) {
    case 'earliest':
      return { index: 0, total, note: null };
    case 'latest':
      return { index: lastIndex, total, note: null };
    case 'lastN':
      return { index: Math.max(0, total - target.n), total, note: null };
    case 'timestamp': {
      const index = await new TimePositions(source, lanes).total(target.timestamp);
      if (index >= total) {
        const when = new Date(target.timestamp).toISOString();
        return {
          index: lastIndex,
          total,
          note: `no message at or after ${when}; showing the newest`,
        };
      }
      return { index, total, note: null };
    }
    case 'offset':
      return { index: await indexOfOffset(source, lanes, target, what), total, note: null };
  }
}

async function indexOfOffset(
  source: MessageSource,
  lanes: Lane[],
  target: { topic?: string; partition?: number; offset: number },
  what: string,
): Promise<number> {
  const lane = laneOf(lanes, target, what);
  checkOffset(lane, target.offset);
  const own = target.offset - lane.logStartOffset;
  if (lanes.length === 1) return own;
  // Merged view: the messages of other lanes stamped before this one (and, at equal time,
  // those of earlier lanes) come first.
  const records = await source.readRecords(lane.topic, lane.partition, target.offset, {
    maxRecords: 1,
  });
  const record = records.find((r) => r.offset >= target.offset);
  if (!record) return own;
  const tp = new TimePositions(source, lanes);
  const mine = lanes.indexOf(lane);
  const before = await Promise.all(
    lanes.map((q, i) =>
      i === mine ? 0 : tp.before(q, i < mine ? record.timestamp + 1 : record.timestamp),
    ),
  );
  return before.reduce((a, b) => a + b, own);
}

/** The lane an offset target names. */
function laneOf(
  lanes: Lane[],
  target: { topic?: string; partition?: number; offset: number },
  what: string,
): Lane {
  const topics = [...new Set(lanes.map((l) => l.topic))];
  if (target.topic === undefined && topics.length > 1) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `an offset in ${what} needs its topic (one of ${topics.join(', ')}) and partition`,
    );
  }
  const topic = target.topic ?? topics[0];
  const ofTopic = lanes.filter((l) => l.topic === topic);
  if (ofTopic.length === 0) {
    throw new LogdockError('UNKNOWN_TOPIC', `topic ${topic} is not in ${what}`);
  }
  if (target.partition === undefined && ofTopic.length > 1) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `offset ${target.offset}: say which partition of topic ${topic} (this view has ${ofTopic.length})`,
    );
  }
  const lane =
    target.partition === undefined
      ? ofTopic[0]
      : ofTopic.find((l) => l.partition === target.partition);
  if (!lane) {
    throw new LogdockError(
      'UNKNOWN_PARTITION',
      `partition ${target.partition} is not in this view of topic ${topic}; it shows ${ofTopic.map((p) => p.partition).join(', ')}`,
    );
  }
  return lane;
}

function checkOffset(lane: Lane, offset: number): void {
  if (offset >= lane.logStartOffset && offset < lane.logEndOffset) return;
  const where = `partition ${lane.partition} of topic ${lane.topic}`;
  if (lane.logEndOffset === lane.logStartOffset) {
    throw new LogdockError(
      'OFFSET_OUT_OF_RANGE',
      `offset ${offset} is outside ${where}: it is empty (the next message gets offset ${lane.logEndOffset})`,
    );
  }
  throw new LogdockError(
    'OFFSET_OUT_OF_RANGE',
    `offset ${offset} is outside ${where}: valid offsets are ${lane.logStartOffset} to ${lane.logEndOffset - 1}`,
  );
}
