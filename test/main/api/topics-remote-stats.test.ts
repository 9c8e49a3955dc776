import { describe, expect, it } from 'vitest';
import { createTopicsHandlers } from '../../../src/main/api/topics';
import { createDashboardHandlers } from '../../../src/main/api/dashboard';
import { MetricsSampler } from '../../../src/main/metrics/sampler';
import { RemoteCluster } from '../../../src/main/remote/cluster';
import { useLogdock } from '../protocol/helpers';

// What the topics list and the dashboard say of a remote cluster's topics: the newest
// record's time (ListOffsets MAX_TIMESTAMP), rates sampled from its end offsets over time,
// and sizes from DescribeLogDirs (the leader's copy), which a second Logdock answers too.
// The remote cluster is a second Logdock reached over its Kafka listener.

const fixture = useLogdock();
const T0 = 1_700_000_000_000;
const ctx = { transport: 'in-process' as const };

describe('remote topic stats', () => {
  it('reports the newest timestamp, a sampled message rate and the sizes DescribeLogDirs gives', async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('orders', { partitions: 2 });
    await ld.broker.send(
      Array.from({ length: 10 }, (_, i) => ({
        topic: 'orders',
        partition: i % 2,
        value: Buffer.from(`o${i}`),
        timestamp: T0 + i * 1000,
      })),
    );
    const remote = new RemoteCluster({
      name: 'second',
      client: { clientId: 'logdock-test', bootstrapBrokers: [ld.bootstrap] },
    });
    fixture.onCleanup(() => remote.close());
    const clock = { now: T0 };
    const metrics = new MetricsSampler(remote, { intervalMs: 1000, now: () => clock.now });
    const topics = createTopicsHandlers({
      cluster: remote,
      rateHistory: () => metrics.rateHistory(),
    });
    const dashboard = createDashboardHandlers({ cluster: remote, metrics });

    await metrics.sample();
    await ld.broker.send(
      Array.from({ length: 40 }, (_, i) => ({
        topic: 'orders',
        partition: i % 2,
        value: Buffer.from(`p${i}`),
        timestamp: T0 + 60_000,
      })),
    );
    clock.now += 2000; // 40 messages in 2 s
    await metrics.sample();

    const { topics: listed } = await topics['topics.list'](
      { includeInternal: false, filter: '' },
      ctx,
    );
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      name: 'orders',
      messageCount: 50,
      lastTimestamp: T0 + 60_000,
      messageRate: 20,
    });
    const detail = await topics['topics.describe']({ topic: 'orders' }, ctx);
    expect(detail.partitions.map((p) => p.lastTimestamp)).toEqual([T0 + 60_000, T0 + 60_000]);
    // Each partition holds 25 small records: some hundreds of bytes of batches.
    const sizes = detail.partitions.map((p) => p.sizeBytes);
    for (const size of sizes) expect(size).toBeGreaterThan(25 * 2);
    expect(listed[0].sizeBytes).toBe(sizes[0] + sizes[1]);
    const disk = await dashboard['dashboard.disk']({}, ctx);
    expect(disk).toEqual([
      { topic: 'orders', partitions: 2, sizeBytes: sizes[0] + sizes[1], messages: 50 },
    ]);
  });
});
