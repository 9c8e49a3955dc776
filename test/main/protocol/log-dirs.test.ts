import { Admin } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { useLogdock } from './helpers';

// DescribeLogDirs as Kafka's admin clients send it (@platformatic/kafka's Admin, v4).

const fixture = useLogdock();

describe('DescribeLogDirs', () => {
  it('reports the data directory, its volume, and the size of each partition asked for', async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('app', { partitions: 3 });
    await ld.broker.createTopic('other', { partitions: 1 });
    for (const p of [0, 1])
      await ld.broker.send(
        Array.from({ length: 200 * (p + 1) }, (_, i) => ({
          topic: 'app',
          partition: p,
          value: Buffer.from(`line ${i} of partition ${p}`),
        })),
      );
    const admin = new Admin({ clientId: 'log-dirs-test', bootstrapBrokers: [ld.bootstrap] });
    fixture.onCleanup(() => admin.close());

    const [broker, ...others] = await admin.describeLogDirs({
      topics: [
        { name: 'app', partitions: [0, 1, 2] },
        { name: 'missing', partitions: [0] },
      ],
    });
    expect(others).toEqual([]);
    const [dir] = broker.results;
    expect(dir.logDir).toBe(ld.dir);
    expect(dir.totalBytes).toBeGreaterThan(0n);
    expect(dir.usableBytes).toBeGreaterThan(0n);
    expect(dir.usableBytes).toBeLessThanOrEqual(dir.totalBytes);
    // A topic no log directory holds is left out, as Kafka does; so are topics not asked for.
    expect(dir.topics.map((t) => t.name)).toEqual(['app']);
    const sizes = ld.broker.describeTopic('app').partitions.map((p) => BigInt(p.sizeBytes));
    expect(sizes[1]).toBeGreaterThan(sizes[0]);
    expect(sizes[0]).toBeGreaterThan(0n);
    expect(dir.topics[0].partitions.map((p) => [p.partitionIndex, p.partitionSize])).toEqual(
      sizes.map((size, p) => [p, size]),
    );

    const [only] = await admin.describeLogDirs({ topics: [{ name: 'app', partitions: [1] }] });
    expect(only.results[0].topics[0].partitions.map((p) => p.partitionIndex)).toEqual([1]);
  });
});
