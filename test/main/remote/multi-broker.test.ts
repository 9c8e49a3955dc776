import { describe, expect, it } from 'vitest';
import { RemoteCluster } from '../../../src/main/remote/cluster';
import { startMockCluster, type MockCluster } from '../../tools/mock-cluster';
import { useLogdock } from '../protocol/helpers';

// RemoteCluster on a cluster of three brokers: librdkafka's mock cluster (test/tools), where
// leaders, replicas and ISR are real protocol answers and a leader can be moved or a broker
// taken down while Logdock reads.

const fixture = useLogdock();

async function cluster(): Promise<{ mock: MockCluster; remote: RemoteCluster }> {
  const mock = await startMockCluster(3);
  fixture.onCleanup(() => mock.close());
  const remote = new RemoteCluster({
    name: 'mock',
    client: { clientId: 'logdock-test', bootstrapBrokers: mock.bootstrap.split(',') },
    readOnly: false,
  });
  fixture.onCleanup(() => remote.close());
  return { mock, remote };
}

const lines = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    topic: 'orders',
    partition: 0,
    value: Buffer.from(`line ${from + i}`),
  }));

/** Every record of partition 0 of `orders` from offset 0, read in pages of `page`. */
async function readAll(remote: RemoteCluster, page: number): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const records = await remote.readRecords('orders', 0, out.length, { maxRecords: page });
    if (records.length === 0) return out;
    for (const r of records) {
      expect(r.offset).toBe(out.length);
      out.push(r.value!.toString());
    }
  }
}

describe('RemoteCluster on three brokers', () => {
  it("describes each partition's leader, replicas and ISR with leaders spread, and a partition without a leader", async () => {
    const { mock, remote } = await cluster();
    await mock.command('create orders 6 3');
    // The mock places leaders at random (all on one broker now and then): spread them.
    for (let p = 0; p < 6; p++) await mock.command(`leader orders ${p} ${(p % 3) + 1}`);
    const topic = await remote.describeTopic('orders');
    expect(topic.partitions).toHaveLength(6);
    for (const p of topic.partitions) {
      expect([...p.replicas].sort()).toEqual([1, 2, 3]);
      expect([...p.isr].sort()).toEqual([1, 2, 3]);
      expect(p.replicas).toContain(p.leader);
    }
    expect(topic.partitions.map((p) => p.leader)).toEqual([1, 2, 3, 1, 2, 3]);

    await mock.command('leader orders 4 none');
    const after = await remote.describeTopic('orders');
    expect(after.partitions[4].leader).toBe(-1);
    expect(after.partitions.filter((p) => p.leader < 0).map((p) => p.partition)).toEqual([4]);
  }, 240_000);

  it('keeps browsing and producing while the leader moves and the old leader goes down, and loses nothing', async () => {
    const { mock, remote } = await cluster();
    await mock.command('create orders 1 3');
    await remote.send(lines(0, 100));
    const first = await remote.readRecords('orders', 0, 0, { maxRecords: 40 });
    expect(first.map((r) => r.value!.toString())).toEqual(
      lines(0, 40).map((l) => l.value.toString()),
    );

    const oldLeader = (await remote.describeTopic('orders')).partitions[0].leader;
    const newLeader = oldLeader === 3 ? 1 : oldLeader + 1;
    await mock.command(`leader orders 0 ${newLeader}`);
    // The next page comes from the new leader: the old one answers NOT_LEADER_OR_FOLLOWER.
    const next = await remote.readRecords('orders', 0, 40, { maxRecords: 40 });
    expect(next.map((r) => r.offset)).toEqual(Array.from({ length: 40 }, (_, i) => 40 + i));
    expect((await remote.describeTopic('orders')).partitions[0].leader).toBe(newLeader);

    await mock.command(`down ${oldLeader}`);
    await remote.send(lines(100, 50));
    const all = await readAll(remote, 30);
    expect(all).toEqual(lines(0, 150).map((l) => l.value.toString()));
    const described = await remote.describeTopic('orders');
    expect(described.partitions[0]).toMatchObject({ leader: newLeader, logEndOffset: 150 });
  }, 240_000);
});
