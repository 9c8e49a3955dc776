import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openBroker } from '../../../src/main/broker';
import { runChildUntil } from '../../child-until';
import { useBrokerDir, waitFor } from './helpers';

const fixture = useBrokerDir();

const child = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));

describe('broker crash', () => {
  it('keeps records, groups and committed offsets across a SIGKILL and takes over the stale lock', async () => {
    const out = await runChildUntil({
      args: ['--import', 'tsx', child, fixture.dir],
      marker: 'READY',
      what: 'the child to commit',
    });
    const committed = JSON.parse(out.split('READY ')[1]) as Record<string, number>;

    // While the dead child's pid is in .lock, a new broker takes the directory over.
    const broker = await openBroker({ dataDir: fixture.dir });
    fixture.broker = broker; // closed after the test
    // Partitions the child wrote to recover in the background; offsets are final after it.
    await broker.whenRecovered();
    // The dead member was restored with the group and expires after its session timeout.
    expect(broker.describeGroup('survivor').members).toBe(1);
    expect(Object.fromEntries(broker.committedOffsets('survivor'))).toEqual(committed);
    const desc = broker.describeTopic('crash');
    expect(desc.partitions.every((p) => p.logEndOffset >= 50)).toBe(true);
    const first = await broker.readRecords('crash', 0, 0, { maxRecords: 1 });
    expect(first[0].value?.toString()).toBe('0');
    await waitFor(
      () => broker.describeGroup('survivor').state === 'Empty',
      'the dead member to expire',
    );

    // A new member continues exactly where the committed offsets point.
    const c = broker.consumer({ groupId: 'survivor', autoOffsetReset: 'earliest' });
    c.subscribe(['crash']);
    const got = await c.poll(5000);
    const firstByPartition = new Map<number, number>();
    for (const r of got)
      if (!firstByPartition.has(r.partition)) firstByPartition.set(r.partition, r.offset);
    for (const [partition, offset] of firstByPartition)
      expect(offset).toBe(committed[`crash:${partition}`]);
    await c.close();
  });
});
