import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  serveArgs,
  spawnLogdock,
  stopLogdock,
  waitForUrl,
  type LogdockProcess,
} from '../../cli/commands/serve-process';
import { runProcess, useLogdock, waitFor } from '../helpers';

const logdock = useLogdock();
const script = join(__dirname, 'py', 'confluent_kafka_autocreate.py');

/** Runs `logdock serve` with `flags`; returns the Kafka listener's bootstrap address. */
async function serve(flags: string[]): Promise<string> {
  const dir = await logdock.tempDir('logdock-serve-kafka-');
  const run: LogdockProcess = spawnLogdock(['serve', ...serveArgs(dir), ...flags]);
  logdock.onCleanup(() => stopLogdock(run));
  await waitForUrl(run);
  let bootstrap = '';
  await waitFor(() => {
    bootstrap = /kafka.*listening on (\S+:\d+)/.exec(run.err())?.[1] ?? '';
    return bootstrap !== '';
  }, 'the Kafka listener address in the log');
  return bootstrap;
}

async function produce(bootstrap: string, topic: string) {
  const { code, stdout, stderr } = await runProcess(
    '/usr/bin/python3',
    [script, bootstrap, topic],
    {
      timeoutMs: 55_000,
    },
  );
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as {
    delivered: number[];
    errors: string[];
    partitions: number;
    topicError: string | null;
  };
}

describe('confluent-kafka (librdkafka) against logdock serve', () => {
  it('auto-creates a topic with the partitions --num-partitions asks for', async () => {
    const out = await produce(await serve(['--num-partitions', '4']), 'auto-four');
    expect(out.errors).toEqual([]);
    expect(out.partitions).toBe(4);
    expect(out.delivered).toHaveLength(20);
    expect(new Set(out.delivered).size).toBeGreaterThan(1);
  });

  it('creates no topic with --no-auto-create-topics', async () => {
    const out = await produce(await serve(['--no-auto-create-topics']), 'never-made');
    expect(out.delivered).toEqual([]);
    expect(out.errors.length).toBeGreaterThan(0);
    expect(out.topicError).toBe('UNKNOWN_TOPIC_OR_PART');
  });
});
