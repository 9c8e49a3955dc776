import { afterEach, describe, expect, it } from 'vitest';
import { runProcess, waitFor } from '../main/protocol/helpers';
import { startMockCluster, type MockCluster } from './mock-cluster';

// The multi-broker test peer itself, checked with a real librdkafka client (kcat): the tool
// must really give three brokers, spread leaders, and obey its commands, or every test built
// on it proves nothing.

interface KcatMetadata {
  brokers: { id: number; name: string }[];
  topics: { topic: string; partitions: { partition: number; leader: number }[] }[];
}

let cluster: MockCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function metadata(bootstrap: string, topic: string): Promise<KcatMetadata> {
  const { code, stdout, stderr } = await runProcess('kcat', [
    '-b',
    bootstrap,
    '-L',
    '-J',
    '-t',
    topic,
  ]);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as KcatMetadata;
}

function leaders(md: KcatMetadata): number[] {
  return md.topics[0].partitions.map((p) => p.leader);
}

describe('mock-cluster test tool', () => {
  it('starts three brokers, spreads leaders over them and moves a leader on command', async () => {
    cluster = await startMockCluster(3);
    expect(cluster.bootstrap.split(',')).toHaveLength(3);
    await cluster.command('create spread 6 3');
    const before = await metadata(cluster.bootstrap, 'spread');
    expect(before.brokers.map((b) => b.id).sort()).toEqual([1, 2, 3]);
    expect(new Set(leaders(before)).size).toBeGreaterThan(1);

    const target = leaders(before)[0] === 3 ? 2 : 3;
    await cluster.command(`leader spread 0 ${target}`);
    const after = await metadata(cluster.bootstrap, 'spread');
    expect(leaders(after)[0]).toBe(target);
  }, 240_000);

  it('keeps every record when a leader moves and its old broker goes down', async () => {
    cluster = await startMockCluster(3);
    const { bootstrap } = cluster;
    await cluster.command('create moved 1 3');
    await cluster.command('leader moved 0 1');
    const produce = async (lines: string[]) => {
      const run = await runProcess(
        'kcat',
        ['-b', bootstrap, '-P', '-t', 'moved', '-p', '0', '-X', 'acks=all'],
        { input: lines.join('\n') + '\n' },
      );
      expect(run.code, run.stderr).toBe(0);
    };
    await produce(['one', 'two', 'three']);
    await cluster.command('leader moved 0 2');
    await cluster.command('down 1');
    await produce(['four', 'five']);

    let consumed: string[] = [];
    await waitFor(async () => {
      const run = await runProcess('kcat', [
        ...['-b', bootstrap, '-C', '-t', 'moved', '-p', '0', '-o', 'beginning', '-e'],
      ]);
      consumed = run.stdout.split('\n').filter(Boolean);
      return consumed.length >= 5;
    }, 'five records consumed from the new leader');
    expect(consumed).toEqual(['one', 'two', 'three', 'four', 'five']);
  }, 240_000);

  it('answers a bad command with an error and keeps running', async () => {
    cluster = await startMockCluster(3);
    await expect(cluster.command('leader nosuch 0 9')).rejects.toThrow(
      /mock-cluster: leader nosuch/,
    );
    await expect(cluster.command('fly away')).rejects.toThrow(/unknown command/);
    await cluster.command('create after-error 1 1');
  }, 240_000);
});
