import { describe, expect, it } from 'vitest';
import type { ApiClient, ParamsOf, ResultOf } from '../../../src/common/api/contract';
import { createDispatcher } from '../../../src/main/api/handlers';
import { openServices } from '../../../src/main/services';
import { createInProcessClient } from '../../../src/main/transport/inprocess';
import { runCli } from '../broker/helpers';
import { useLogdock } from '../protocol/helpers';
import { waitFor } from '../../wait';

// The dashboard's rates of a remote cluster (a second Logdock over its Kafka listener) through
// the API: produced from its end offsets, consumed from the committed offsets of a group that
// a real consumer process (`logdock consume --group`, committing each printed record) moves.

const fixture = useLogdock();

type Rates = ResultOf<'dashboard.rates'>;

/** Messages the points stand for: each rate times the time since the sample before it. */
function messagesIn(points: Rates['total']['consumed'], since: number): number {
  let n = 0;
  for (let i = 1; i < points.length; i++) {
    if (points[i - 1].timestamp < since) continue;
    n += (points[i].rate * (points[i].timestamp - points[i - 1].timestamp)) / 1000;
  }
  return Math.round(n);
}

async function openApp(bootstrap: string): Promise<ApiClient> {
  const dataDir = await fixture.tempDir('logdock-dashboard-remote-');
  const services = await openServices({
    dataDir,
    mode: 'test',
    collectors: false,
    metricsIntervalMs: 200,
  });
  fixture.onCleanup(() => services.close());
  const api = createInProcessClient(createDispatcher(services));
  await api.call('clusters.add', { name: 'second', bootstrapServers: [bootstrap] });
  return api;
}

describe('dashboard rates of a remote cluster', () => {
  it('shows the messages a group consumed per topic, from its committed offsets on the remote cluster', async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('jobs', { partitions: 2 });
    await ld.broker.send(
      Array.from({ length: 30 }, (_, i) => ({
        topic: 'jobs',
        partition: i % 2,
        value: Buffer.from(`job ${i}`),
      })),
    );
    const server = ['--bootstrap-server', ld.bootstrap];
    // The group starts with offsets on both partitions (as kafka-consumer-groups sets them):
    // a partition's first commit is only a baseline, not consumption.
    const reset = await runCli([
      'groups',
      '--reset-offsets',
      '--group',
      'billing',
      '--topic',
      'jobs',
      '--to-earliest',
      '--execute',
      ...server,
    ]);
    expect(reset.code, reset.stderr).toBe(0);
    const api = await openApp(ld.bootstrap);
    // `dashboard.rates` has no params of its own; the cluster is typed beside them.
    const scoped = { cluster: 'second' } as ParamsOf<'dashboard.rates'>;
    const rates = () => api.call('dashboard.rates', scoped);

    // Two samples of the group: its baseline is set and the series of `jobs` exists.
    const baseline = await waitFor(
      async () => (await rates()).consumed.find((c) => c.topic === 'jobs')?.points.at(-1),
      'a consumed series of jobs',
      60_000,
    );
    const consume = await runCli([
      'consume',
      '--topic',
      'jobs',
      '--group',
      'billing',
      '--max-messages',
      '30',
      ...server,
    ]);
    expect(consume.code, consume.stderr).toBe(0);
    let seen = '';
    const consumed = await waitFor(
      async () => {
        const r = await rates();
        const jobs = r.consumed.find((c) => c.topic === 'jobs');
        seen = JSON.stringify(jobs?.points.filter((p) => p.rate > 0));
        return jobs && messagesIn(jobs.points, baseline.timestamp) === 30 && { r, jobs };
      },
      () => `the 30 messages consumed after the baseline in the consumed rates (saw ${seen})`,
      60_000,
    );
    expect(consumed.jobs.groups).toEqual(['billing']);
    expect(messagesIn(consumed.r.total.consumed, baseline.timestamp)).toBe(30);

    // Produced on the remote cluster shows up too, and stays apart from consumed.
    await ld.broker.send([{ topic: 'jobs', partition: 0, value: Buffer.from('late') }]);
    await waitFor(
      async () =>
        (await rates()).topics.find((t) => t.topic === 'jobs')?.points.some((p) => p.rate > 0),
      'a produced rate of jobs',
      60_000,
    );
  }, 240_000);
});
