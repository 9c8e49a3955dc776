import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBroker, partitionForKey, type Broker } from '../../../src/main/broker';
import { iterateBatches } from '../../../src/main/storage';
import { rejection, tempDir } from './helpers';

let cleanup: () => Promise<void>;
let broker: Broker;

beforeEach(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  broker = await openBroker({ dataDir: t.dir });
});
afterEach(async () => {
  await broker.close();
  await cleanup();
});

async function batchCount(topic: string, partition: number): Promise<number> {
  const { records } = await broker.read(topic, partition, 0, 10 * 1024 * 1024);
  return [...iterateBatches(records)].length;
}

describe('Producer', () => {
  it('batches records sent within the linger time into one batch per partition', async () => {
    await broker.createTopic('t');
    const p = broker.producer({ lingerMs: 50 });
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        p.send({ topic: 't', partition: 0, value: Buffer.from(`v${i}`) }),
      ),
    );
    expect(acks.map((a) => a.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await batchCount('t', 0)).toBe(1);
  });

  it('sends a batch as soon as it reaches batchSize', async () => {
    await broker.createTopic('t');
    const p = broker.producer({ lingerMs: 60_000, batchSize: 1000 });
    const sends = Array.from({ length: 10 }, () =>
      p.send({ topic: 't', partition: 0, value: Buffer.alloc(300) }),
    );
    // Without the size trigger these would wait a minute; the test would time out.
    await Promise.all(sends.slice(0, 6));
    await p.flush();
    await Promise.all(sends);
    expect(await batchCount('t', 0)).toBeGreaterThanOrEqual(3);
  });

  it("places keyed records with Kafka's murmur2, lets an explicit partition win and honours a custom partitioner", async () => {
    await broker.createTopic('t', { partitions: 6 });
    const p = broker.producer({ lingerMs: 1 });
    for (const k of ['alpha', 'beta', 'gamma', 'delta']) {
      const meta = await p.send({ topic: 't', key: Buffer.from(k), value: null });
      expect(meta.partition).toBe(partitionForKey(Buffer.from(k), 6));
    }
    expect(
      (await p.send({ topic: 't', key: Buffer.from('alpha'), partition: 5, value: null }))
        .partition,
    ).toBe(5);
    const custom = broker.producer({
      lingerMs: 1,
      partitioner: ({ value }) => (value?.length ?? 0) % 6,
    });
    expect(
      (await custom.send({ topic: 't', key: Buffer.from('alpha'), value: Buffer.alloc(4) }))
        .partition,
    ).toBe(4);
  });

  it('keeps null-key records on one sticky partition within a batch', async () => {
    await broker.createTopic('t', { partitions: 4 });
    const p = broker.producer({ lingerMs: 50 });
    const metas = await Promise.all(
      Array.from({ length: 10 }, () => p.send({ topic: 't', value: Buffer.from('x') })),
    );
    expect(new Set(metas.map((m) => m.partition)).size).toBe(1);
  });

  it('acknowledges after fsync with acks -1 and the records are readable', async () => {
    await broker.createTopic('t');
    const p = broker.producer({ acks: -1, lingerMs: 1 });
    const meta = await p.send({
      topic: 't',
      partition: 0,
      key: Buffer.from('k'),
      value: Buffer.from('durable'),
      headers: [{ key: 'h', value: Buffer.from('1') }],
      timestamp: 42,
    });
    const [r] = await broker.readRecords('t', 0, meta.offset);
    expect(r).toMatchObject({ timestamp: 42, headers: [{ key: 'h' }] });
    expect(r.value?.toString()).toBe('durable');
  });

  it('rejects a record larger than max.message.bytes with a clear error and keeps going', async () => {
    await broker.createTopic('small', { configs: { 'max.message.bytes': 1024 } });
    const p = broker.producer({ lingerMs: 1 });
    const err = await rejection(
      p.send({ topic: 'small', partition: 0, value: Buffer.alloc(5000) }),
    );
    expect(err.code).toBe('MESSAGE_TOO_LARGE');
    expect(err.message).toMatch(/small-0 exceeds max.message.bytes=1024/);
    expect((await p.send({ topic: 'small', partition: 0, value: Buffer.alloc(10) })).offset).toBe(
      0,
    );
    expect(
      (
        await rejection(() =>
          broker.send([{ topic: 'small', partition: 0, value: Buffer.alloc(5000) }]),
        )
      ).code,
    ).toBe('MESSAGE_TOO_LARGE');
  });

  it('rejects an unknown partition and refuses sends after close', async () => {
    await broker.createTopic('t', { partitions: 2 });
    const p = broker.producer();
    expect((await rejection(p.send({ topic: 't', partition: 2, value: null }))).code).toBe(
      'UNKNOWN_PARTITION',
    );
    await p.close();
    expect((await rejection(p.send({ topic: 't', value: null }))).code).toBe('CLOSED');
  });
});
