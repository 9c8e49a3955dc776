import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandConfig } from '../../../../src/main/cli/remote-cluster';
import { runCli } from '../../broker/helpers';
import { useLogdock } from '../../protocol/helpers';
import { startMockCluster } from '../../../tools/mock-cluster';

// `logdock topics --bootstrap-server` as kafka-topics.sh: a real CLI process against a second
// Logdock's Kafka listener (plaintext, then SASL/PLAIN through --command-config).

const fixture = useLogdock();

describe('logdock topics --bootstrap-server', () => {
  it('creates, describes as kafka-topics does, alters and deletes topics on a Kafka cluster', async () => {
    const ld = await fixture.start();
    const server = ['--bootstrap-server', ld.bootstrap];
    const created = await runCli([
      'topics',
      '--create',
      '--topic',
      'orders',
      '--partitions',
      '2',
      ...server,
    ]);
    expect(created, created.stderr).toMatchObject({ code: 0, stdout: 'Created topic orders.\n' });
    expect(created.stderr).toContain(`using the Kafka cluster at ${ld.bootstrap}`);
    await ld.broker.send([{ topic: 'orders', partition: 1, value: Buffer.from('x') }]);

    const described = await runCli(['topics', '--describe', '--topic', 'orders', ...server]);
    expect(described.code, described.stderr).toBe(0);
    const lines = described.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^Topic: orders\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: .*retention\.ms=/,
    );
    // Sizes come from DescribeLogDirs, which the Logdock holding the topic answers.
    expect(lines[1]).toBe(
      '\tTopic: orders\tPartition: 0\tLeader: 0\tReplicas: 0\tIsr: 0\tLogStartOffset: 0\tLogEndOffset: 0\tSize: 0',
    );
    expect(lines[2]).toMatch(
      /^\tTopic: orders\tPartition: 1\tLeader: 0\tReplicas: 0\tIsr: 0\tLogStartOffset: 0\tLogEndOffset: 1\tSize: [1-9]\d*$/,
    );

    const altered = await runCli([
      'topics',
      '--alter',
      '--topic',
      'orders',
      '--partitions',
      '3',
      '--config',
      'retention.ms=60000',
      ...server,
    ]);
    expect(altered.code, altered.stderr).toBe(0);
    expect(ld.broker.describeTopic('orders')).toMatchObject({ configs: { 'retention.ms': 60000 } });
    expect(ld.broker.describeTopic('orders').partitions).toHaveLength(3);
    expect((await runCli(['topics', '--list', ...server])).stdout).toBe('orders\n');
    expect((await runCli(['topics', '--delete', '--topic', 'orders', ...server])).code).toBe(0);
    expect(ld.broker.listTopics().map((t) => t.name)).not.toContain('orders');
  });

  it('describes partitions of three brokers as kafka-topics does, and lists under-replicated and unavailable ones', async () => {
    const mock = await startMockCluster(3);
    fixture.onCleanup(() => mock.close());
    await mock.command('create orders 3 3');
    await mock.command('leader orders 0 1');
    await mock.command('leader orders 1 2');
    await mock.command('leader orders 2 1');
    const server = ['--bootstrap-server', mock.bootstrap];
    const describe = async (...filters: string[]) => {
      const run = await runCli([
        'topics',
        '--describe',
        '--topic',
        'orders',
        ...filters,
        ...server,
      ]);
      expect(run.code, run.stderr).toBe(0);
      // Placement columns only: offsets and sizes are covered above.
      return run.stdout
        .trimEnd()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\tLogStartOffset')[0]);
    };
    const line = (p: number, leader: number | string, isr: string) =>
      `\tTopic: orders\tPartition: ${p}\tLeader: ${leader}\tReplicas: ${replicas[p]}\tIsr: ${isr}`;
    const all = await describe();
    expect(all[0]).toMatch(/^Topic: orders\tPartitionCount: 3\tReplicationFactor: 3\t/);
    const replicas = all.slice(1).map((l) => /Replicas: ([\d,]+)/.exec(l)![1]);
    for (const r of replicas) expect(r.split(',').sort()).toEqual(['1', '2', '3']);
    expect(all.slice(1)).toEqual([0, 1, 2].map((p) => line(p, [1, 2, 1][p], replicas[p])));
    expect(await describe('--under-replicated-partitions')).toEqual([]);

    // Broker 3 down: out of every ISR; partition 2 loses its leader as well.
    await mock.command('down 3');
    await mock.command('leader orders 2 none');
    const inSync = (p: number) =>
      replicas[p]
        .split(',')
        .filter((b) => b !== '3')
        .join(',');
    expect(await describe('--under-replicated-partitions')).toEqual([
      line(0, 1, inSync(0)),
      line(1, 2, inSync(1)),
    ]);
    expect(await describe('--unavailable-partitions')).toEqual([line(2, 'none', inSync(2))]);
    const misuse = await runCli(['topics', '--list', '--unavailable-partitions', ...server]);
    expect(misuse.code).not.toBe(0);
    expect(misuse.stderr).toContain('go with --describe');
  }, 240_000);

  it('authenticates with SASL/PLAIN from --command-config and fails clearly with a wrong password', async () => {
    const ld = await fixture.start({ sasl: [{ username: 'ops', password: 'right-pw' }] });
    await ld.broker.createTopic('secured', { partitions: 1 });
    const dir = await fixture.tempDir('logdock-cli-props-');
    const props = (password: string) =>
      [
        '# client.properties',
        'security.protocol=SASL_PLAINTEXT',
        'sasl.mechanism=PLAIN',
        `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="ops" password="${password}";`,
      ].join('\n');
    await writeFile(join(dir, 'good.properties'), props('right-pw'));
    await writeFile(join(dir, 'bad.properties'), props('wrong'));
    const good = await runCli([
      'topics',
      '--list',
      '--bootstrap-server',
      ld.bootstrap,
      '--command-config',
      join(dir, 'good.properties'),
    ]);
    expect(good, good.stderr).toMatchObject({ code: 0, stdout: 'secured\n' });
    const bad = await runCli([
      'topics',
      '--list',
      '--bootstrap-server',
      ld.bootstrap,
      '--command-config',
      join(dir, 'bad.properties'),
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/UNAUTHENTICATED|SASL authentication failed/);
    const unreachable = await runCli(['topics', '--list', '--bootstrap-server', '127.0.0.1:1']);
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.stderr).toContain('127.0.0.1:1');
  });
});

