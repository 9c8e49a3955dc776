import {
  Admin,
  Consumer,
  defaultPartitioner,
  Producer,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { useLogdock, waitFor } from '../helpers';

const logdock = useLogdock();

describe('@platformatic/kafka client', () => {
  it('creates a topic, produces keyed records and consumes them in a group', async () => {
    const ld = await logdock.start();
    const bootstrapBrokers = [ld.bootstrap];
    const admin = new Admin({ clientId: 'pk-admin', bootstrapBrokers });
    logdock.onCleanup(() => admin.close());
    await admin.createTopics({ topics: ['pk-topic'], partitions: 3, replicas: 1 });
    expect(ld.broker.describeTopic('pk-topic').partitions).toHaveLength(3);

    const producer = new Producer({
      clientId: 'pk-producer',
      bootstrapBrokers,
      serializers: stringSerializers,
    });
    logdock.onCleanup(() => producer.close());
    const keys = Array.from({ length: 30 }, (_, i) => `key-${i}`);
    await producer.send({
      messages: keys.map((key) => ({ topic: 'pk-topic', key, value: `value of ${key}` })),
    });
    for (const key of keys) {
      // The client's own default partitioner (murmur2 as unsigned, modulo the count).
      const p = defaultPartitioner({ topic: 'pk-topic' }, Buffer.from(key)) % 3;
      const recs = await ld.broker.readRecords('pk-topic', p, 0, { maxRecords: 100 });
      expect(recs.map((r) => r.key?.toString())).toContain(key);
    }

    const consumer = new Consumer({
      groupId: 'pk-group',
      clientId: 'pk-consumer',
      bootstrapBrokers,
      deserializers: stringDeserializers,
    });
    logdock.onCleanup(async () => consumer.close(true));
    const stream = await consumer.consume({
      topics: ['pk-topic'],
      mode: 'earliest',
      autocommit: true,
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
    });
    const seen = new Set<string>();
    stream.on('data', (m: { key: string }) => seen.add(m.key));
    await waitFor(() => seen.size === 30, 'all 30 keys consumed');
    await waitFor(() => {
      const c = ld.broker.committedOffsets('pk-group');
      return [0, 1, 2].every(
        (p) =>
          c.get(`pk-topic:${p}`) === ld.broker.describeTopic('pk-topic').partitions[p].logEndOffset,
      );
    }, 'offsets committed up to the end of every partition');
  });
});
