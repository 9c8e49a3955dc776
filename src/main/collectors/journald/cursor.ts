/**
 * The checkpoint of a journald source is the cursor of its last record in the topic
 * (`logdock.cursor`), so it is stored in the same append as the entry it names and can
 * never be ahead of or behind what was produced. The source writes to partition 0 only;
 * its last record there is found by reading windows backwards from the end.
 */
import type { Cluster } from '../../cluster';
import { H, headerString } from '../record';
import { CURSOR_HEADER } from './entry';

const WINDOW = 1000;

/** The cursor of the newest record of `sourceId` in partition 0 of `topic`, or null. */
export async function lastCursor(
  cluster: Cluster,
  topic: string,
  sourceId: string,
): Promise<string | null> {
  const p = (await cluster.describeTopic(topic)).partitions.find((x) => x.partition === 0);
  if (!p) return null;
  let end = p.logEndOffset;
  while (end > p.logStartOffset) {
    const from = Math.max(p.logStartOffset, end - WINDOW);
    let found: string | null = null;
    let offset = from;
    while (offset < end) {
      const records = await cluster.readRecords(topic, 0, offset, { maxRecords: WINDOW });
      if (records.length === 0) break;
      for (const r of records) {
        if (r.offset >= end) break;
        if (headerString(r.headers, H.source) !== sourceId) continue;
        found = headerString(r.headers, CURSOR_HEADER) ?? found;
      }
      offset = records[records.length - 1].offset + 1;
    }
    if (found) return found;
    end = from;
  }
  return null;
}