describe('parseCommandConfig', () => {
  it('reads Kafka and librdkafka client properties into security settings', () => {
    expect(
      parseCommandConfig(
        [
          'security.protocol = SASL_SSL',
          'sasl.mechanism: SCRAM-SHA-512',
          'sasl.username=alice',
          'sasl.password=p=w',
          'ssl.ca.location=/etc/ca.pem',
          'ssl.endpoint.identification.algorithm=',
        ].join('\n'),
        'f',
      ),
    ).toEqual({
      protocol: 'SASL_SSL',
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: 'p=w' },
      tls: { caFile: '/etc/ca.pem', checkHostname: false },
    });
    expect(parseCommandConfig('', 'f')).toEqual({ protocol: 'PLAINTEXT' });
  });

  it('refuses what it cannot do, naming the file and key', () => {
    expect(() => parseCommandConfig('ssl.truststore.location=/x.jks', 'client.properties')).toThrow(
      /client.properties: ssl.truststore.location: Java keystores/,
    );
    expect(() => parseCommandConfig('security.protocol=KERBEROS', 'f')).toThrow(
      /security.protocol/,
    );
    expect(() =>
      parseCommandConfig('security.protocol=SASL_PLAINTEXT\nsasl.mechanism=GSSAPI', 'f'),
    ).toThrow(/sasl.mechanism/);
    expect(() => parseCommandConfig('security.protocol=SASL_PLAINTEXT', 'f')).toThrow(
      /needs a user/,
    );
  });
});
