import { describe, expect, it } from 'vitest';
import { LocalCluster, LOCAL_NODE_ID, type Cluster } from '../../../src/main/cluster';
import { createTopicOfTen, useBroker, waitFor } from '../broker/helpers';

const fixture = useBroker();
const cluster = (): Cluster => new LocalCluster(fixture.broker);

describe('LocalCluster', () => {
  it('describes every partition as led and held by the embedded node alone', async () => {
    await createTopicOfTen(fixture.broker);
    const t = await cluster().describeTopic('t');
    expect(t.partitions).toHaveLength(2);
    for (const p of t.partitions) {
      expect(p).toMatchObject({ leader: LOCAL_NODE_ID, replicas: [0], isr: [0] });
      expect(p.logEndOffset).toBe(5);
    }
    // Every field of the broker's own description is carried over (placed() writes them out).
    const own = fixture.broker.describeTopic('t').partitions;
    expect(t.partitions).toEqual(own.map((p) => ({ ...p, leader: 0, replicas: [0], isr: [0] })));
    const listed = await cluster().listTopics();
    expect(listed.map((d) => d.name)).toEqual(['t']);
    expect(listed[0].partitions).toEqual(t.partitions);
    expect(listed[0].partitions[1].isr).toEqual([LOCAL_NODE_ID]);
  });

  it("turns the broker's synchronous failures into rejections with the same code", async () => {
    const c = cluster();
    const described = c.describeTopic('missing');
    expect(described).toBeInstanceOf(Promise);
    await expect(described).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
    await expect(c.describeGroup('nobody')).rejects.toMatchObject({ code: 'UNKNOWN_GROUP' });
    await expect(c.partitionFor('missing', null)).rejects.toMatchObject({
      code: 'UNKNOWN_TOPIC',
    });
    await expect(c.local!.segments('missing', 0)).rejects.toMatchObject({
      code: 'UNKNOWN_TOPIC',
    });
  });

  it('produces, reads back and reports appends through the interface', async () => {
    const c = cluster();
    await c.createTopic('logs', { partitions: 1 });
    const appended: number[] = [];
    const off = c.onAppend((e) => appended.push(e.lastOffset));
    const [meta] = await c.send([{ topic: 'logs', value: Buffer.from('hello') }]);
    off();
    expect(meta).toEqual({ topic: 'logs', partition: 0, offset: 0 });
    expect(appended).toEqual([0]);
    const [r] = await c.readRecords('logs', 0, 0);
    expect(r.value?.toString()).toBe('hello');
    const raw = await c.read('logs', 0, 0, 1 << 20);
    expect(raw.highWatermark).toBe(1);
    expect(raw.records.length).toBeGreaterThan(0);
    expect(await c.waitForData('logs', 0, 0, 10_000)).toBe(true);
  });

  it('offers segments, maintenance and storage health as the local capability', async () => {
    await createTopicOfTen(fixture.broker);
    const c = cluster();
    expect(c.local).toBeDefined();
    const segs = await c.local!.segments('t', 0);
    expect(segs.at(-1)).toMatchObject({ active: true, nextOffset: 5 });
    await c.local!.runMaintenance();
    expect(await c.local!.storageHealth()).toMatchObject({ corrupt: [], diskFull: null });
  });

  it('plans an offset reset for a group with members but refuses to apply it', async () => {
    await createTopicOfTen(fixture.broker);
    const consumer = fixture.broker.consumer({
      groupId: 'g',
      autoOffsetReset: 'earliest',
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 100,
    });
    consumer.subscribe(['t']);
    const c = cluster();
    try {
      await waitFor(async () => {
        await consumer.poll(50);
        return (await c.describeGroup('g')).members === 1;
      }, 'the consumer to join group g');
      const plan = await c.planOffsetReset('g', { topic: 't', spec: { kind: 'latest' } });
      expect(plan.map((e) => e.newOffset)).toEqual([5, 5]);
      await expect(
        c.resetGroupOffsets('g', { topic: 't', spec: { kind: 'latest' } }, { dryRun: false }),
      ).rejects.toMatchObject({ code: 'GROUP_NOT_EMPTY' });
    } finally {
      await consumer.close();
    }
  });
});
