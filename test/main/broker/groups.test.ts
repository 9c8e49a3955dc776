import { describe, expect, it } from 'vitest';
import { type Consumer } from '../../../src/main/broker';
import { createTopicOfTen, useBroker, waitFor } from './helpers';

const fixture = useBroker();

/**
 * A consumer of a group that processes what it polls and then commits synchronously; a
 * batch counts as processed only when its commit succeeded (a failed commit means the
 * partitions moved on, and their new owner re-reads from the committed offset).
 */
class Worker {
  readonly consumer: Consumer;
  private running = true;
  private readonly loop: Promise<void>;
  received = 0;

  constructor(
    readonly group: string,
    topics: string[],
    processed: Map<string, number>,
    opts: { assignors?: string[] } = {},
  ) {
    const consumer = fixture.broker.consumer({
      groupId: group,
      autoOffsetReset: 'earliest',
      sessionTimeoutMs: 2000,
      heartbeatIntervalMs: 100,
      rebalanceTimeoutMs: 10_000,
      maxPollRecords: 50,
      assignors: opts.assignors,
    });
    this.consumer = consumer;
    consumer.subscribe(topics);
    this.loop = (async () => {
      while (this.running) {
        const records = await consumer.poll(100);
        if (!this.running) break; // a crash between poll and commit: the work is lost
        this.received += records.length;
        try {
          await consumer.commitSync();
        } catch (err) {
          if (
            !['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER'].includes(
              (err as { code: string }).code,
            )
          )
            throw err;
          continue;
        }
        for (const r of records) {
          const k = `${r.topic}:${r.partition}:${r.offset}`;
          processed.set(k, (processed.get(k) ?? 0) + 1);
        }
      }
    })();
  }

  /** Stops the loop; `crash` leaves without telling the group (no LeaveGroup, no commit). */
  async stop(mode: 'leave' | 'crash'): Promise<void> {
    this.running = false;
    await this.consumer.close({ leaveGroup: mode === 'leave' });
    await this.loop;
  }
}

async function stableWith(group: string, members: number): Promise<void> {
  await waitFor(() => {
    try {
      const d = fixture.broker.describeGroup(group);
      return d.state === 'Stable' && d.members === members;
    } catch {
      return false;
    }
  }, `group ${group} Stable with ${members} members`);
}

async function produce(topic: string, from: number, count: number): Promise<void> {
  const p = fixture.broker.producer({ lingerMs: 2 });
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      p.send({ topic, key: Buffer.from(`k${from + i}`), value: Buffer.from(String(from + i)) }),
    ),
  );
  await p.close();
}

function partitionsOf(group: string): string[] {
  return fixture.broker
    .describeGroup(group)
    .memberList.flatMap((m) =>
      m.assignment.flatMap((a) => a.partitions.map((p) => `${a.topic}-${p}`)),
    )
    .sort();
}

describe('consumer groups', () => {
  it('shares partitions inside a group and delivers every record to every group exactly once, through joins, leaves and crashes', async () => {
    await fixture.broker.createTopic('events', { partitions: 6 });
    const processed = { A: new Map<string, number>(), B: new Map<string, number>() };
    const a1 = new Worker('A', ['events'], processed.A);
    const a2 = new Worker('A', ['events'], processed.A, { assignors: ['roundrobin', 'range'] });
    const b1 = new Worker('B', ['events'], processed.B);
    await stableWith('A', 2);
    await stableWith('B', 1);
    await produce('events', 0, 600);

    const a3 = new Worker('A', ['events'], processed.A);
    const b2 = new Worker('B', ['events'], processed.B);
    await stableWith('A', 3);
    await stableWith('B', 2);
    // Queue semantics: the six partitions are split among A's members without overlap.
    expect(partitionsOf('A')).toEqual([
      'events-0',
      'events-1',
      'events-2',
      'events-3',
      'events-4',
      'events-5',
    ]);
    await produce('events', 600, 600);

    await a1.stop('leave');
    await stableWith('A', 2);
    await produce('events', 1200, 600);

    await a2.stop('crash');
    await b1.stop('crash');
    // The silent members are dropped once their 2 s sessions expire, and the groups rebalance.
    await stableWith('A', 1);
    await stableWith('B', 1);
    const a4 = new Worker('A', ['events'], processed.A);
    await stableWith('A', 2);
    await produce('events', 1800, 600);

    const total = 2400;
    await waitFor(
      () => processed.A.size === total && processed.B.size === total,
      'both groups to process every record',
      45_000,
    );
    for (const w of [a3, a4, b2]) await w.stop('leave');
    for (const [group, seen] of Object.entries(processed)) {
      const duplicates = [...seen].filter(([, n]) => n !== 1);
      expect(duplicates, `records processed more than once in group ${group}`).toEqual([]);
    }
    // Committed offsets reached the end of every partition in both groups.
    for (const group of ['A', 'B']) {
      for (const lag of fixture.broker.groupLag(group)) expect(lag.lag).toBe(0);
    }
  });

  it('gives each group its own copy of a topic (publish-subscribe)', async () => {
    await fixture.broker.createTopic('news', { partitions: 2 });
    const seen = {
      x: new Map<string, number>(),
      y: new Map<string, number>(),
      z: new Map<string, number>(),
    };
    const workers = Object.entries(seen).map(([g, m]) => new Worker(g, ['news'], m));
    for (const g of Object.keys(seen)) await stableWith(g, 1);
    await produce('news', 0, 100);
    await waitFor(
      () => Object.values(seen).every((m) => m.size === 100),
      'every group to read all 100 records',
    );
    for (const w of workers) await w.stop('leave');
    expect(fixture.broker.listGroups().map((g) => [g.groupId, g.state])).toEqual([
      ['x', 'Empty'],
      ['y', 'Empty'],
      ['z', 'Empty'],
    ]);
  });

  it('rebalances when partitions are added to a subscribed topic', async () => {
    await fixture.broker.createTopic('grow', { partitions: 1 });
    const seen = new Map<string, number>();
    const w = [new Worker('G', ['grow'], seen), new Worker('G', ['grow'], seen)];
    await stableWith('G', 2);
    expect(partitionsOf('G')).toEqual(['grow-0']);
    await fixture.broker.createPartitions('grow', 4);
    await waitFor(() => partitionsOf('G').length === 4, 'the new partitions to be assigned');
    for (const x of w) await x.stop('leave');
  });
});

