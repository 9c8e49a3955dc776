import type { dashboardRequests } from '../../common/api/dashboard';
import type { BrokerApi } from '../broker/api';
import { levelHistogram } from '../metrics/histogram';
import type { MetricsSampler } from '../metrics/sampler';
import type { HandlersFor } from './dispatcher';

export interface DashboardDeps {
  broker: BrokerApi;
  metrics: MetricsSampler;
}

/** Handlers of the `dashboard.*` requests. */
export function createDashboardHandlers({
  broker,
  metrics,
}: DashboardDeps): HandlersFor<typeof dashboardRequests> {
  return {
    'dashboard.rates': () => ({
      intervalMs: metrics.intervalMs,
      topics: metrics.rateHistory().map(({ topic, points }) => ({
        topic,
        points: points.map((p) => ({ timestamp: p.timestamp, rate: p.value })),
      })),
    }),
    'dashboard.disk': () =>
      broker
        .listTopics()
        .map((t) => ({
          topic: t.name,
          partitions: t.partitions.length,
          sizeBytes: t.partitions.reduce((sum, p) => sum + p.sizeBytes, 0),
          messages: t.partitions.reduce((sum, p) => sum + (p.logEndOffset - p.logStartOffset), 0),
        }))
        .sort((a, b) => b.sizeBytes - a.sizeBytes || a.topic.localeCompare(b.topic)),
    'dashboard.histogram': (params) => levelHistogram(broker, params),
    'dashboard.locate': async ({ topic, timestamp }) => {
      // Per partition the first offset at/after the time; the earliest such message wins.
      let best: { partition: number; offset: number; timestamp: number } | null = null;
      for (const p of broker.describeTopic(topic).partitions) {
        const offset = await broker.offsetForTimestamp(topic, p.partition, timestamp);
        if (offset === null) continue;
        const [record] = await broker.readRecords(topic, p.partition, offset, { maxRecords: 1 });
        const at = record?.offset === offset ? record.timestamp : timestamp;
        if (!best || at < best.timestamp) best = { partition: p.partition, offset, timestamp: at };
      }
      return best && { partition: best.partition, offset: best.offset };
    },
  };
}
