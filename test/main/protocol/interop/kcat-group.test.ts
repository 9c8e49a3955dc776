import { describe, expect, it } from 'vitest';
import { spawnProcess, useLogdock, waitFor, type Logdock } from '../helpers';

const logdock = useLogdock();

function groupConsumer(ld: Logdock, group: string, topic: string) {
  return spawnProcess('kcat', [
    '-b',
    ld.bootstrap,
    '-u',
    '-G',
    group,
    topic,
    '-o',
    'beginning',
    '-f',
    '%p|%s\n',
    '-X',
    'auto.commit.interval.ms=100',
    '-X',
    'session.timeout.ms=6000',
    '-X',
    'heartbeat.interval.ms=200',
  ]);
}

describe('kcat (librdkafka) consumer group', () => {
  it('consumes every partition, commits the offsets and shows up as a stable group', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('events', { partitions: 3 });
    await ld.broker.send(
      Array.from({ length: 30 }, (_, i) => ({
        topic: 'events',
        partition: i % 3,
        value: Buffer.from(`e${i}`),
      })),
    );
    const c = groupConsumer(ld, 'kcat-group', 'events');
    await waitFor(
      () => c.stdout().trim().split('\n').filter(Boolean).length === 30,
      'all 30 records consumed',
    );
    await waitFor(() => {
      const committed = ld.broker.committedOffsets('kcat-group');
      return [0, 1, 2].every((p) => committed.get(`events:${p}`) === 10);
    }, 'offsets 10/10/10 committed');
    const desc = ld.broker.describeGroup('kcat-group');
    expect(desc.state).toBe('Stable');
    expect(desc.protocolType).toBe('consumer');
    expect(desc.memberList).toHaveLength(1);
    expect(desc.memberList[0].assignment).toEqual([{ topic: 'events', partitions: [0, 1, 2] }]);
  });

  it('splits the partitions between two members and hands them back when one leaves', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('shared', { partitions: 4 });
    const a = groupConsumer(ld, 'pair', 'shared');
    await waitFor(
      () => ld.broker.listGroups().some((g) => g.groupId === 'pair' && g.state === 'Stable'),
      'first member stable',
    );
    const b = groupConsumer(ld, 'pair', 'shared');
    await waitFor(() => {
      const d = ld.broker.describeGroup('pair');
      return (
        d.state === 'Stable' &&
        d.memberList.length === 2 &&
        d.memberList.every((m) => m.assignment.length > 0)
      );
    }, 'two members with assignments');
    const owned = ld.broker
      .describeGroup('pair')
      .memberList.flatMap((m) => m.assignment.flatMap((x) => x.partitions));
    expect(owned.sort()).toEqual([0, 1, 2, 3]);
    b.child.kill('SIGTERM'); // kcat leaves the group on SIGTERM
    await b.exited;
    await waitFor(() => {
      const d = ld.broker.describeGroup('pair');
      return (
        d.state === 'Stable' &&
        d.memberList.length === 1 &&
        d.memberList[0].assignment[0]?.partitions.length === 4
      );
    }, 'the remaining member to own all four partitions');
    await ld.broker.send([
      { topic: 'shared', partition: 3, value: Buffer.from('after-rebalance') },
    ]);
    await waitFor(
      () => a.stdout().includes('3|after-rebalance'),
      'the remaining member to consume partition 3',
    );
  });
});
