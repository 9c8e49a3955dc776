import type { dashboardRequests } from '../../common/api/dashboard';
import type { Cluster } from '../cluster';
import { levelHistogram } from '../metrics/histogram';
import type { MetricsSampler } from '../metrics/sampler';
import type { Point } from '../metrics/series';
import type { HandlersFor } from './dispatcher';

const ratePoints = (points: Point[]) =>
  points.map((p) => ({ timestamp: p.timestamp, rate: p.value }));

export interface DashboardDeps {
  cluster: Cluster;
  metrics: MetricsSampler;
}

/** Handlers of the `dashboard.*` requests. */
export function createDashboardHandlers({
  cluster,
  metrics,
}: DashboardDeps): HandlersFor<typeof dashboardRequests> {
  return {
    'dashboard.rates': () => {
      const total = metrics.totalHistory();
      return {
        intervalMs: metrics.intervalMs,
        topics: metrics
          .rateHistory()
          .map(({ topic, points }) => ({ topic, points: ratePoints(points) })),
        consumed: metrics
          .consumeHistory()
          .map(({ topic, groups, points }) => ({ topic, groups, points: ratePoints(points) })),
        total: { produced: ratePoints(total.produced), consumed: ratePoints(total.consumed) },
      };
    },
    'dashboard.disk': async () =>
      (await cluster.listTopics())
        .map((t) => ({
          topic: t.name,
          partitions: t.partitions.length,
          // -1 (not available) when any partition's size is unknown, as on a remote cluster.
          sizeBytes: t.partitions.some((p) => p.sizeBytes < 0)
            ? -1
            : t.partitions.reduce((sum, p) => sum + p.sizeBytes, 0),
          messages: t.partitions.reduce((sum, p) => sum + (p.logEndOffset - p.logStartOffset), 0),
        }))
        .sort((a, b) => b.sizeBytes - a.sizeBytes || a.topic.localeCompare(b.topic)),
    'dashboard.histogram': (params) => levelHistogram(cluster, params),
    'dashboard.locate': async ({ topic, timestamp }) => {
      // Per partition the first offset at/after the time; the earliest such message wins.
      let best: { partition: number; offset: number; timestamp: number } | null = null;
      for (const p of (await cluster.describeTopic(topic)).partitions) {
        const offset = await cluster.offsetForTimestamp(topic, p.partition, timestamp);
        if (offset === null) continue;
        const [record] = await cluster.readRecords(topic, p.partition, offset, { maxRecords: 1 });
        const at = record?.offset === offset ? record.timestamp : timestamp;
        if (!best || at < best.timestamp) best = { partition: p.partition, offset, timestamp: at };
      }
      return best && { partition: best.partition, offset: best.offset };
    },
  };
}
