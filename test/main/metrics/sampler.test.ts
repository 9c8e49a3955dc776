import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetricsSampler } from '../../../src/main/metrics/sampler';
import { RemoteCluster } from '../../../src/main/remote/cluster';
import { startMockCluster } from '../../tools/mock-cluster';
import { openOpsHarness, text, waitFor, type OpsHarness } from '../api/ops-harness';

let h: OpsHarness;
beforeEach(async () => {
  h = await openOpsHarness();
});
afterEach(async () => {
  await h.close();
});

describe('MetricsSampler', () => {
  it('keeps only the window of samples, so memory stays bounded', async () => {
    await h.broker.createTopic('t');
    const clock = { now: 0 };
    const sampler = new MetricsSampler(h.cluster, {
      intervalMs: 1000,
      windowMs: 5000,
      now: () => clock.now,
    });
    for (let i = 0; i < 50; i++) {
      clock.now += 1000;
      await sampler.sample();
    }
    const [series] = sampler.rateHistory();
    expect(series.points).toHaveLength(5);
    expect(series.points[0].timestamp).toBe(46_000);
  });

  it('drops the series of a deleted topic and a deleted group', async () => {
    await h.broker.createTopic('t');
    await h.broker.groups.setOffsets('g', [{ topic: 't', partition: 0, offset: 0 }]);
    await h.metrics.sample();
    h.clock.now += 1000;
    await h.metrics.sample();
    expect(h.metrics.rateHistory().map((s) => s.topic)).toEqual(['t']);
    expect(h.metrics.lagHistory('g')).toHaveLength(2);
    await h.broker.deleteGroup('g');
    await h.broker.deleteTopic('t');
    h.clock.now += 1000;
    await h.metrics.sample();
    expect(h.metrics.rateHistory()).toEqual([]);
    expect(h.metrics.lagHistory('g')).toEqual([]);
  });

  it('samples on its own once started', async () => {
    await h.broker.createTopic('t');
    const sampler = new MetricsSampler(h.cluster, { intervalMs: 20 });
    sampler.start();
    await h.broker.send([{ topic: 't', value: text('x') }]);
    await waitFor(() => sampler.rateHistory()[0]?.points.length >= 2, 'two rate samples');
    sampler.stop();
  });

  it('skips its ticks while a sample of a slow cluster is still running, instead of queueing them', async () => {
    // A remote cluster whose brokers answer after 300 ms: one sample takes several round
    // trips, far longer than the 20 ms between ticks.
    const mock = await startMockCluster(1);
    try {
      await mock.command('create slow 1 1');
      await mock.command('rtt 1 300');
      const remote = new RemoteCluster({
        name: 'slow',
        client: { clientId: 'logdock-test', bootstrapBrokers: mock.bootstrap.split(',') },
      });
      const sampler = new MetricsSampler(remote, { intervalMs: 20 });
      try {
        sampler.start();
        const points = await waitFor(
          () => {
            const p = sampler.rateHistory()[0]?.points ?? [];
            return p.length >= 3 && p;
          },
          'three rate samples',
          60_000,
        );
        sampler.stop();
        // Each sample was stamped when it started and started after the one before ended:
        // never 20 ms apart, as queued ticks (stamped while waiting) would be.
        for (let i = 1; i < points.length; i++)
          expect(points[i].timestamp - points[i - 1].timestamp).toBeGreaterThanOrEqual(300);
      } finally {
        sampler.stop();
        await remote.close();
      }
    } finally {
      await mock.close();
    }
  }, 240_000);
});
