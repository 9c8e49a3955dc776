import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetricsSampler } from '../../../src/main/metrics/sampler';
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
});
