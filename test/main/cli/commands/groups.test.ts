import { beforeEach, describe, expect, it } from 'vitest';
import { openBroker } from '../../../../src/main/broker';
import { createTopicOfTen, useCliDataDir } from '../../broker/helpers';

const cli = useCliDataDir();
beforeEach(async () => {
  const broker = await openBroker({ dataDir: cli.dir });
  await createTopicOfTen(broker);
  await broker.groups.commitOffsets({ groupId: 'billing', generationId: -1, memberId: '' }, [
    { topic: 't', partition: 0, offset: 4 },
    { topic: 't', partition: 1, offset: 2 },
  ]);
  await broker.close();
});

describe('logdock groups', () => {
  it('lists groups with their state and describes offsets and lag', async () => {
    expect((await cli.run(['groups', '--list'])).stdout).toBe('billing\n');
    const state = await cli.run(['groups', '--list', '--state']);
    expect(state.stdout.split('\n')[1]).toMatch(/^billing\s+Empty\s+0$/);
    const d = await cli.run(['groups', '--describe', '--group', 'billing']);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toContain("Consumer group 'billing' has no active members.");
    const rows = d.stdout.split('\n').filter((l) => l.startsWith('billing'));
    expect(rows.map((l) => l.split(/\s+/).slice(0, 6))).toEqual([
      ['billing', 't', '0', '4', '5', '1'],
      ['billing', 't', '1', '2', '5', '3'],
    ]);
  });

  it('shows a reset plan with --dry-run and applies it only with --execute', async () => {
    const plan = await cli.run([
      'groups',
      '--reset-offsets',
      '--group',
      'billing',
      '--topic',
      't:1',
      '--shift-by',
      '-1',
      '--dry-run',
    ]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout.split('\n')[1].split(/\s+/)).toEqual(['billing', 't', '1', '1']);
    let broker = await openBroker({ dataDir: cli.dir });
    expect(broker.committedOffsets('billing').get('t:1')).toBe(2);
    await broker.close();
    const done = await cli.run([
      'groups',
      '--reset-offsets',
      '--group',
      'billing',
      '--all-topics',
      '--to-datetime',
      '1970-01-01T00:00:04Z',
      '--execute',
    ]);
    expect(done.code, done.stderr).toBe(0);
    broker = await openBroker({ dataDir: cli.dir });
    // 4000 ms is the timestamp of record 3: offset 1 of partition 1; partition 0's next is record 4 (offset 2).
    expect(broker.committedOffsets('billing')).toEqual(
      new Map([
        ['t:0', 2],
        ['t:1', 1],
      ]),
    );
    await broker.close();
  });

  it('deletes a group and rejects bad arguments with usage and a non-zero exit', async () => {
    const del = await cli.run(['groups', '--delete', '--group', 'billing']);
    expect(del.stdout).toContain(
      "Deletion of requested consumer groups ('billing') was successful.",
    );
    const again = await cli.run(['groups', '--delete', '--group', 'billing']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('UNKNOWN_GROUP');
    const [noSpec, noGroup] = await Promise.all([
      cli.run(['groups', '--reset-offsets', '--group', 'g', '--all-topics']),
      cli.run(['groups', '--describe']),
    ]);
    expect(noSpec.code).not.toBe(0);
    expect(noSpec.stderr).toContain(
      'exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime, --shift-by',
    );
    expect(noGroup.code).not.toBe(0);
    expect(noGroup.stderr).toContain('--describe needs --group');
  });
});
