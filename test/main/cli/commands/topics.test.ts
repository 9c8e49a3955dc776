import { describe, expect, it } from 'vitest';
import { openBroker } from '../../../../src/main/broker';
import { useCliDataDir } from '../../broker/helpers';

const cli = useCliDataDir();

describe('logdock topics', () => {
  it('creates a topic with partitions and configs', async () => {
    const created = await cli.run([
      'topics',
      '--create',
      '--topic',
      'web',
      '--partitions',
      '2',
      '--config',
      'retention.ms=60000',
    ]);
    expect(created).toMatchObject({ code: 0, stdout: 'Created topic web.\n' });
    const broker = await openBroker({ dataDir: cli.dir });
    expect(broker.describeTopic('web')).toMatchObject({
      partitions: [{ partition: 0 }, { partition: 1 }],
      configs: { 'retention.ms': 60000 },
    });
    await broker.close();
  });

  it('lists and describes topics as kafka-topics does, internal ones only when asked', async () => {
    const broker = await openBroker({ dataDir: cli.dir });
    await broker.createTopic('web', { partitions: 4, configs: { 'cleanup.policy': 'compact' } });
    await broker.close();
    const list = await cli.run(['topics', '--list']);
    expect(list.stdout).toBe('web\n');
    const described = await cli.run(['topics', '--describe', '--include-internal']);
    expect(described.stdout).toMatch(/^Topic: __consumer_offsets\tPartitionCount: 1\t/);
    expect(described.stdout).toMatch(
      /\nTopic: web\tPartitionCount: 4\tReplicationFactor: 1\tConfigs: .*cleanup.policy=compact/,
    );
    expect(
      described.stdout.split('\n').filter((l) => l.startsWith('\tTopic: web\tPartition: ')),
    ).toHaveLength(4);
  });

  it('alters partitions and configs, then deletes the topic', async () => {
    let broker = await openBroker({ dataDir: cli.dir });
    await broker.createTopic('web', { partitions: 2, configs: { 'retention.ms': 60000 } });
    await broker.close();
    const altered = await cli.run([
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
    ]);
    expect(altered.code, altered.stderr).toBe(0);
    broker = await openBroker({ dataDir: cli.dir });
    expect(broker.describeTopic('web').partitions).toHaveLength(4);
    expect(broker.describeTopic('web').configs).toMatchObject({
      'cleanup.policy': 'compact',
      'retention.ms': 604800000,
    });
    await broker.close();
    const deleted = await cli.run(['topics', '--delete', '--topic', 'web']);
    expect(deleted).toMatchObject({ code: 0, stdout: 'Deleted topic web.\n' });
    broker = await openBroker({ dataDir: cli.dir });
    expect(broker.listTopics()).toEqual([]);
    await broker.close();
  });

  it('answers bad arguments with a usage message and a non-zero exit', async () => {
    const [none, badConfig, badCount] = await Promise.all([
      cli.run(['topics']),
      cli.run(['topics', '--create', '--topic', 't', '--config', 'retention.ms=soon']),
      cli.run(['topics', '--create', '--topic', 't', '--partitions', 'many']),
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
    const broker = await openBroker({ dataDir: cli.dir });
    try {
      const r = await cli.run(['topics', '--list']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `UNAVAILABLE: data directory ${cli.dir} is in use by process ${process.pid}`,
      );
    } finally {
      await broker.close();
    }
  });
});
