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
  it('creates a topic with partitions and configs', async () => {
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
    const broker = await openBroker({ dataDir: dir });
    expect(broker.describeTopic('web')).toMatchObject({
      partitions: [{ partition: 0 }, { partition: 1 }],
      configs: { 'retention.ms': 60000 },
    });
    await broker.close();
  });

  it('lists and describes topics as kafka-topics does, internal ones only when asked', async () => {
    const broker = await openBroker({ dataDir: dir });
    await broker.createTopic('web', { partitions: 4, configs: { 'cleanup.policy': 'compact' } });
    await broker.close();
    const list = await runCli(['topics', '--list', '--data-dir', dir]);
    expect(list.stdout).toBe('web\n');
    const described = await runCli([
      'topics',
      '--describe',
      '--include-internal',
      '--data-dir',
      dir,
    ]);
    expect(described.stdout).toMatch(/^Topic: __consumer_offsets\tPartitionCount: 1\t/);
    expect(described.stdout).toMatch(
      /\nTopic: web\tPartitionCount: 4\tReplicationFactor: 1\tConfigs: .*cleanup.policy=compact/,
    );
    expect(
      described.stdout.split('\n').filter((l) => l.startsWith('\tTopic: web\tPartition: ')),
    ).toHaveLength(4);
  });

  it('alters partitions and configs, then deletes the topic', async () => {
    let broker = await openBroker({ dataDir: dir });
    await broker.createTopic('web', { partitions: 2, configs: { 'retention.ms': 60000 } });
    await broker.close();
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
    broker = await openBroker({ dataDir: dir });
    expect(broker.describeTopic('web').partitions).toHaveLength(4);
    expect(broker.describeTopic('web').configs).toMatchObject({
      'cleanup.policy': 'compact',
      'retention.ms': 604800000,
    });
    await broker.close();
    const deleted = await runCli(['topics', '--delete', '--topic', 'web', '--data-dir', dir]);
    expect(deleted).toMatchObject({ code: 0, stdout: 'Deleted topic web.\n' });
    broker = await openBroker({ dataDir: dir });
    expect(broker.listTopics()).toEqual([]);
    await broker.close();
  });

  it('answers bad arguments with a usage message and a non-zero exit', async () => {
    const [none, badConfig, badCount] = await Promise.all([
      runCli(['topics', '--data-dir', dir]),
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
