import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openOpsHarness, text, type OpsHarness } from './ops-harness';

let h: OpsHarness;
const HOUR = 3_600_000;

beforeEach(async () => {
  h = await openOpsHarness();
});
afterEach(async () => {
  await h.close();
});

/** 60 messages of ~200 bytes in 1 KiB segments: several segments, the first ones a day old. */
async function fillOldAndNew(topic: string) {
  await h.broker.createTopic(topic, { partitions: 1, configs: { 'segment.bytes': 1024 } });
  const now = Date.now();
  for (let i = 0; i < 60; i++) {
    const old = i < 30;
    await h.broker.send([
      {
        topic,
        value: text(`${old ? 'old' : 'new'} ${i} ${'x'.repeat(180)}`),
        timestamp: old ? now - 24 * HOUR : now,
      },
    ]);
  }
}

describe('topic settings handlers', () => {
  it('shows retention, cleanup policy, segment size and partition count', async () => {
    await h.broker.createTopic('logs', { partitions: 3, configs: { 'retention.ms': 2 * HOUR } });
    expect(await h.client.call('topicSettings.get', { topic: 'logs' })).toMatchObject({
      topic: 'logs',
      partitions: 3,
      retentionMs: 2 * HOUR,
      retentionBytes: -1,
      cleanupPolicy: 'delete',
    });
  });

  it('changes configs and grows partitions, and validateOnly changes nothing', async () => {
    await h.broker.createTopic('logs', { partitions: 1 });
    const checked = await h.client.call('topicSettings.update', {
      topic: 'logs',
      configs: { retentionMs: HOUR, cleanupPolicy: 'compact,delete' },
      partitions: 4,
      validateOnly: true,
    });
    expect(checked).toMatchObject({ retentionMs: HOUR, partitions: 4 });
    expect(h.broker.describeTopic('logs').partitions).toHaveLength(1);
    expect(h.broker.describeTopic('logs').configs['retention.ms']).not.toBe(HOUR);
    const applied = await h.client.call('topicSettings.update', {
      topic: 'logs',
      configs: { retentionMs: HOUR, retentionBytes: 10 * 1024 * 1024, segmentBytes: 1024 * 1024 },
      partitions: 4,
    });
    expect(applied).toMatchObject({
      retentionMs: HOUR,
      retentionBytes: 10 * 1024 * 1024,
      segmentBytes: 1024 * 1024,
      partitions: 4,
    });
    expect(h.broker.describeTopic('logs').partitions).toHaveLength(4);
    expect(h.broker.describeTopic('logs').configs['retention.bytes']).toBe(10 * 1024 * 1024);
  });

  it('refuses fewer partitions and invalid values, naming the field', async () => {
    await h.broker.createTopic('logs', { partitions: 2 });
    await expect(
      h.client.call('topicSettings.update', { topic: 'logs', partitions: 1 }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/has 2 partitions; the count can only be increased/),
    });
    await expect(
      h.client.call('topicSettings.update', { topic: 'logs', configs: { retentionMs: -5 } }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/configs\.retentionMs/),
    });
    await expect(
      h.client.call('topicSettings.update', { topic: 'logs', configs: { segmentBytes: 10 } }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/configs\.segmentBytes/) });
    await expect(h.client.call('topicSettings.get', { topic: 'nope' })).rejects.toMatchObject({
      code: 'UNKNOWN_TOPIC',
    });
  });

  it('lists segments with time ranges and predicts the ones retention deletes, which it then deletes', async () => {
    await fillOldAndNew('logs');
    const before = await h.client.call('topicSettings.segments', { topic: 'logs' });
    expect(before.segments.length).toBeGreaterThan(3);
    expect(before.segments.every((s) => s.deletion === null)).toBe(true);
    expect(before.segments.at(-1)!.active).toBe(true);
    expect(before.segments[0]).toMatchObject({ partition: 0, baseOffset: 0 });
    expect(before.segments[0].sizeBytes).toBeGreaterThan(0);

    // Changed on the broker directly: the handler would also run retention at once.
    await h.broker.alterTopicConfigs('logs', { 'retention.ms': HOUR });
    const planned = await h.client.call('topicSettings.segments', { topic: 'logs', partition: 0 });
    const doomed = planned.segments.filter((s) => s.deletion === 'time');
    expect(doomed.length).toBeGreaterThan(0);
    // Only segments holding nothing but day-old messages (offsets < 30) are marked.
    expect(doomed.every((s) => s.nextOffset <= 30)).toBe(true);
    const kept = planned.segments.filter((s) => s.deletion === null);

    await h.broker.runMaintenance();
    const after = await h.client.call('topicSettings.segments', { topic: 'logs' });
    expect(after.segments.map((s) => s.baseOffset)).toEqual(kept.map((s) => s.baseOffset));
    expect(h.broker.describeTopic('logs').partitions[0].logStartOffset).toBe(kept[0].baseOffset);
  });

  it('runs retention at once after a retention change, deleting the old segments', async () => {
    await fillOldAndNew('logs');
    const before = h.broker.segments('logs', 0).length;
    await h.client.call('topicSettings.update', { topic: 'logs', configs: { retentionMs: HOUR } });
    const after = await h.client.call('topicSettings.segments', { topic: 'logs' });
    expect(after.segments.length).toBeLessThan(before);
    expect(after.segments.every((s) => s.deletion === null)).toBe(true);
    expect(h.broker.describeTopic('logs').partitions[0].logStartOffset).toBeGreaterThan(0);
  });

  it('predicts size-based deletion from retention bytes', async () => {
    await fillOldAndNew('logs');
    await h.broker.alterTopicConfigs('logs', { 'retention.bytes': 4096 });
    const planned = await h.client.call('topicSettings.segments', { topic: 'logs' });
    const kept = planned.segments.filter((s) => s.deletion === null);
    expect(planned.segments.some((s) => s.deletion === 'size')).toBe(true);
    await h.broker.runMaintenance();
    const after = await h.client.call('topicSettings.segments', { topic: 'logs' });
    expect(after.segments.map((s) => s.baseOffset)).toEqual(kept.map((s) => s.baseOffset));
  });

  it('tells the segments compaction cleaned from the dirty ones of a compacted topic, and nothing for others', async () => {
    await h.broker.createTopic('state', {
      configs: { 'cleanup.policy': 'compact', 'segment.bytes': 200 },
    });
    for (let i = 0; i < 30; i++) {
      await h.broker.send([
        { topic: 'state', partition: 0, key: Buffer.from(`k${i % 3}`), value: Buffer.alloc(60, i) },
      ]);
    }
    const before = await h.client.call('topicSettings.segments', { topic: 'state' });
    expect(before.segments.every((s) => s.compaction === 'dirty')).toBe(true);
    await h.broker.runMaintenance();
    const after = await h.client.call('topicSettings.segments', { topic: 'state' });
    const cleanerPoint = h.broker.cleanerPoint('state', 0);
    expect(cleanerPoint).toBeGreaterThan(0);
    expect(after.segments.filter((s) => s.compaction === 'cleaned').length).toBeGreaterThan(0);
    for (const s of after.segments) {
      expect(s.compaction).toBe(!s.active && s.nextOffset <= cleanerPoint ? 'cleaned' : 'dirty');
    }
    expect(after.segments.at(-1)).toMatchObject({ active: true, compaction: 'dirty' });

    await fillOldAndNew('logs');
    const plain = await h.client.call('topicSettings.segments', { topic: 'logs' });
    expect(plain.segments.every((s) => s.compaction === null)).toBe(true);
  });

  it('refuses an unknown partition', async () => {
    await h.broker.createTopic('logs', { partitions: 1 });
    await expect(
      h.client.call('topicSettings.segments', { topic: 'logs', partition: 3 }),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_PARTITION',
    });
  });
});
