import type { MessageRow } from '../../common/api/messages';
import type { StoredRecord } from '../storage/api';
import { selectPartitions, totalOf, type MessageSource, type PartitionEnds } from './partitions';
import { decodeFrom } from './partial-decode';
import { toRow } from './preview';
import { TimePositions } from './time-position';

/** A window is small: ask little (the broker still returns a whole first batch). */
const WINDOW_READ_BYTES = 256 * 1024;

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
  const end = Math.min(total, start + count);
  if (start >= end) return { total, rows: [], partitions: parts };
  const rows =
    parts.length === 1
      ? await singleWindow(source, topic, parts[0], start, end, previewBytes)
      : await mergedWindow(source, topic, parts, start, end, previewBytes);
  return { total, rows, partitions: parts };
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

/** A partition's read-ahead buffer during a k-way merge. */
interface Cursor {
  part: PartitionEnds;
  next: number; // next offset to read from the broker
  buffer: StoredRecord[];
  pos: number;
  done: boolean;
}

/**
 * Merges from the exact start positions of row `start`: every partition is placed at its
 * first message stamped T (the row's time), then the rows stamped T that come before
 * `start` are skipped partition by partition, which the (timestamp, partition, offset)
 * order makes a matter of arithmetic rather than reading.
 */
async function mergedWindow(
  source: MessageSource,
  topic: string,
  parts: PartitionEnds[],
  start: number,
  end: number,
  previewBytes: number,
): Promise<MessageRow[]> {
  const tp = new TimePositions(source, topic, parts);
  const t = await tp.timeOfIndex(start);
  let skip = start - (await tp.total(t));
  const cursors: Cursor[] = [];
  for (const part of parts) {
    let at = await tp.before(part, t);
    const tied = (await tp.before(part, t + 1)) - at;
    const step = Math.min(skip, tied);
    at += step;
    skip -= step;
    cursors.push({ part, next: part.logStartOffset + at, buffer: [], pos: 0, done: false });
  }
  const want = end - start;
  const rows: MessageRow[] = [];
  while (rows.length < want) {
    const c = await pickNext(source, topic, cursors, want - rows.length);
    if (!c) break;
    const r = c.buffer[c.pos++];
    rows.push(toRow(r, c.part.partition, start + rows.length, previewBytes));
  }
  return rows;
}

async function pickNext(
  source: MessageSource,
  topic: string,
  cursors: Cursor[],
  want: number,
): Promise<Cursor | null> {
  let best: Cursor | null = null;
  for (const c of cursors) {
    if (c.pos >= c.buffer.length) await refill(source, topic, c, want);
    if (c.pos >= c.buffer.length) continue;
    if (best === null || c.buffer[c.pos].timestamp < best.buffer[best.pos].timestamp) best = c;
  }
  return best; // ties keep the lower partition: cursors are in partition order
}

async function refill(
  source: MessageSource,
  topic: string,
  c: Cursor,
  want: number,
): Promise<void> {
  c.buffer = [];
  c.pos = 0;
  if (c.done || c.next >= c.part.logEndOffset) {
    c.done = true;
    return;
  }
  const { records: raw } = await source.read(topic, c.part.partition, c.next, WINDOW_READ_BYTES);
  const records = decodeFrom(raw, c.next, Math.min(want, c.part.logEndOffset - c.next));
  c.buffer = records.filter((r) => r.offset >= c.next && r.offset < c.part.logEndOffset);
  if (c.buffer.length === 0) c.done = true;
  else c.next = c.buffer[c.buffer.length - 1].offset + 1;
}
