import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBroker } from '../../../../src/main/broker';
import { runCli, tempDir } from '../../broker/helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('logdock-cli-'));
});
afterEach(() => cleanup());

describe('logdock topics', () => {
  it('creates, lists, describes, alters and deletes topics on a data directory', async () => {
    const created = await runCli([
      'topics',
      '--create',
      '--topic',
      'web',
      '--partitions',
      '2',
      '--config',
      'retention.ms=60000',
      '--data-dir',
      dir,
    ]);
    expect(created).toMatchObject({ code: 0, stdout: 'Created topic web.\n' });
    const altered = await runCli([
      'topics',
      '--alter',
      '--topic',
      'web',
      '--partitions',
      '4',
      '--config',
      'cleanup.policy=compact',
      '--delete-config',
      'retention.ms',
      '--data-dir',
      dir,
    ]);
    expect(altered.code, altered.stderr).toBe(0);
    const list = await runCli(['topics', '--list', '--data-dir', dir]);
    expect(list.stdout).toBe('web\n');
    const withInternal = await runCli([
      'topics',
      '--list',
      '--include-internal',
      '--data-dir',
      dir,
    ]);
    expect(withInternal.stdout).toBe('__consumer_offsets\nweb\n');
    const described = await runCli(['topics', '--describe', '--topic', 'web', '--data-dir', dir]);
    expect(described.stdout).toMatch(
      /^Topic: web\tPartitionCount: 4\tReplicationFactor: 1\tConfigs: .*cleanup.policy=compact/,
    );
    expect(described.stdout).toContain('retention.ms=604800000');
    expect(
      described.stdout.split('\n').filter((l) => l.startsWith('\tTopic: web\tPartition: ')),
    ).toHaveLength(4);
    const deleted = await runCli(['topics', '--delete', '--topic', 'web', '--data-dir', dir]);
    expect(deleted).toMatchObject({ code: 0, stdout: 'Deleted topic web.\n' });
    const broker = await openBroker({ dataDir: dir });
    expect(broker.listTopics()).toEqual([]);
    await broker.close();
  });

  it('answers bad arguments with a usage message and a non-zero exit', async () => {
    const [none, noTopic, badConfig, badCount] = await Promise.all([
      runCli(['topics', '--data-dir', dir]),
      runCli(['topics', '--create', '--data-dir', dir]),
      runCli([
        'topics',
        '--create',
        '--topic',
        't',
        '--config',
        'retention.ms=soon',
        '--data-dir',
        dir,
      ]),
      runCli(['topics', '--create', '--topic', 't', '--partitions', 'many', '--data-dir', dir]),
    ]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/exactly one of --list, --describe, --create, --alter, --delete/);
    expect(none.stderr).toContain('Usage: logdock topics');
    expect(noTopic.code).not.toBe(0);
    expect(noTopic.stderr).toContain('--create needs --topic');
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toContain('INVALID_CONFIG');
    expect(badConfig.stderr).toContain('retention.ms="soon"');
    expect(badCount.code).not.toBe(0);
    expect(badCount.stderr).toContain('expected a positive integer');
  });

  it('refuses a data directory another process has open, naming it', async () => {
    const broker = await openBroker({ dataDir: dir });
    try {
      const r = await runCli(['topics', '--list', '--data-dir', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `UNAVAILABLE: data directory ${dir} is in use by process ${process.pid}`,
      );
    } finally {
      await broker.close();
    }
  });
});
