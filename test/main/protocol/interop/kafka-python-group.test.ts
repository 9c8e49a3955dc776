import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnProcess, useLogdock, waitFor } from '../helpers';

const logdock = useLogdock();

const script = join(__dirname, 'py', 'kafka_python_group_member.py');

function records(out: string): string[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('record '))
    .map((l) => l.split(' ')[2]);
}

describe('kafka-python consumer group', () => {
  it('rebalances partitions across members, and every record is consumed and committed', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('work', { partitions: 4 });
    const first = spawnProcess('/usr/bin/python3', [script, ld.bootstrap, 'workers', 'work']);
    await waitFor(
      () => first.stdout().includes('assigned 0,1,2,3'),
      'the first member to own all partitions',
    );
    await ld.broker.send(
      Array.from({ length: 20 }, (_, i) => ({
        topic: 'work',
        partition: i % 4,
        value: Buffer.from(`a${i}`),
      })),
    );
    await waitFor(
      () => records(first.stdout()).length === 20,
      'the first member to consume 20 records',
    );
    // Its commits must have landed before the rebalance, or the records would be redelivered.
    await waitFor(() => {
      const c = ld.broker.committedOffsets('workers');
      return [0, 1, 2, 3].every((p) => c.get(`work:${p}`) === 5);
    }, 'offsets 5 committed on every partition');

    const second = spawnProcess('/usr/bin/python3', [script, ld.bootstrap, 'workers', 'work']);
    await waitFor(() => {
      const d = ld.broker.describeGroup('workers');
      return (
        d.state === 'Stable' &&
        d.memberList.length === 2 &&
        d.memberList.every((m) => m.assignment.length > 0)
      );
    }, 'a stable group of two members, each with partitions');
    const owned = ld.broker
      .describeGroup('workers')
      .memberList.flatMap((m) => m.assignment.flatMap((a) => a.partitions));
    expect(owned.sort()).toEqual([0, 1, 2, 3]);

    await ld.broker.send(
      Array.from({ length: 20 }, (_, i) => ({
        topic: 'work',
        partition: i % 4,
        value: Buffer.from(`b${i}`),
      })),
    );
    await waitFor(() => {
      const seen = [...records(first.stdout()), ...records(second.stdout())].filter((v) =>
        v.startsWith('b'),
      );
      return new Set(seen).size === 20;
    }, 'the 20 new records to be consumed by the two members together');
    expect(records(second.stdout()).filter((v) => v.startsWith('a'))).toEqual([]); // committed before the rebalance
    await waitFor(() => {
      const c = ld.broker.committedOffsets('workers');
      return [0, 1, 2, 3].every((p) => c.get(`work:${p}`) === 10);
    }, 'offsets 10 committed on every partition');
  });
});
