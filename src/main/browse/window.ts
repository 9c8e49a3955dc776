import type { MessageRow } from '../../common/api/messages';
import { lanesOf } from './lanes';
import { mergedWindow, WINDOW_READ_BYTES } from './merge';
import { selectPartitions, totalOf, type MessageSource, type PartitionEnds } from './partitions';
import { decodeFrom } from '../storage/partial-decode';
import { toRow } from './preview';

export interface WindowResult {
  total: number;
  rows: MessageRow[];
  partitions: PartitionEnds[];
}

/**
 * Rows [start, start + count) of a view (see the note in common/api/messages.ts). For one
 * partition row i is offset logStart + i, and offsets missing after compaction are simply
 * absent from `rows`. For several, rows are merged in (timestamp, partition, offset) order.
 * Safe to call concurrently; reads only.
 */
export async function readWindow(
  source: MessageSource,
  topic: string,
  wanted: number[] | null,
  start: number,
  count: number,
  previewBytes: number,
): Promise<WindowResult> {
  const parts = await selectPartitions(source, topic, wanted);
  const total = totalOf(parts);
  const rows = await rowsOf(
    source,
    topic,
    parts,
    start,
    Math.min(total, start + count),
    previewBytes,
  );
  return { total, rows, partitions: parts };
}

/**
 * Rows [start, end) of the view of `parts` as they were selected (their ends): a caller that
 * chose the range from those ends gets exactly it, whatever arrived since.
 */
export async function rowsOf(
  source: MessageSource,
  topic: string,
  parts: PartitionEnds[],
  start: number,
  end: number,
  previewBytes: number,
): Promise<MessageRow[]> {
  if (start >= end) return [];
  return parts.length === 1
    ? singleWindow(source, topic, parts[0], start, end, previewBytes)
    : mergedWindow(source, lanesOf(topic, parts), start, end, previewBytes);
}

async function singleWindow(
  source: MessageSource,
  topic: string,
  part: PartitionEnds,
  start: number,
  end: number,
  previewBytes: number,
): Promise<MessageRow[]> {
  const rows: MessageRow[] = [];
  const last = part.logStartOffset + end; // exclusive
  let offset = part.logStartOffset + start;
  while (offset < last) {
    const { records: raw } = await source.read(topic, part.partition, offset, WINDOW_READ_BYTES);
    const records = decodeFrom(raw, offset, last - offset);
    let advanced = false;
    for (const r of records) {
      if (r.offset < offset) continue; // a batch may start before the asked offset
      if (r.offset >= last) break;
      rows.push(toRow(r, part.partition, r.offset - part.logStartOffset, previewBytes));
      offset = r.offset + 1;
      advanced = true;
    }
    if (!advanced) break; // nothing more: the end moved or the rest was compacted away
  }
  return rows;
}
