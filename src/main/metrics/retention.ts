import type { TopicConfigs } from '../cluster';
import type { SegmentInfo } from '../storage/api';

/**
 * Which segments of one partition (oldest first) the next retention pass deletes, and why,
 * following Kafka's UnifiedLog.deleteOldSegments: only with a `delete` cleanup policy; first
 * the leading segments whose newest record is older than retention.ms, then, of the rest,
 * the leading segments that can go while the partition stays above retention.bytes. The
 * active segment is never deleted (Kafka rolls it first; that roll is not predicted here).
 * Returns one entry per segment: 'time', 'size' or null.
 */
export function retentionPlan(
  segments: SegmentInfo[],
  configs: Pick<TopicConfigs, 'retention.ms' | 'retention.bytes' | 'cleanup.policy'>,
  now: number,
): ('time' | 'size' | null)[] {
  const plan: ('time' | 'size' | null)[] = segments.map(() => null);
  if (!configs['cleanup.policy'].includes('delete')) return plan;
  let i = 0;
  const retentionMs = configs['retention.ms'];
  if (retentionMs >= 0) {
    for (; i < segments.length; i++) {
      const s = segments[i];
      if (s.active || s.maxTimestamp === null || now - s.maxTimestamp <= retentionMs) break;
      plan[i] = 'time';
    }
  }
  const retentionBytes = configs['retention.bytes'];
  if (retentionBytes >= 0) {
    let excess = segments.slice(i).reduce((sum, s) => sum + s.sizeBytes, 0) - retentionBytes;
    for (; i < segments.length; i++) {
      const s = segments[i];
      if (s.active || excess - s.sizeBytes < 0) break;
      plan[i] = 'size';
      excess -= s.sizeBytes;
    }
  }
  return plan;
}
