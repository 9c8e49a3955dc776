import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBroker, partitionForKey, type Broker } from '../../../../src/main/broker';
import { produceLines } from '../../../../src/main/cli/produce/direct';
import { streamLineChunks } from '../../../../src/main/cli/produce/line-chunks';
import { tempDir } from '../../broker/helpers';

let broker: Broker;
let cleanup = async () => {};
beforeEach(async () => {
  const t = await tempDir('logdock-produce-direct-');
  cleanup = t.cleanup;
  broker = await openBroker({ dataDir: t.dir });
});
afterEach(async () => {
  await broker.close();
  await cleanup();
});

/** `text` as stdin would deliver it, in pieces of `size` bytes. */
function stdin(text: string | Buffer, size = 7): AsyncIterable<Buffer> {
  const bytes = Buffer.from(text);
  return streamLineChunks(
    (async function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    })(),
  );
}

async function values(topic: string, partition: number): Promise<string[]> {
  const records = await broker.readRecords(topic, partition, 0, { maxRecords: 100_000 });
  return records.map((r) => `${r.key?.toString() ?? '-'}:${r.value?.toString()}`);
}

describe('produceLines', () => {
  it('appends every line in order, batches closed under the topic max.message.bytes', async () => {
    await broker.createTopic('small', { partitions: 1, configs: { 'max.message.bytes': 2000 } });
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'z'.repeat(i % 50)}`);
    const seen: number[] = [];
    const n = await produceLines(
      broker,
      { topic: 'small', acks: 1 },
      stdin(lines.join('\n') + '\n', 64 * 1024),
      { onLines: (k) => seen.push(k) },
    );
    expect(n).toBe(3000);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(3000);
    expect(await values('small', 0)).toEqual(lines.map((l) => `-:${l}`));
    const raw = await broker.read('small', 0, 0, 10_000_000);
    expect(raw.records.length).toBeGreaterThan(3000 * 8); // many batches, each under 2,000 bytes
  });

  it('sends keyed lines to their key partition, keyless ones to the partitions in turn', async () => {
    await broker.createTopic('kv', { partitions: 3 });
    const keyed = 'u1|a\nu2|b\nu1|c\nu3|d\n';
    expect(
      await produceLines(broker, { topic: 'kv', acks: -1 }, stdin(keyed), { keySeparator: '|' }),
    ).toBe(4);
    for (const key of ['u1', 'u2', 'u3']) {
      const p = partitionForKey(Buffer.from(key), 3);
      const mine = (await values('kv', p)).filter((v) => v.startsWith(`${key}:`));
      expect(mine.length).toBeGreaterThan(0);
    }
    const u1 = partitionForKey(Buffer.from('u1'), 3);
    expect((await values('kv', u1)).filter((v) => v.startsWith('u1:'))).toEqual(['u1:a', 'u1:c']);

    await broker.createTopic('spread', { partitions: 3 });
    // Three chunks of one line each: one batch each, to the partitions in turn.
    await produceLines(broker, { topic: 'spread', acks: 1 }, stdin('x0\nx1\nx2\n', 3), {});
    const counts = await Promise.all(
      [0, 1, 2].map(async (p) => (await values('spread', p)).length),
    );
    expect(counts).toEqual([1, 1, 1]);
  });

  it('creates a missing topic, and fails on a line over max.message.bytes or a missing partition', async () => {
    expect(await produceLines(broker, { topic: 'fresh', acks: 1 }, stdin('only\n'), {})).toBe(1);
    expect(await values('fresh', 0)).toEqual(['-:only']);
    await broker.createTopic('tiny', { partitions: 1, configs: { 'max.message.bytes': 200 } });
    await expect(
      produceLines(broker, { topic: 'tiny', acks: 1 }, stdin(`ok\n${'w'.repeat(500)}\n`), {}),
    ).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
    await expect(
      produceLines(broker, { topic: 'fresh', partition: 4, acks: 1 }, stdin('x\n'), {}),
    ).rejects.toMatchObject({ code: 'UNKNOWN_PARTITION' });
  });
});
