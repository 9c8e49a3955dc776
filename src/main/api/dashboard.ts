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
  };
}
