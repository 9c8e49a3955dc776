/**
 * What the remote topic already holds, read from the records themselves: every forwarded
 * record carries `logdock.ship` = `<origin>/<local partition>/<local offset>` (./restamp.ts),
 * so the last such record of a local partition in its remote partition is the last one
 * forwarded, whatever the checkpoint says (it is written after the remote's ack and may lag
 * a crash). This is what makes a crash at any moment duplicate nothing.
 */
import type { Cluster } from '../cluster/cluster';
import { parseShipHeader, SHIP_HEADER } from './restamp';

export type ResumeSource = Pick<Cluster, 'describeTopic' | 'readRecords'>;

/** Offsets scanned in the first window of a search without a floor; each next window is 4x. */
const FIRST_WINDOW = 2_000;

/**
 * The last local offset of each of `localPartitions` found in remote partition
 * `remotePartition` (absent: none found). With `floor` (the checkpoint's `remoteNext`, below
 * which nothing newer than the checkpoint can be) the remote partition is read from there to
 * its end; without one, or when the remote partition no longer reaches it (topic recreated,
 * records deleted), it is searched backwards from its end in growing windows until every
 * local partition is found or its start is reached.
 */
export async function lastForwarded(
  remote: ResumeSource,
  topic: string,
  remotePartition: number,
  localPartitions: number[],
  origin: string,
  floor: number | null,
): Promise<Map<number, number>> {
  const described = (await remote.describeTopic(topic)).partitions[remotePartition];
  const found = new Map<number, number>();
  if (!described) return found;
  const { logStartOffset: start, logEndOffset: end } = described;
  if (floor !== null && floor >= start && floor <= end) {
    await scan(remote, topic, remotePartition, floor, end, origin, found);
    return found;
  }
  let hi = end;
  let window = FIRST_WINDOW;
  while (hi > start && localPartitions.some((p) => !found.has(p))) {
    const lo = Math.max(start, hi - window);
    const inWindow = new Map<number, number>();
    await scan(remote, topic, remotePartition, lo, hi, origin, inWindow);
    // A newer window's finding wins over an older one's.
    for (const [p, o] of inWindow) if (!found.has(p)) found.set(p, o);
    hi = lo;
    window *= 4;
  }
  return found;
}

async function scan(
  remote: ResumeSource,
  topic: string,
  partition: number,
  from: number,
  to: number,
  origin: string,
  found: Map<number, number>,
): Promise<void> {
  let offset = from;
  while (offset < to) {
    const records = await remote.readRecords(topic, partition, offset, {
      maxRecords: 5_000,
      maxBytes: 4 * 1024 * 1024,
    });
    if (records.length === 0) break;
    for (const r of records) {
      if (r.offset >= to) return;
      const header = r.headers.findLast((h) => h.key === SHIP_HEADER);
      const source = parseShipHeader(header?.value ?? null, origin);
      if (source && (found.get(source.partition) ?? -1) < source.offset)
        found.set(source.partition, source.offset);
    }
    offset = records[records.length - 1].offset + 1;
  }
}
