// @vitest-environment jsdom
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useAppStore } from '../../../src/renderer/src/store';
import { openOpsHarness, text, waitFor, type OpsHarness } from '../../main/api/ops-harness';

let h: OpsHarness;
const store = () => useAppStore.getState();

beforeAll(async () => {
  h = await openOpsHarness();
  await h.broker.createTopic('orders', { partitions: 2 });
  await h.broker.send(
    Array.from({ length: 6 }, (_, i) => ({
      topic: 'orders',
      partition: i % 2,
      value: text(`o${i}`),
    })),
  );
  await h.broker.groups.setOffsets('billing', [
    { topic: 'orders', partition: 0, offset: 3 },
    { topic: 'orders', partition: 1, offset: 1 },
  ]);
  store().setApi(h.client, 'in-process');
});
afterAll(async () => {
  await h.close();
});

describe('the groups slice', () => {
  it('loads the groups and one group with its lag', async () => {
    await store().loadGroups();
    expect(store().groups.list).toEqual([
      expect.objectContaining({ groupId: 'billing', state: 'Empty', totalLag: 2 }),
    ]);
    await store().loadGroup('billing');
    expect(store().groups.detail?.partitions.map((p) => p.lag)).toEqual([0, 2]);
  });

  it('plans a reset, executes exactly that plan, and reloads the group', async () => {
    await store().planReset({
      groupId: 'billing',
      topic: 'orders',
      partition: 1,
      spec: { kind: 'latest' },
    });
    expect(store().groups.plan?.result.plan).toEqual([
      { topic: 'orders', partition: 1, oldOffset: 1, newOffset: 3 },
    ]);
    expect(h.broker.committedOffsets('billing').get('orders:1')).toBe(1);
    await store().executeReset();
    expect(store().groups.plan).toBeNull();
    expect(store().groups.executed?.executed).toBe(true);
    expect(h.broker.committedOffsets('billing').get('orders:1')).toBe(3);
    expect(store().groups.detail?.totalLag).toBe(0);
  });

  it('keeps the error of a refused request in state instead of throwing', async () => {
    await store().planReset({ groupId: 'billing', topic: 'missing', spec: { kind: 'earliest' } });
    expect(store().groups.resetError).toMatchObject({ code: 'UNKNOWN_TOPIC' });
    await store().loadGroup('nobody');
    expect(store().groups.detailError).toMatchObject({ code: 'UNKNOWN_GROUP' });
  });
});

describe('the settings slice', () => {
  it('saves a change and reports a refused one', async () => {
    expect(await store().saveSettings({ defaultRetentionMs: 3_600_000 })).toBe(true);
    expect(store().settings.view?.settings.defaultRetentionMs).toBe(3_600_000);
    expect(await store().saveSettings({ kafkaListener: { port: 99999 } })).toBe(false);
    expect(store().settings.error).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('loads and changes the settings of a topic', async () => {
    await store().loadTopicSettings('orders');
    expect(store().topicSettings.settings).toMatchObject({ topic: 'orders', partitions: 2 });
    expect(await store().saveTopicSettings('orders', { partitions: 3 })).toBe(true);
    expect(store().topicSettings.settings?.partitions).toBe(3);
    expect(await store().saveTopicSettings('orders', { partitions: 1 })).toBe(false);
    expect(store().topicSettings.error?.message).toMatch(/can only be increased/);
  });
});

describe('the replay and dashboard slices', () => {
  it('starts a replay, follows it to the end and lists it', async () => {
    const job = await store().startReplay({
      range: { topic: 'orders', from: { kind: 'earliest' }, to: { kind: 'latest' } },
      target: { kind: 'topic', topic: 'orders-copy' },
    });
    expect(job).not.toBeNull();
    await waitFor(async () => {
      await store().loadReplays();
      return store().replay.jobs[0]?.state === 'done';
    }, 'the replay to finish');
    expect(store().replay.jobs[0].written).toBe(6);
    expect(
      await store().startReplay({
        range: { topic: 'nope', from: { kind: 'earliest' }, to: { kind: 'latest' } },
        target: { kind: 'topic', topic: 'x' },
      }),
    ).toBeNull();
    expect(store().replay.error).toMatchObject({ code: 'UNKNOWN_TOPIC' });
  });

  it('loads disk use and a histogram', async () => {
    await store().loadDashboard();
    expect(store().dashboard.disk.map((d) => d.topic)).toContain('orders');
    const now = Date.now();
    await store().loadHistogram('orders', now - 60_000, now + 1000, 10);
    expect(store().dashboard.histogram).toMatchObject({ topic: 'orders', scanned: 6 });
  });
});
