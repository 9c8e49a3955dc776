import type { MessageRow } from '../../common/api/messages';
import type { StoredRecord } from '../storage/api';
import type { Lane } from './lanes';
import { decodeFrom } from '../storage/partial-decode';
import type { MessageSource } from './partitions';
import { toRow } from './preview';
import { TimePositions } from './time-position';

/** A window is small: ask little (the broker still returns a whole first batch). */
export const WINDOW_READ_BYTES = 256 * 1024;

/** A lane's read-ahead buffer during a k-way merge. */
interface Cursor {
  lane: Lane;
  next: number; // next offset to read from the broker
  buffer: StoredRecord[];
  pos: number;
  done: boolean;
}

/**
 * Rows [start, end) of the lanes merged in (timestamp, lane, offset) order. Starts from the
 * exact positions of row `start`: every lane is placed at its first message stamped T (the
 * row's time, found with time-index lookups only), then the rows stamped T that come before
 * `start` are skipped lane by lane, which the order makes a matter of arithmetic rather
 * than reading. `withTopic` puts each row's topic on it (a view of several topics).
 */
export async function mergedWindow(
  source: MessageSource,
  lanes: Lane[],
  start: number,
  end: number,
  previewBytes: number,
  withTopic = false,
): Promise<MessageRow[]> {
  const tp = new TimePositions(source, lanes);
  const t = await tp.timeOfIndex(start);
  let skip = start - (await tp.total(t));
  const cursors: Cursor[] = [];
  for (const lane of lanes) {
    let at = await tp.before(lane, t);
    const tied = (await tp.before(lane, t + 1)) - at;
    const step = Math.min(skip, tied);
    at += step;
    skip -= step;
    cursors.push({ lane, next: lane.logStartOffset + at, buffer: [], pos: 0, done: false });
  }
  const want = end - start;
  const rows: MessageRow[] = [];
  while (rows.length < want) {
    const c = await pickNext(source, cursors, want - rows.length);
    if (!c) break;
    const r = c.buffer[c.pos++];
    const row = toRow(r, c.lane.partition, start + rows.length, previewBytes);
    rows.push(withTopic ? { topic: c.lane.topic, ...row } : row);
  }
  return rows;
}

async function pickNext(
  source: MessageSource,
  cursors: Cursor[],
  want: number,
): Promise<Cursor | null> {
  const empty = cursors.filter((c) => c.pos >= c.buffer.length && !c.done);
  // Refills are independent reads: ask them together (a remote cluster answers in parallel).
  await Promise.all(empty.map((c) => refill(source, c, want)));
  let best: Cursor | null = null;
  for (const c of cursors) {
    if (c.pos >= c.buffer.length) continue;
    if (best === null || c.buffer[c.pos].timestamp < best.buffer[best.pos].timestamp) best = c;
  }
  return best; // ties keep the earlier lane: cursors are in lane order
}

async function refill(source: MessageSource, c: Cursor, want: number): Promise<void> {
  c.buffer = [];
  c.pos = 0;
  if (c.done || c.next >= c.lane.logEndOffset) {
    c.done = true;
    return;
  }
  const { records: raw } = await source.read(
    c.lane.topic,
    c.lane.partition,
    c.next,
    WINDOW_READ_BYTES,
  );
  const records = decodeFrom(raw, c.next, Math.min(want, c.lane.logEndOffset - c.next));
  c.buffer = records.filter((r) => r.offset >= c.next && r.offset < c.lane.logEndOffset);
  if (c.buffer.length === 0) c.done = true;
  else c.next = c.buffer[c.buffer.length - 1].offset + 1;
}
