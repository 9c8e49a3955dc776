import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBroker } from '../../../../src/main/broker';
import { runCli, tempDir } from '../../broker/helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('logdock-cli-'));
  const broker = await openBroker({ dataDir: dir });
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
afterEach(() => cleanup());

describe('logdock consume', () => {
  it('prints keys and offsets of one partition from an offset, as kafka-console-consumer', async () => {
    const r = await runCli([
      'consume',
      '--topic',
      't',
      '--partition',
      '0',
      '--offset',
      '1',
      '--max-messages',
      '2',
      '--print-key',
      '--print-offset',
      '--data-dir',
      dir,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Offset:1\tnull\tsecond\nOffset:2\tk2\tnull\n');
    expect(r.stderr).toContain('Processed a total of 2 messages');
  });

  it('reads everything from the beginning and stops after a quiet timeout', async () => {
    const r = await runCli([
      'consume',
      '--topic',
      't',
      '--from-beginning',
      '--timeout-ms',
      '500',
      '--data-dir',
      dir,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'first',
      'null',
      'other',
      'second',
    ]);
  });

  it('starts at a timestamp', async () => {
    const r = await runCli([
      'consume',
      '--topic',
      't',
      '--timestamp',
      '1800',
      '--max-messages',
      '2',
      '--data-dir',
      dir,
    ]);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['null', 'second']);
  });

  it('commits what it printed for a group, so a second run continues after it', async () => {
    const first = await runCli([
      'consume',
      '--topic',
      't',
      '--group',
      'cli',
      '--from-beginning',
      '--max-messages',
      '4',
      '--data-dir',
      dir,
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.split('\n').filter(Boolean)).toHaveLength(4);
    const broker = await openBroker({ dataDir: dir });
    expect(broker.committedOffsets('cli')).toEqual(
      new Map([
        ['t:0', 3],
        ['t:1', 1],
      ]),
    );
    await broker.send([{ topic: 't', partition: 1, value: Buffer.from('new') }]);
    await broker.close();
    const second = await runCli([
      'consume',
      '--topic',
      't',
      '--group',
      'cli',
      '--from-beginning',
      '--max-messages',
      '1',
      '--data-dir',
      dir,
    ]);
    expect(second.stdout).toBe('new\n');
  });

  it('rejects conflicting or incomplete start options with a usage error', async () => {
    const [both, noPartition, unknown] = await Promise.all([
      runCli([
        'consume',
        '--topic',
        't',
        '--from-beginning',
        '--timestamp',
        '5',
        '--data-dir',
        dir,
      ]),
      runCli(['consume', '--topic', 't', '--offset', '3', '--data-dir', dir]),
      runCli(['consume', '--topic', 'missing', '--max-messages', '1', '--data-dir', dir]),
    ]);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('use only one of --from-beginning, --offset and --timestamp');
    expect(noPartition.code).not.toBe(0);
    expect(noPartition.stderr).toContain('--offset needs --partition');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('UNKNOWN_TOPIC');
  });
});
