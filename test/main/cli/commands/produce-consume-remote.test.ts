import { describe, expect, it } from 'vitest';
import { runCli } from '../../broker/helpers';
import { useLogdock } from '../../protocol/helpers';

// produce and consume --bootstrap-server as kafka-console-producer/-consumer, real CLI
// processes against a second Logdock's Kafka listener.

const fixture = useLogdock();

describe('logdock produce and consume --bootstrap-server', () => {
  it('produces keyed lines in order with acks=all and consumes them back from the beginning', async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('lines', { partitions: 2 });
    const server = ['--bootstrap-server', ld.bootstrap];
    const input = Array.from({ length: 50 }, (_, i) => `k${i % 5}:line ${i}`).join('\n') + '\n';
    const produced = await runCli(
      ['produce', '--topic', 'lines', '--key-separator', ':', '--acks', 'all', ...server],
      input,
    );
    expect(produced.code, produced.stderr).toBe(0);
    expect(produced.stderr).toContain('50 records to lines');
    const stored = [0, 1].reduce(
      (n, p) => n + ld.broker.describeTopic('lines').partitions[p].logEndOffset,
      0,
    );
    expect(stored).toBe(50);

    const consumed = await runCli([
      'consume',
      '--topic',
      'lines',
      '--from-beginning',
      '--print-key',
      '--max-messages',
      '50',
      ...server,
    ]);
    expect(consumed.code, consumed.stderr).toBe(0);
    const rows = consumed.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(50);
    // Per key, the lines come back in the order they were written.
    for (let k = 0; k < 5; k++) {
      const ofKey = rows
        .filter((r) => r.startsWith(`k${k}\t`))
        .map((r) => Number(r.split('line ')[1]));
      expect(ofKey).toEqual([...ofKey].sort((a, b) => a - b));
      expect(ofKey).toHaveLength(10);
    }
    expect(consumed.stderr).toContain('Processed a total of 50 messages');
  });

  it('produces to a topic that does not exist, which the broker creates, as kafka-console-producer', async () => {
    // Kafka's producer asks Metadata with allowAutoTopicCreation: a broker with
    // auto.create.topics.enable (the default, and the listener's autoCreateTopics) creates it.
    const ld = await fixture.start();
    const produced = await runCli(
      ['produce', '--topic', 'fresh', '--bootstrap-server', ld.bootstrap],
      'one\ntwo\nthree\n',
    );
    expect(produced.code, produced.stderr).toBe(0);
    expect(produced.stderr).toContain('3 records to fresh');
    const values = (await ld.broker.readRecords('fresh', 0, 0)).map((r) => r.value?.toString());
    expect(values).toEqual(['one', 'two', 'three']);
  });

  it('names the topic and the broker and exits non-zero when the broker does not create topics', async () => {
    const ld = await fixture.start({ autoCreateTopics: false });
    const produced = await runCli(
      ['produce', '--topic', 'fresh', '--bootstrap-server', ld.bootstrap],
      'one\n',
    );
    expect(produced.code).not.toBe(0);
    expect(produced.stderr).toContain(
      `UNKNOWN_TOPIC: topic fresh does not exist on cluster ${ld.bootstrap}, which did not create it`,
    );
    expect(ld.broker.listTopics().map((t) => t.name)).not.toContain('fresh');
  });

  it('consumes a topic that does not exist, which the broker creates, as kafka-console-consumer', async () => {
    // The Java consumer's allow.auto.create.topics (default true) asks Metadata as the producer.
    const ld = await fixture.start();
    const consumed = await runCli([
      ...['consume', '--topic', 'fresh', '--timeout-ms', '1500'],
      ...['--bootstrap-server', ld.bootstrap],
    ]);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stderr).toContain('Processed a total of 0 messages');
    expect(ld.broker.listTopics().map((t) => t.name)).toContain('fresh');
  });

  it('starts at an offset of one partition and stops after a quiet timeout', async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('lines', { partitions: 1 });
    await ld.broker.send(
      Array.from({ length: 10 }, (_, i) => ({ topic: 'lines', value: Buffer.from(`v${i}`) })),
    );
    const consumed = await runCli([
      ...['consume', '--topic', 'lines', '--partition', '0', '--offset', '7', '--print-offset'],
      ...['--timeout-ms', '1500', '--bootstrap-server', ld.bootstrap],
    ]);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout).toBe('Offset:7\tv7\nOffset:8\tv8\nOffset:9\tv9\n');
  });

  it('consumes as a member of a group, committing what it printed, as kafka-console-consumer --group', async () => {
    const ld = await fixture.start();
    await ld.broker.createTopic('jobs', { partitions: 2 });
    await ld.broker.send(
      Array.from({ length: 10 }, (_, i) => ({
        topic: 'jobs',
        partition: i % 2,
        value: Buffer.from(`job ${i}`),
      })),
    );
    const server = ['--bootstrap-server', ld.bootstrap];
    const consume = (...more: string[]) =>
      runCli(['consume', '--topic', 'jobs', '--group', 'billing', ...more, ...server]);
    const committed = async () => {
      const described = await runCli(['groups', '--describe', '--group', 'billing', ...server]);
      expect(described.code, described.stderr).toBe(0);
      // TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG
      return [0, 1].map((p) => {
        const row = new RegExp(`jobs\\s+${p}\\s+(\\d+)\\s+5\\s+(\\d+)`).exec(described.stdout);
        expect(row, described.stdout).not.toBeNull();
        return { current: Number(row![1]), lag: Number(row![2]) };
      });
    };

    const first = await consume('--from-beginning', '--max-messages', '6');
    expect(first.code, first.stderr).toBe(0);
    const firstLines = first.stdout.trimEnd().split('\n');
    expect(firstLines).toHaveLength(6);
    expect(first.stderr).toContain('Processed a total of 6 messages');
    const afterFirst = await committed();
    // Committed on the second Logdock: exactly what was printed, per partition.
    expect(afterFirst.reduce((n, p) => n + p.current, 0)).toBe(6);
    expect(afterFirst.reduce((n, p) => n + p.lag, 0)).toBe(4);

    // The next member starts at the committed offsets: the rest, each record once overall.
    const second = await consume('--timeout-ms', '1500');
    expect(second.code, second.stderr).toBe(0);
    const all = [...firstLines, ...second.stdout.trimEnd().split('\n')];
    expect(all.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `job ${i}`).sort());
    expect(await committed()).toEqual([
      { current: 5, lag: 0 },
      { current: 5, lag: 0 },
    ]);
  });
});
