import { LOG_LEVELS, type LogLevel } from '../../common/api/dashboard';
import type { Cluster } from '../cluster';
import { recordLevel } from './levels';

export interface HistogramRequest {
  topic: string;
  /** Only these partitions; all when absent. */
  partitions?: number[];
  from: number;
  to: number;
  buckets: number;
  maxMessages: number;
}

export interface Histogram {
  bucketMs: number;
  buckets: { start: number; counts: Record<LogLevel, number> }[];
  scanned: number;
  truncated: boolean;
}

const CHUNK = 1000;

/** `n` equal time buckets over [from, to), every level counted 0. */
export function emptyBuckets(
  from: number,
  to: number,
  n: number,
): Omit<Histogram, 'scanned' | 'truncated'> {
  const bucketMs = Math.max(1, Math.ceil((to - from) / n));
  const buckets = Array.from({ length: n }, (_, i) => ({
    start: from + i * bucketMs,
    counts: Object.fromEntries(LOG_LEVELS.map((l) => [l, 0])) as Record<LogLevel, number>,
  }));
  return { bucketMs, buckets };
}

/**
 * Counts a topic's messages with from <= timestamp < to per time bucket and level. Each
 * partition's window is found by timestamp lookup; when the window holds more than the
 * partition's share of maxMessages, only its newest messages are read (truncated = true),
 * so the cost of a dashboard refresh is bounded however large the topic.
 * @throws LogdockError UNKNOWN_TOPIC.
 */
export async function levelHistogram(cluster: Cluster, req: HistogramRequest): Promise<Histogram> {
  const { bucketMs, buckets } = emptyBuckets(req.from, req.to, req.buckets);
  const wanted = req.partitions && new Set(req.partitions);
  const partitions = (await cluster.describeTopic(req.topic)).partitions.filter(
    (p) => !wanted || wanted.has(p.partition),
  );
  const share = Math.max(1, Math.floor(req.maxMessages / Math.max(1, partitions.length)));
  let scanned = 0;
  let truncated = false;
  for (const p of partitions) {
    const start =
      (await cluster.offsetForTimestamp(req.topic, p.partition, req.from)) ?? p.logEndOffset;
    const end =
      (await cluster.offsetForTimestamp(req.topic, p.partition, req.to)) ?? p.logEndOffset;
    let offset = Math.max(start, end - share);
    if (offset > start) truncated = true;
    while (offset < end) {
      const records = await cluster.readRecords(req.topic, p.partition, offset, {
        maxRecords: Math.min(CHUNK, end - offset),
      });
      const fresh = records.filter((r) => r.offset >= offset && r.offset < end);
      if (fresh.length === 0) break;
      for (const r of fresh) {
        // Timestamps need not be monotonic (CreateTime), so the window is re-checked per record.
        if (r.timestamp < req.from || r.timestamp >= req.to) continue;
        const i = Math.min(req.buckets - 1, Math.floor((r.timestamp - req.from) / bucketMs));
        buckets[i].counts[recordLevel(r)]++;
      }
      scanned += fresh.length;
      offset = fresh[fresh.length - 1].offset + 1;
    }
  }
  return { bucketMs, buckets, scanned, truncated };
}
