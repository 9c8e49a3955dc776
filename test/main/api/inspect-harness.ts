import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  ApiClient,
  EventOf,
  SubscriptionName,
  SubParamsOf,
} from '../../../src/common/api/contract';
import {
  Dispatcher,
  type CallContext,
  type RequestHandlers,
  type SubscriptionHandlers,
} from '../../../src/main/api/dispatcher';
import { createAggregateStreams } from '../../../src/main/api/aggregate-stream';
import { createDashboardHandlers } from '../../../src/main/api/dashboard';
import { createMessageStreams } from '../../../src/main/api/message-streams';
import { createMessagesHandlers } from '../../../src/main/api/messages';
import {
  createTimelineHandlers,
  createTimelineSubscriptions,
} from '../../../src/main/api/timeline';
import { createTopicsHandlers, createTopicsSubscriptions } from '../../../src/main/api/topics';
import { openBroker, type Broker } from '../../../src/main/broker';
import { LocalCluster, type Cluster } from '../../../src/main/cluster';
import { MetricsSampler } from '../../../src/main/metrics/sampler';
import { createInProcessClient } from '../../../src/main/transport/inprocess';

export interface InspectHarness {
  dir: string;
  broker: Broker;
  /** The same broker behind the cluster interface the handlers use. */
  cluster: Cluster;
  client: ApiClient;
  close(): Promise<void>;
}

/**
 * A real broker in a temporary data directory with the inspection handlers (topics.*,
 * messages.*) behind the real dispatcher and in-process transport, so validation and
 * error shapes are those of IPC and WebSocket. Other domains are not registered. `context`
 * is what the simulated transport offers besides the API (e.g. export downloads).
 */
export async function openInspectHarness(
  context: Omit<CallContext, 'transport'> = {},
): Promise<InspectHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'logdock-inspect-'));
  const broker = await openBroker({ dataDir: dir, initialRebalanceDelayMs: 0 });
  const cluster = new LocalCluster(broker);
  const deps = { cluster, dataDir: dir };
  const requests = {
    ...createTopicsHandlers(deps),
    ...createMessagesHandlers(deps),
    ...createTimelineHandlers(deps),
    // The histogram above the browser (dashboard.histogram); the sampler is never started.
    ...createDashboardHandlers({ cluster, metrics: new MetricsSampler(cluster) }),
  } as unknown as RequestHandlers;
  const subscriptions = {
    ...createTopicsSubscriptions(deps),
    ...createMessageStreams(deps),
    ...createTimelineSubscriptions(deps),
    ...createAggregateStreams(deps),
  } as unknown as SubscriptionHandlers;
  const client = createInProcessClient(new Dispatcher(requests, subscriptions), context);
  return {
    dir,
    broker,
    cluster,
    client,
    async close() {
      await broker.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Records `n` messages into one partition with the given timestamps and values, in batches. */
export async function fill(
  broker: Broker,
  topic: string,
  partition: number,
  items: { timestamp: number; value: string; key?: string; headers?: [string, string][] }[],
): Promise<void> {
  for (let i = 0; i < items.length; i += 500) {
    await broker.send(
      items.slice(i, i + 500).map((it) => ({
        topic,
        partition,
        timestamp: it.timestamp,
        key: it.key === undefined ? null : Buffer.from(it.key),
        value: Buffer.from(it.value),
        headers: (it.headers ?? []).map(([key, v]) => ({ key, value: Buffer.from(v) })),
      })),
    );
  }
}

/** Collects a subscription's events until `until` says stop (or errors), with a deadline. */
export function collect<N extends SubscriptionName>(
  client: ApiClient,
  name: N,
  params: SubParamsOf<N>,
  until: (events: EventOf<N>[]) => boolean,
  timeoutMs = 30_000,
): Promise<EventOf<N>[]> {
  return new Promise((resolve, reject) => {
    const events: EventOf<N>[] = [];
    let stop: () => void = () => {};
    const timer = setTimeout(() => {
      stop();
      reject(
        new Error(
          `${name}: no end after ${timeoutMs} ms; got ${JSON.stringify(events).slice(0, 500)}`,
        ),
      );
    }, timeoutMs);
    stop = client.subscribe(
      name,
      params,
      (e) => {
        events.push(e);
        if (until(events)) {
          clearTimeout(timer);
          stop();
          resolve(events);
        }
      },
      (err) => {
        clearTimeout(timer);
        reject(Object.assign(new Error(err.message), { code: err.code }));
      },
    );
  });
}
