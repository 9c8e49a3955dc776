import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../../src/main/broker';
import { runProcess, useLogdock } from '../helpers';

const logdock = useLogdock();

describe('kafka-python producer and admin client', () => {
  it('creates and configures a topic and produces keyed records on murmur2 partitions', async () => {
    const ld = await logdock.start();
    const script = join(__dirname, 'py', 'kafka_python_produce_admin.py');
    const { code, stdout, stderr } = await runProcess('/usr/bin/python3', [script, ld.bootstrap], {
      timeoutMs: 55_000,
    });
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout) as {
      topics: string[];
      configs: Record<string, string>;
      placed: Record<string, [number, number]>;
    };
    expect(out.topics).toContain('py-keyed');
    expect(out.configs['retention.ms']).toBe('7200000');
    expect(out.configs['cleanup.policy']).toBe('compact');
    const desc = ld.broker.describeTopic('py-keyed');
    expect(desc.partitions).toHaveLength(4);
    expect(desc.configs['retention.ms']).toBe(7200000);
    for (const [key, [partition]] of Object.entries(out.placed)) {
      expect(partition).toBe(partitionForKey(Buffer.from(key), 4));
    }
    const total = desc.partitions.reduce((n, p) => n + p.logEndOffset, 0);
    expect(total).toBe(40);
  });
});
