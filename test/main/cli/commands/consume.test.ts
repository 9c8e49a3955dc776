import { beforeEach, describe, expect, it } from 'vitest';
import { openBroker } from '../../../../src/main/broker';
import { useCliDataDir } from '../../broker/helpers';

const cli = useCliDataDir();
beforeEach(async () => {
  const broker = await openBroker({ dataDir: cli.dir });
  await broker.createTopic('t', { partitions: 2 });
  await broker.send([
    {
      topic: 't',
      partition: 0,
      key: Buffer.from('k0'),
      value: Buffer.from('first'),
      timestamp: 1000,
    },
    { topic: 't', partition: 0, key: null, value: Buffer.from('second'), timestamp: 2000 },
    { topic: 't', partition: 0, key: Buffer.from('k2'), value: null, timestamp: 3000 },
    {
      topic: 't',
      partition: 1,
      key: Buffer.from('k3'),
      value: Buffer.from('other'),
      timestamp: 1500,
    },
  ]);
  await broker.close();
});

/** `logdock consume --topic t <options>` against the seeded data directory. */
const consume = (...options: string[]) => cli.run(['consume', '--topic', 't', ...options]);

describe('logdock consume', () => {
  it('prints keys and offsets of one partition from an offset, as kafka-console-consumer', async () => {
    const r = await consume(
      '--partition',
      '0',
      '--offset',
      '1',
      '--max-messages',
      '2',
      '--print-key',
      '--print-offset',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Offset:1\tnull\tsecond\nOffset:2\tk2\tnull\n');
    expect(r.stderr).toContain('Processed a total of 2 messages');
  });

  it('takes --offset earliest and latest for one partition, as kafka-console-consumer', async () => {
    const earliest = await consume(
      '--partition',
      '0',
      '--offset',
      'earliest',
      '--timeout-ms',
      '500',
    );
    expect(earliest.code, earliest.stderr).toBe(0);
    expect(earliest.stdout).toBe('first\nsecond\nnull\n');
    const latest = await consume('--partition', '0', '--offset', 'latest', '--timeout-ms', '500');
    expect(latest.code, latest.stderr).toBe(0);
    expect(latest.stderr).toContain('Processed a total of 0 messages');
    const both = await consume('--partition', '0', '--offset', 'earliest', '--from-beginning');
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('use only one of --from-beginning, --offset and --timestamp');
  });

  it("takes kafka-console-consumer's --property print.key/print.offset/print.partition=true", async () => {
    const r = await consume(
      ...['--partition', '0', '--offset', '1', '--max-messages', '2'],
      ...['--property', 'print.key=true', '--property', 'print.offset=true'],
      ...['--property', 'print.partition=true'],
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Partition:0\tOffset:1\tnull\tsecond\nPartition:0\tOffset:2\tk2\tnull\n');
  });

  it('reads everything from the beginning and stops after a quiet timeout', async () => {
    const r = await consume('--from-beginning', '--timeout-ms', '500');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'first',
      'null',
      'other',
      'second',
    ]);
  });

  it('starts at a timestamp', async () => {
    const r = await consume('--timestamp', '1800', '--max-messages', '2');
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['null', 'second']);
  });

  it('commits what it printed for a group, so a second run continues after it', async () => {
    const first = await consume('--group', 'cli', '--from-beginning', '--max-messages', '4');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.split('\n').filter(Boolean)).toHaveLength(4);
    const broker = await openBroker({ dataDir: cli.dir });
    expect(broker.committedOffsets('cli')).toEqual(
      new Map([
        ['t:0', 3],
        ['t:1', 1],
      ]),
    );
    await broker.send([{ topic: 't', partition: 1, value: Buffer.from('new') }]);
    await broker.close();
    const second = await consume('--group', 'cli', '--from-beginning', '--max-messages', '1');
    expect(second.stdout).toBe('new\n');
  });

  it('rejects conflicting or incomplete start options with a usage error', async () => {
    const [both, noPartition, unknown] = await Promise.all([
      consume('--from-beginning', '--timestamp', '5'),
      consume('--offset', '3'),
      cli.run(['consume', '--topic', 'missing', '--max-messages', '1']),
    ]);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('use only one of --from-beginning, --offset and --timestamp');
    expect(noPartition.code).not.toBe(0);
    expect(noPartition.stderr).toContain('--offset needs --partition');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('UNKNOWN_TOPIC');
  });
});
