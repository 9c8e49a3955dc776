import { describe, expect, it } from 'vitest';
import { RemoteCluster } from '../../../../src/main/remote/cluster';
import { runCli } from '../../broker/helpers';
import { useLogdock } from '../../protocol/helpers';

// groups --bootstrap-server as kafka-consumer-groups.sh, a real CLI process against a second
// Logdock's Kafka listener; the group's offsets are committed there over the wire first.

const fixture = useLogdock();

describe('logdock groups --bootstrap-server', () => {
  it('lists, describes with lag, resets (dry run, then execute) and deletes a group', async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('jobs', { partitions: 1 });
    await ld.broker.send(
      Array.from({ length: 8 }, (_, i) => ({ topic: 'jobs', value: Buffer.from(`j${i}`) })),
    );
    const remote = new RemoteCluster({
      name: 'second',
      client: { clientId: 't', bootstrapBrokers: [ld.bootstrap] },
    });
    fixture.onCleanup(() => remote.close());
    await remote.resetGroupOffsets(
      'workers',
      { topic: 'jobs', spec: { kind: 'offset', offset: 5 } },
      { dryRun: false },
    );
    const server = ['--bootstrap-server', ld.bootstrap];

    const list = await runCli(['groups', '--list', ...server]);
    expect(list.stdout.split('\n')).toContain('workers');
    const described = await runCli(['groups', '--describe', '--group', 'workers', ...server]);
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toMatch(/jobs\s+0\s+5\s+8\s+3/);

    const resetToEarliest = (mode: '--dry-run' | '--execute') =>
      runCli([
        'groups',
        '--reset-offsets',
        '--group',
        'workers',
        '--topic',
        'jobs',
        '--to-earliest',
        mode,
        ...server,
      ]);
    const dry = await resetToEarliest('--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect((await remote.committedOffsets('workers')).get('jobs:0')).toBe(5);
    const executed = await resetToEarliest('--execute');
    expect(executed.code, executed.stderr).toBe(0);
    expect((await remote.committedOffsets('workers')).get('jobs:0')).toBe(0);

    expect((await runCli(['groups', '--delete', '--group', 'workers', ...server])).code).toBe(0);
    expect((await runCli(['groups', '--list', ...server])).stdout.split('\n')).not.toContain(
      'workers',
    );
  });
});
