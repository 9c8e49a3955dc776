import { LOG_LEVELS, type LogLevel } from '../../common/api/dashboard';
import type { Cluster } from '../cluster';
import { aggregate } from '../search/aggregate';
import { emptyBuckets } from '../search/counters';

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

/**
 * Counts a topic's messages with from <= timestamp < to per time bucket and level. Each
 * partition's window is found by timestamp lookup; when the window holds more than the
 * partition's share of maxMessages, only its newest messages are read (truncated = true),
 * so the cost of a dashboard refresh is bounded however large the topic. The messages are
 * decoded and counted in the worker pool (search/aggregate.ts, as the browser's histogram of
 * a view): the UI asks for this every few seconds while it follows a busy topic, and
 * decoding 200,000 messages on the main thread held the event loop for seconds.
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
    const offset = Math.max(start, end - share);
    if (offset > start) truncated = true;
    if (offset >= end) continue;
    const counted = await aggregate(
      cluster,
      {
        topic: req.topic,
        partitions: [p.partition],
        range: { kind: 'offsets', from: offset, to: end },
        top: 0,
        histogram: { from: req.from, to: req.to, buckets: req.buckets },
        maxMatches: Number.MAX_SAFE_INTEGER,
      },
      { signal: new AbortController().signal, onProgress: () => {}, onPartial: () => {} },
    );
    if (!counted?.histogram) continue;
    scanned += counted.scanned;
    counted.histogram.buckets.forEach((b, i) => {
      for (const level of LOG_LEVELS) buckets[i].counts[level] += b.counts[level] ?? 0;
    });
  }
  return { bucketMs, buckets, scanned, truncated };
}
