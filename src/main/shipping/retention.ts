/**
 * The warning before local retention deletes records not yet forwarded (docs/clusters.md,
 * Shipping): retention deletes a partition's oldest segments once their newest record is
 * older than retention.ms, or once the partition is larger than retention.bytes. When the
 * backlog's oldest record has used 80% of retention.ms, or the backlog takes 80% of
 * retention.bytes, the forward is at risk and the status (and log) say so.
 */
import type { Cluster } from '../cluster/cluster';
import type { ShipPosition } from './checkpoint';

export const RETENTION_WARNING_SHARE = 0.8;

export async function retentionWarning(
  local: Pick<Cluster, 'describeTopic' | 'readRecords'>,
  topic: string,
  positions: Map<number, ShipPosition>,
  now = Date.now(),
): Promise<string | null> {
  const described = await local.describeTopic(topic);
  const { 'retention.ms': retentionMs, 'retention.bytes': retentionBytes } = described.configs;
  for (const p of described.partitions) {
    const next = positions.get(p.partition)?.next;
    if (next === undefined || next >= p.logEndOffset) continue;
    const where = `${topic}-${p.partition}`;
    if (retentionMs > 0) {
      const [oldest] = await local.readRecords(
        topic,
        p.partition,
        Math.max(next, p.logStartOffset),
        {
          maxRecords: 1,
        },
      );
      const age = oldest ? now - oldest.timestamp : 0;
      if (age > RETENTION_WARNING_SHARE * retentionMs) {
        return `${where}: the oldest record not yet forwarded (offset ${oldest!.offset}) is ${hours(age)} old and retention.ms deletes records after ${hours(retentionMs)}`;
      }
    }
    if (retentionBytes > 0 && p.sizeBytes > 0) {
      const held = Math.max(1, p.logEndOffset - p.logStartOffset);
      const backlogBytes = (p.sizeBytes * (p.logEndOffset - next)) / held;
      if (backlogBytes > RETENTION_WARNING_SHARE * retentionBytes) {
        return `${where}: ${Math.round(backlogBytes)} bytes not yet forwarded, close to retention.bytes ${retentionBytes}; retention deletes the oldest segments beyond it`;
      }
    }
  }
  return null;
}

function hours(ms: number): string {
  return ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${Math.round(ms / 60_000)} min`;
}
