import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiClient } from '../../../src/common/api/contract';
import {
  createCollectorsHandlers,
  createCollectorsSubscriptions,
} from '../../../src/main/api/collectors';
import { createDashboardHandlers } from '../../../src/main/api/dashboard';
import {
  Dispatcher,
  type RequestHandlers,
  type SubscriptionHandlers,
} from '../../../src/main/api/dispatcher';
import { createGroupsHandlers } from '../../../src/main/api/groups';
import { createReplayHandlers } from '../../../src/main/api/replay';
import {
  createSettingsHandlers,
  createSettingsSubscriptions,
} from '../../../src/main/api/settings';
import { createTopicSettingsHandlers } from '../../../src/main/api/topic-settings';
import { openBroker, type Broker } from '../../../src/main/broker';
import { LocalCluster, type Cluster } from '../../../src/main/cluster';
import { CollectorManager } from '../../../src/main/collectors';
import { MetricsSampler } from '../../../src/main/metrics/sampler';
import { ReplayManager } from '../../../src/main/replay/manager';
import { compileQuery } from '../../../src/main/search/query';
import { SettingsStore } from '../../../src/main/settings/store';
import { createInProcessClient } from '../../../src/main/transport/inprocess';

export interface OpsHarness {
  dir: string;
  broker: Broker;
  /** The same broker behind the cluster interface the handlers use. */
  cluster: Cluster;
  metrics: MetricsSampler;
  replay: ReplayManager;
  collectors: CollectorManager;
  client: ApiClient;
  clock: { now: number };
  close(): Promise<void>;
}

/**
 * A real broker in a temporary data directory with the operations handlers behind the real
 * dispatcher and in-process transport (so payload validation and error shapes are those of
 * IPC and WebSocket). Only the ops domains are registered; other requests would be unknown.
 */
export async function openOpsHarness(): Promise<OpsHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'logdock-ops-'));
  const broker = await openBroker({ dataDir: dir, initialRebalanceDelayMs: 0 });
  const cluster = new LocalCluster(broker);
  const clock = { now: Date.now() };
  const metrics = new MetricsSampler(cluster, { intervalMs: 1000, now: () => clock.now });
  const replay = new ReplayManager(cluster, { compileFilter: compileQuery, chunkRecords: 100 });
  const settings = await SettingsStore.open({ dataDir: dir, kafkaListener: null });
  const collectors = new CollectorManager({ cluster, dataDir: dir, defaultSource: false });
  await collectors.start();
  const requests = {
    ...createGroupsHandlers({ cluster, metrics }),
    ...createTopicSettingsHandlers({ cluster }),
    ...createDashboardHandlers({ cluster, metrics }),
    ...createReplayHandlers({ replay, cluster: 'local' }),
    ...createSettingsHandlers({ settings }),
    ...createCollectorsHandlers({ collectors }),
  } as unknown as RequestHandlers;
  const subscriptions = {
    ...createSettingsSubscriptions({ settings }),
    ...createCollectorsSubscriptions({ collectors }),
  } as unknown as SubscriptionHandlers;
  const client = createInProcessClient(new Dispatcher(requests, subscriptions));
  return {
    dir,
    broker,
    cluster,
    metrics,
    replay,
    collectors,
    client,
    clock,
    async close() {
      metrics.stop();
      await collectors.close();
      await replay.close();
      await broker.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export { waitFor } from '../../wait';

export const text = (s: string) => Buffer.from(s);
