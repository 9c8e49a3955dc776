import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openOpsHarness, text, waitFor, type OpsHarness } from '../api/ops-harness';

let h: OpsHarness;
const T0 = 1_700_000_000_000;

beforeEach(async () => {
  h = await openOpsHarness();
  await h.broker.createTopic('app', { partitions: 2 });
  // 40 messages, 20 per partition; message i at T0 + i s, every 5th an error.
  await h.broker.send(
    Array.from({ length: 40 }, (_, i) => ({
      topic: 'app',
      partition: i % 2,
      key: text(`k${i}`),
      value: text(JSON.stringify({ level: i % 5 === 0 ? 'error' : 'info', n: i })),
      headers: [{ key: 'trace', value: text(`t${i}`) }],
      timestamp: T0 + i * 1000,
    })),
  );
});
afterEach(async () => {
  await h.close();
});

const readAll = async (topic: string, partition: number) =>
  h.broker.readRecords(topic, partition, 0, { maxRecords: 10_000 });

describe('replay', () => {
  it('replays an offset range of one partition into a new topic with keys, headers and timestamps', async () => {
    const job = await h.client.call('replay.start', {
      range: {
        topic: 'app',
        partition: 1,
        from: { kind: 'offset', offset: 3 },
        to: { kind: 'offset', offset: 8 },
      },
      target: { kind: 'topic', topic: 'app-copy', createPartitions: 1 },
    });
    expect(job).toMatchObject({ state: 'running', total: 5 });
    const done = await h.replay.wait(job.id);
    expect(done).toMatchObject({ state: 'done', scanned: 5, written: 5, error: null });
    const copied = await readAll('app-copy', 0);
    const source = (await readAll('app', 1)).slice(3, 8);
    expect(copied.map((r) => r.value?.toString())).toEqual(source.map((r) => r.value?.toString()));
    expect(copied.map((r) => r.key?.toString())).toEqual(source.map((r) => r.key?.toString()));
    expect(copied.map((r) => r.timestamp)).toEqual(source.map((r) => r.timestamp));
    expect(copied[0].headers).toEqual([{ key: 'trace', value: text('t7') }]);
  });

  it('replays a time range of all partitions through a search filter, dropping keys and timestamps', async () => {
    const job = await h.client.call('replay.start', {
      range: {
        topic: 'app',
        from: { kind: 'timestamp', timestamp: T0 + 10_000 },
        to: { kind: 'timestamp', timestamp: T0 + 30_000 },
        filter: { filter: 'level == "error"' },
      },
      target: {
        kind: 'topic',
        topic: 'errors',
        createPartitions: 1,
        keepKeys: false,
        keepTimestamps: false,
        keepHeaders: false,
      },
    });
    const done = await h.replay.wait(job.id);
    expect(done).toMatchObject({ state: 'done', total: 20, scanned: 20, written: 4 });
    const copied = await readAll('errors', 0);
    // Errors in [10, 30): n = 10, 15, 20, 25, in partition order (0 first, then 1).
    expect(copied.map((r) => JSON.parse(r.value!.toString()).n)).toEqual([10, 20, 15, 25]);
    expect(copied.every((r) => r.key === null && r.headers.length === 0)).toBe(true);
    expect(copied.every((r) => r.timestamp > T0 + 3_600_000)).toBe(true);
  });

  it('keeps partitions when asked and appends to an existing topic', async () => {
    await h.broker.createTopic('mirror', { partitions: 2 });
    await h.broker.send([{ topic: 'mirror', partition: 1, value: text('already there') }]);
    const job = await h.client.call('replay.start', {
      range: { topic: 'app', from: { kind: 'earliest' }, to: { kind: 'latest' } },
      target: { kind: 'topic', topic: 'mirror', keepPartitions: true },
    });
    expect((await h.replay.wait(job.id)).written).toBe(40);
    expect((await readAll('mirror', 0)).length).toBe(20);
    const p1 = await readAll('mirror', 1);
    expect(p1.length).toBe(21);
    expect(p1[1].value?.toString()).toContain('"n":1}');
  });

  it('writes a range into a JSON Lines file and refuses to overwrite one', async () => {
    const path = join(h.dir, 'replay.jsonl');
    const job = await h.client.call('replay.start', {
      range: {
        topic: 'app',
        partition: 0,
        from: { kind: 'offset', offset: 0 },
        to: { kind: 'offset', offset: 3 },
      },
      target: { kind: 'file', path },
    });
    expect(await h.replay.wait(job.id)).toMatchObject({ state: 'done', written: 3 });
    const lines = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.partition, l.offset, l.key])).toEqual([
      [0, 0, 'k0'],
      [0, 1, 'k2'],
      [0, 2, 'k4'],
    ]);
    expect(lines[0]).toMatchObject({
      topic: 'app',
      timestamp: T0,
      headers: [{ key: 'trace', value: 't0' }],
    });
    await expect(
      h.client.call('replay.start', {
        range: { topic: 'app', from: { kind: 'earliest' }, to: { kind: 'latest' } },
        target: { kind: 'file', path },
      }),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(
      h.client.call('replay.start', {
        range: { topic: 'app', from: { kind: 'earliest' }, to: { kind: 'latest' } },
        target: { kind: 'file', path: 'relative.jsonl' },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('moves a consumer group to the start of the range so it consumes it again', async () => {
    const consumer = h.broker.consumer({ groupId: 'svc', autoOffsetReset: 'earliest' });
    consumer.subscribe(['app']);
    await waitFor(async () => (await consumer.poll(100)).length > 0, 'records polled');
    await consumer.commitSync([
      { topic: 'app', partition: 0, offset: 20 },
      { topic: 'app', partition: 1, offset: 20 },
    ]);
    const range = {
      topic: 'app',
      from: { kind: 'timestamp' as const, timestamp: T0 + 30_000 },
      to: { kind: 'latest' as const },
    };
    await expect(
      h.client.call('replay.start', { range, target: { kind: 'group', groupId: 'svc' } }),
    ).rejects.toMatchObject({ code: 'GROUP_NOT_EMPTY' });
    await consumer.close();
    await waitFor(() => h.broker.describeGroup('svc').members === 0, 'the member to leave');
    const job = await h.client.call('replay.start', {
      range,
      target: { kind: 'group', groupId: 'svc' },
    });
    expect(job).toMatchObject({ state: 'done', total: 10 });
    expect([...h.broker.committedOffsets('svc').entries()].sort()).toEqual([
      ['app:0', 15],
      ['app:1', 15],
    ]);
  });

  it('cancels a running replay after the chunk in flight, keeping what was written', async () => {
    await h.broker.send(
      Array.from({ length: 2000 }, (_, i) => ({
        topic: 'app',
        partition: 0,
        value: text(`bulk ${i}`),
      })),
    );
    const job = await h.client.call('replay.start', {
      range: { topic: 'app', partition: 0, from: { kind: 'earliest' }, to: { kind: 'latest' } },
      target: { kind: 'topic', topic: 'partial', createPartitions: 1 },
    });
    const cancelled = await h.client.call('replay.cancel', { id: job.id });
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.written).toBeLessThanOrEqual(100);
    expect(cancelled.written).toBeLessThan(cancelled.total);
    const inTopic = h.broker.describeTopic('partial').partitions[0].logEndOffset;
    expect(inTopic).toBe(cancelled.written);
    expect((await h.client.call('replay.list', {})).map((j) => j.id)).toContain(job.id);
  });

  it('refuses the source topic as target, unknown topics and partitions, and bad filters', async () => {
    const range = {
      topic: 'app',
      from: { kind: 'earliest' as const },
      to: { kind: 'latest' as const },
    };
    await expect(
      h.client.call('replay.start', { range, target: { kind: 'topic', topic: 'app' } }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/is the source topic/),
    });
    await expect(
      h.client.call('replay.start', {
        range: { ...range, topic: 'nope' },
        target: { kind: 'topic', topic: 'x' },
      }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
    await expect(
      h.client.call('replay.start', {
        range: { ...range, partition: 7 },
        target: { kind: 'topic', topic: 'x' },
      }),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_PARTITION',
      message: expect.stringMatching(/no partition 7/),
    });
    await expect(
      h.client.call('replay.start', {
        range: { ...range, filter: { filter: 'level ==' } },
        target: { kind: 'topic', topic: 'x' },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(h.client.call('replay.get', { id: 'missing' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(h.broker.listTopics().map((t) => t.name)).toEqual(['app']);
  });

  it('fails the job with the reason when the target file cannot be written', async () => {
    const path = join(h.dir, 'sub');
    await writeFile(path, 'a file, not a directory');
    await expect(
      h.client.call('replay.start', {
        range: { topic: 'app', from: { kind: 'earliest' }, to: { kind: 'latest' } },
        target: { kind: 'file', path: join(path, 'out.jsonl') },
      }),
    ).rejects.toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('out.jsonl') });
  });
});
