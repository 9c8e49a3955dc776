import type { SeekTarget } from '../../common/api/messages';
import { LogdockError } from '../../common/errors';
import { selectPartitions, totalOf, type MessageSource, type PartitionEnds } from './partitions';
import { TimePositions } from './time-position';

export interface Located {
  index: number;
  total: number;
  note: string | null;
}

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
  const total = totalOf(parts);
  const lastIndex = Math.max(0, total - 1);
  switch (target.kind) {
    case 'earliest':
      return { index: 0, total, note: null };
    case 'latest':
      return { index: lastIndex, total, note: null };
    case 'lastN':
      return { index: Math.max(0, total - target.n), total, note: null };
    case 'timestamp': {
      const index = await new TimePositions(source, topic, parts).total(target.timestamp);
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
      return { index: await indexOfOffset(source, topic, parts, target), total, note: null };
  }
}

async function indexOfOffset(
  source: MessageSource,
  topic: string,
  parts: PartitionEnds[],
  target: { partition?: number; offset: number },
): Promise<number> {
  if (target.partition === undefined && parts.length > 1) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `offset ${target.offset}: say which partition of topic ${topic} (this view has ${parts.length})`,
    );
  }
  const part =
    target.partition === undefined ? parts[0] : parts.find((p) => p.partition === target.partition);
  if (!part) {
    throw new LogdockError(
      'UNKNOWN_PARTITION',
      `partition ${target.partition} is not in this view of topic ${topic}; it shows ${parts.map((p) => p.partition).join(', ')}`,
    );
  }
  checkOffset(topic, part, target.offset);
  const own = target.offset - part.logStartOffset;
  if (parts.length === 1) return own;
  // Merged view: the messages of other partitions stamped before this one (and, at equal
  // time, those of lower partitions) come first.
  const records = await source.readRecords(topic, part.partition, target.offset, { maxRecords: 1 });
  const record = records.find((r) => r.offset >= target.offset);
  if (!record) return own;
  const tp = new TimePositions(source, topic, parts);
  let index = own;
  for (const q of parts) {
    if (q === part) continue;
    const tieEnd = q.partition < part.partition ? record.timestamp + 1 : record.timestamp;
    index += await tp.before(q, tieEnd);
  }
  return index;
}

function checkOffset(topic: string, part: PartitionEnds, offset: number): void {
  if (offset >= part.logStartOffset && offset < part.logEndOffset) return;
  const where = `partition ${part.partition} of topic ${topic}`;
  if (part.logEndOffset === part.logStartOffset) {
    throw new LogdockError(
      'OFFSET_OUT_OF_RANGE',
      `offset ${offset} is outside ${where}: it is empty (the next message gets offset ${part.logEndOffset})`,
    );
  }
  throw new LogdockError(
    'OFFSET_OUT_OF_RANGE',
    `offset ${offset} is outside ${where}: valid offsets are ${part.logStartOffset} to ${part.logEndOffset - 1}`,
  );
}
