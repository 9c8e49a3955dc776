import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcess, useLogdock, type Logdock } from '../helpers';

const logdock = useLogdock();
const script = join(__dirname, 'py', 'confluent_kafka_fetch.py');

interface FetchRun {
  received: [number, number][];
  errors: string[];
}

async function consume(ld: Logdock, topic: string, mode: string, expected: number) {
  const args = [script, ld.bootstrap, topic, mode, String(expected)];
  const { code, stdout, stderr } = await runProcess('/usr/bin/python3', args, {
    timeoutMs: 55_000,
  });
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as FetchRun;
}

describe('confluent-kafka (librdkafka) consumer fetching', () => {
  it('resets an offset deleted by retention to the log start with auto.offset.reset', async () => {
    const ld = await logdock.start();
    await ld.broker.send(
      [...Array(10).keys()].map((i) => ({
        topic: 'trimmed',
        partition: 0,
        value: Buffer.from(`v${i}`),
      })),
    );
    await ld.broker.deleteRecords('trimmed', 0, 6);
    const run = await consume(ld, 'trimmed', 'reset', 4);
    expect(run.received).toEqual([6, 7, 8, 9].map((o) => [0, o]));
  });

  it('reads partitions holding more than fetch.max.bytes without a response librdkafka rejects', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('bulky', { partitions: 4 });
    for (let p = 0; p < 4; p++)
      for (let b = 0; b < 8; b++)
        await ld.broker.send([
          { topic: 'bulky', partition: p, value: Buffer.alloc(200_000, 97 + b) },
        ]);
    const run = await consume(ld, 'bulky', 'limits', 32);
    expect(run.errors.filter((e) => /response size/i.test(e))).toEqual([]);
    expect(run.received).toHaveLength(32);
    for (let p = 0; p < 4; p++)
      expect(run.received.filter(([part]) => part === p).map(([, o]) => o)).toEqual([
        ...Array(8).keys(),
      ]);
  });
});
