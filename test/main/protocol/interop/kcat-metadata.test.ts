import { describe, expect, it } from 'vitest';
import { runProcess, useLogdock } from '../helpers';

const logdock = useLogdock();

describe('kcat (librdkafka) metadata', () => {
  it('lists the broker at the listener address and every topic with its partitions', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('app-logs', { partitions: 3 });
    await ld.broker.createTopic('audit', { partitions: 1 });
    const { code, stdout, stderr } = await runProcess('kcat', ['-b', ld.bootstrap, '-L', '-J']);
    expect(code, stderr).toBe(0);
    const md = JSON.parse(stdout) as {
      brokers: { id: number; name: string }[];
      topics: { topic: string; partitions: { partition: number; leader: number }[] }[];
    };
    expect(md.brokers).toEqual([{ id: 0, name: `127.0.0.1:${ld.port}` }]);
    const byName = new Map(md.topics.map((t) => [t.topic, t]));
    expect(
      byName
        .get('app-logs')
        ?.partitions.map((p) => p.partition)
        .sort(),
    ).toEqual([0, 1, 2]);
    expect(byName.get('audit')?.partitions).toHaveLength(1);
    expect(byName.get('app-logs')?.partitions.every((p) => p.leader === 0)).toBe(true);
  });

  it('creates a topic that is asked for by name (auto creation on by default)', async () => {
    const ld = await logdock.start();
    const { code, stderr } = await runProcess('kcat', [
      '-b',
      ld.bootstrap,
      '-L',
      '-t',
      'created-on-demand',
    ]);
    expect(code, stderr).toBe(0);
    expect(ld.broker.listTopics().map((t) => t.name)).toContain('created-on-demand');
  });

  it('does not create topics when auto creation is off', async () => {
    const ld = await logdock.start({ autoCreateTopics: false });
    const { stdout } = await runProcess('kcat', [
      '-b',
      ld.bootstrap,
      '-L',
      '-t',
      'not-there',
      '-J',
    ]);
    expect(stdout).toMatch(/not-there/);
    expect(ld.broker.listTopics().map((t) => t.name)).not.toContain('not-there');
  });
});
