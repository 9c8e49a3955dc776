import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../../src/main/broker';
import { useLogdock, waitFor } from '../helpers';

const logdock = useLogdock();

/** A kafkajs client of the listener at `bootstrap`, and its admin, connected until cleanup. */
async function connectAdmin(bootstrap: string) {
  const kafka = new Kafka({ clientId: 'kjs', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  logdock.onCleanup(() => admin.disconnect());
  return { kafka, admin };
}

describe('kafkajs client', () => {
  it('creates a topic, produces keyed records on Java-compatible partitions and consumes them in a group', async () => {
    const ld = await logdock.start();
    const { kafka, admin } = await connectAdmin(ld.bootstrap);
    await admin.createTopics({
      topics: [
        {
          topic: 'kjs-topic',
          numPartitions: 3,
          configEntries: [{ name: 'retention.ms', value: '60000' }],
        },
      ],
    });
    expect(ld.broker.describeTopic('kjs-topic').configs['retention.ms']).toBe(60000);

    const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    logdock.onCleanup(() => producer.disconnect());
    const keys = Array.from({ length: 30 }, (_, i) => `order-${i}`);
    const results = await producer.send({
      topic: 'kjs-topic',
      acks: -1,
      messages: keys.map((key) => ({ key, value: `payload ${key}` })),
    });
    expect(results.every((r) => r.errorCode === 0)).toBe(true);
    for (const key of keys) {
      const recs = await ld.broker.readRecords(
        'kjs-topic',
        partitionForKey(Buffer.from(key), 3),
        0,
        { maxRecords: 100 },
      );
      expect(recs.map((r) => r.key?.toString())).toContain(key);
    }

    const consumer: Consumer = kafka.consumer({
      groupId: 'kjs-group',
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
    });
    await consumer.connect();
    logdock.onCleanup(() => consumer.disconnect());
    await consumer.subscribe({ topic: 'kjs-topic', fromBeginning: true });
    const seen = new Set<string>();
    await consumer.run({
      eachMessage: async ({ message }) => void seen.add(message.key?.toString() ?? ''),
    });
    await waitFor(() => seen.size === 30, 'all 30 keys consumed');
    await waitFor(async () => {
      const offsets = await admin.fetchOffsets({ groupId: 'kjs-group', topics: ['kjs-topic'] });
      const sum = offsets[0].partitions.reduce((n, p) => n + Number(p.offset), 0);
      return sum === 30;
    }, 'committed offsets to add up to 30');
    const groups = await admin.listGroups();
    expect(groups.groups.map((g) => g.groupId)).toContain('kjs-group');
  });

  it('resets a group to the earliest offsets with admin.resetOffsets, whose consumer commits the logical offset -2', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('kjs-reset', { partitions: 2 });
    await ld.broker.send(
      Array.from({ length: 10 }, (_, i) => ({
        topic: 'kjs-reset',
        partition: i % 2,
        value: Buffer.from(`m${i}`),
      })),
    );
    const { kafka, admin } = await connectAdmin(ld.bootstrap);
    await admin.setOffsets({
      groupId: 'kjs-reset-group',
      topic: 'kjs-reset',
      partitions: [
        { partition: 0, offset: '5' },
        { partition: 1, offset: '5' },
      ],
    });
    // Before the fix the commit of -2 was refused (28, INVALID_COMMIT_OFFSET_SIZE) and the
    // admin's consumer crashed, so this never resolved.
    await admin.resetOffsets({ groupId: 'kjs-reset-group', topic: 'kjs-reset', earliest: true });
    const offsets = await admin.fetchOffsets({ groupId: 'kjs-reset-group', topics: ['kjs-reset'] });
    expect(offsets[0].partitions.map((p) => p.offset)).toEqual(['-2', '-2']);
    // No position in the log: no lag rather than the log end plus two.
    expect(ld.broker.groupLag('kjs-reset-group').map((l) => l.lag)).toEqual([null, null]);

    const consumer = kafka.consumer({ groupId: 'kjs-reset-group' });
    await consumer.connect();
    logdock.onCleanup(() => consumer.disconnect());
    await consumer.subscribe({ topic: 'kjs-reset', fromBeginning: true });
    const seen = new Set<string>();
    await consumer.run({
      eachMessage: async ({ message }) => void seen.add(String(message.value)),
    });
    await waitFor(
      () => seen.size === 10,
      () => `all 10 records read again, got ${seen.size}`,
    );
  });
});