describe('group administration', () => {
  it('describes members and lag, plans and applies offset resets only for an inactive group, and deletes it', async () => {
    await createTopicOfTen(fixture.broker);
    const seen = new Map<string, number>();
    const w = new Worker('admin', ['t'], seen);
    await waitFor(() => seen.size === 10, 'the worker to read everything');
    const d = fixture.broker.describeGroup('admin');
    expect(d).toMatchObject({
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'range',
      members: 1,
    });
    expect(d.memberList[0]).toMatchObject({
      clientId: 'logdock-consumer',
      clientHost: '/127.0.0.1',
      assignment: [{ topic: 't', partitions: [0, 1] }],
    });
    // A plan can be shown for an active group; executing it is refused.
    expect(
      await fixture.broker.resetGroupOffsets(
        'admin',
        { topic: 't', spec: { kind: 'earliest' } },
        { dryRun: true },
      ),
    ).toHaveLength(2);
    await expect(
      fixture.broker.resetGroupOffsets(
        'admin',
        { topic: 't', spec: { kind: 'earliest' } },
        { dryRun: false },
      ),
    ).rejects.toMatchObject({ code: 'GROUP_NOT_EMPTY' });
    await expect(fixture.broker.deleteGroup('admin')).rejects.toMatchObject({
      code: 'GROUP_NOT_EMPTY',
    });
    await w.stop('leave');
    await fixture.broker.send([{ topic: 't', partition: 0, value: Buffer.from('more') }]);
    expect(fixture.broker.groupLag('admin')).toEqual([
      { topic: 't', partition: 0, committedOffset: 5, logEndOffset: 6, lag: 1 },
      { topic: 't', partition: 1, committedOffset: 5, logEndOffset: 5, lag: 0 },
    ]);
    const plan = await fixture.broker.resetGroupOffsets(
      'admin',
      { topic: 't', spec: { kind: 'shift', by: -2 } },
      { dryRun: true },
    );
    expect(plan).toEqual([
      { topic: 't', partition: 0, oldOffset: 5, newOffset: 3 },
      { topic: 't', partition: 1, oldOffset: 5, newOffset: 3 },
    ]);
    expect(fixture.broker.committedOffsets('admin').get('t:0')).toBe(5);
    expect(
      (
        await fixture.broker.resetGroupOffsets(
          'admin',
          { topic: 't', partition: 1, spec: { kind: 'timestamp', timestamp: 4000 } },
          { dryRun: false },
        )
      )[0].newOffset,
    ).toBe(1);
    expect(
      (
        await fixture.broker.resetGroupOffsets(
          'admin',
          { spec: { kind: 'offset', offset: 999 } },
          { dryRun: false },
        )
      ).map((e) => e.newOffset),
    ).toEqual([6, 5]);
    expect(
      (
        await fixture.broker.resetGroupOffsets(
          'admin',
          { topic: 't', spec: { kind: 'earliest' } },
          { dryRun: false },
        )
      ).map((e) => e.newOffset),
    ).toEqual([0, 0]);
    expect(fixture.broker.committedOffsets('admin')).toEqual(
      new Map([
        ['t:0', 0],
        ['t:1', 0],
      ]),
    );
    await fixture.broker.deleteGroup('admin');
    expect(fixture.broker.listGroups()).toEqual([]);
    expect(() => fixture.broker.groupLag('admin')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_GROUP' }),
    );
  });
});
