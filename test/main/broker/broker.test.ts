import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBroker, type Broker } from '../../../src/main/broker';
import {
  decodeRecordBatch,
  encodeRecordBatch,
  readBatchHeader,
} from '../../../src/main/storage/record-batch';
import { rejection, useBrokerDir } from './helpers';
import { waitFor } from '../../wait';

const fixture = useBrokerDir();

async function open(opts: Partial<Parameters<typeof openBroker>[0]> = {}): Promise<Broker> {
  fixture.broker = await openBroker({ dataDir: fixture.dir, ...opts });
  return fixture.broker;
}

const v = (s: string) => Buffer.from(s);

describe('Broker topics', () => {
  it('creates a topic with partitions and configs and describes it', async () => {
    const b = await open();
    const desc = await b.createTopic('app.logs', {
      partitions: 3,
      configs: { 'retention.ms': '60000', 'cleanup.policy': 'compact' },
    });
    expect(desc.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(desc.configs['retention.ms']).toBe(60000);
    expect(desc.configs['cleanup.policy']).toBe('compact');
    expect(desc.internal).toBe(false);
    expect(existsSync(join(fixture.dir, 'app.logs-2'))).toBe(true);
    await b.send([
      { topic: 'app.logs', partition: 1, value: v('a'), timestamp: 1000 },
      { topic: 'app.logs', partition: 1, value: v('b'), timestamp: 2000 },
    ]);
    const p1 = b.describeTopic('app.logs').partitions[1];
    expect(p1).toMatchObject({ logStartOffset: 0, logEndOffset: 2, lastTimestamp: 2000 });
    expect(p1.sizeBytes).toBeGreaterThan(0);
    expect(b.describeTopic('app.logs').messageRate).toBeGreaterThan(0);
  });

  it('rejects bad names, bad configs, duplicate topics and bad partition counts', async () => {
    const b = await open();
    expect((await rejection(() => b.createTopic('a/b'))).code).toBe('INVALID_TOPIC');
    expect((await rejection(() => b.createTopic('..'))).code).toBe('INVALID_TOPIC');
    expect((await rejection(() => b.createTopic('x'.repeat(250)))).code).toBe('INVALID_TOPIC');
    expect(
      (await rejection(() => b.createTopic('t', { configs: { 'segment.bytes': 'big' } }))).message,
    ).toMatch(/segment.bytes="big"/);
    expect((await rejection(() => b.createTopic('t', { partitions: 0 }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    await b.createTopic('t');
    expect((await rejection(() => b.createTopic('t'))).code).toBe('ALREADY_EXISTS');
    expect(b.listTopics().map((t) => t.name)).toEqual(['t']);
  });

  it('hides internal topics unless asked for them', async () => {
    const b = await open();
    await b.createTopic('visible');
    expect(b.listTopics().map((t) => t.name)).toEqual(['visible']);
    expect(b.listTopics({ includeInternal: true }).map((t) => t.name)).toEqual([
      '__consumer_offsets',
      'visible',
    ]);
    expect(b.describeTopic('__consumer_offsets')).toMatchObject({
      internal: true,
      configs: { 'cleanup.policy': 'compact' },
    });
    expect((await rejection(() => b.deleteTopic('__consumer_offsets'))).code).toBe('INVALID_TOPIC');
  });

  it('deletes a topic with its files and its committed offsets', async () => {
    const b = await open();
    await b.createTopic('gone', { partitions: 2 });
    await b.send([{ topic: 'gone', partition: 0, value: v('x') }]);
    await b.groups.commitOffsets({ groupId: 'g', generationId: -1, memberId: '' }, [
      { topic: 'gone', partition: 0, offset: 1 },
    ]);
    await b.deleteTopic('gone');
    expect(existsSync(join(fixture.dir, 'gone-0'))).toBe(false);
    expect(existsSync(join(fixture.dir, 'gone-1'))).toBe(false);
    expect(b.committedOffsets('g').size).toBe(0);
    expect((await rejection(() => b.deleteTopic('gone'))).code).toBe('UNKNOWN_TOPIC');
    // a new topic of the same name starts empty
    await b.createTopic('gone');
    expect(b.describeTopic('gone').partitions[0].logEndOffset).toBe(0);
  });

  it('alters configs with validation, resets with null and supports validateOnly', async () => {
    const b = await open();
    await b.createTopic('t');
    expect((await rejection(() => b.alterTopicConfigs('t', { 'retention.bytes': -7 }))).code).toBe(
      'INVALID_CONFIG',
    );
    expect(
      (await rejection(() => b.alterTopicConfigs('t', { 'message.timestamp.type': 'Later' })))
        .message,
    ).toMatch(/CreateTime or LogAppendTime/);
    const dry = await b.alterTopicConfigs('t', { 'segment.ms': 1000 }, { validateOnly: true });
    expect(dry['segment.ms']).toBe(1000);
    expect(b.describeTopic('t').configs['segment.ms']).not.toBe(1000);
    await b.alterTopicConfigs('t', { 'segment.ms': 1000, 'max.message.bytes': 2048 });
    expect(b.describeTopic('t').configs).toMatchObject({
      'segment.ms': 1000,
      'max.message.bytes': 2048,
    });
    await b.alterTopicConfigs('t', { 'segment.ms': null });
    expect(b.describeTopic('t').configs['segment.ms']).toBe(7 * 24 * 3600 * 1000);
  });

  it('adds partitions but never removes them', async () => {
    const b = await open();
    await b.createTopic('t', { partitions: 2 });
    await b.createPartitions('t', 5);
    expect(b.describeTopic('t').partitions).toHaveLength(5);
    expect((await rejection(() => b.createPartitions('t', 3))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(() => b.createPartitions('t', 5))).code).toBe('INVALID_ARGUMENT');
  });

  it('reloads topics, configs, records and partitions after a restart', async () => {
    let b = await open();
    await b.createTopic('t', { partitions: 2, configs: { 'retention.ms': 123456 } });
    await b.createPartitions('t', 3);
    await b.send([{ topic: 't', partition: 2, key: v('k'), value: v('hello') }]);
    await b.close();
    b = await open();
    const desc = b.describeTopic('t');
    expect(desc.partitions).toHaveLength(3);
    expect(desc.configs['retention.ms']).toBe(123456);
    const [r] = await b.readRecords('t', 2, 0);
    expect(r.value?.toString()).toBe('hello');
    const catalogue = JSON.parse(await readFile(join(fixture.dir, 'topics.json'), 'utf8'));
    expect(catalogue.version).toBe(1);
    expect(catalogue.topics.find((t: { name: string }) => t.name === 't').configs).toEqual({
      'retention.ms': 123456,
    });
  });

  it('reports bad calls as rejected promises, never as synchronous throws', async () => {
    const b = await open();
    await expect(b.createTopic('bad name')).rejects.toMatchObject({ code: 'INVALID_TOPIC' });
    await expect(b.read('missing', 0, 0, 100)).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
    await expect(b.readRecords('missing', 0, 0)).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
    await expect(b.appendBatches('missing', 0, Buffer.alloc(10))).rejects.toMatchObject({
      code: 'UNKNOWN_TOPIC',
    });
    await expect(b.waitForData('missing', 0, 0, 10)).rejects.toMatchObject({
      code: 'UNKNOWN_TOPIC',
    });
    await expect(b.deleteRecords('missing', 0, 0)).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
    await expect(b.offsetForTimestamp('missing', 0, 0)).rejects.toMatchObject({
      code: 'UNKNOWN_TOPIC',
    });
  });

  it('rejects garbage client batches with CORRUPT_RECORD and keeps serving the partition', async () => {
    const b = await open();
    await b.createTopic('raw');
    const garbage = Buffer.from('this is not a record batch, just some bytes of nonsense!!');
    await expect(b.appendBatches('raw', 0, garbage)).rejects.toMatchObject({
      code: 'CORRUPT_RECORD',
    });
    const [meta] = await b.send([{ topic: 'raw', partition: 0, value: v('fine') }]);
    expect(meta.offset).toBe(0);
    expect((await b.readRecords('raw', 0, 0))[0].value?.toString()).toBe('fine');
  });

  it('refuses to start on a corrupt topics.json with a clear error, losing nothing', async () => {
    let b = await open();
    await b.createTopic('keep');
    await b.send([{ topic: 'keep', value: v('x') }]);
    await b.close();
    fixture.broker = null;
    const good = await readFile(join(fixture.dir, 'topics.json'), 'utf8');
    await writeFile(join(fixture.dir, 'topics.json'), '{"version": 1, "topics": [ garbage');
    const err = await rejection(openBroker({ dataDir: fixture.dir }));
    expect(err.code).toBe('CORRUPT_FILE');
    expect(err.message).toContain('topics.json');
    expect(existsSync(join(fixture.dir, 'keep-0'))).toBe(true);
    await writeFile(join(fixture.dir, 'topics.json'), good);
    b = await open();
    expect(b.describeTopic('keep').partitions[0].logEndOffset).toBe(1);
  });

  it('prefers a complete leftover temporary catalogue and ignores a truncated one', async () => {
    let b = await open();
    await b.createTopic('a');
    await b.close();
    const doc = JSON.parse(await readFile(join(fixture.dir, 'topics.json'), 'utf8'));
    doc.topics.push({
      ...doc.topics.find((t: { name: string }) => t.name === 'a'),
      name: 'b',
      topicId: 'x',
    });
    await writeFile(join(fixture.dir, 'topics.json.tmp'), JSON.stringify(doc));
    b = await open();
    expect(b.listTopics().map((t) => t.name)).toEqual(['a', 'b']);
    await b.close();
    await writeFile(join(fixture.dir, 'topics.json.tmp'), JSON.stringify(doc).slice(0, 30));
    b = await open();
    expect(b.listTopics().map((t) => t.name)).toEqual(['a', 'b']);
    expect((await readdir(fixture.dir)).includes('topics.json.tmp')).toBe(false);
  });

  it('stores batches in the codec compression.type names, keeping producer fields and records', async () => {
    const b = await open();
    await b.createTopic('packed', { configs: { 'compression.type': 'gzip' } });
    await b.createTopic('as-sent');
    const client = encodeRecordBatch(
      [
        { value: v('one'), key: v('k'), timestamp: 1000, headers: [{ key: 'h', value: v('x') }] },
        { value: v('two'), timestamp: 2000 },
      ],
      { compression: 'snappy', producerId: 42, producerEpoch: 3, baseSequence: 7 },
    );
    for (const topic of ['packed', 'as-sent']) await b.appendBatches(topic, 0, Buffer.from(client));
    const stored = async (topic: string) => {
      const { records } = await b.read(topic, 0, 0, 1 << 20);
      return { header: readBatchHeader(records, 0), decoded: decodeRecordBatch(records).records };
    };
    const packed = await stored('packed');
    expect(packed.header).toMatchObject({
      compression: 'gzip',
      producerId: 42,
      producerEpoch: 3,
      baseSequence: 7,
      maxTimestamp: 2000,
    });
    expect((await stored('as-sent')).header.compression).toBe('snappy');
    expect(packed.decoded.map((r) => [r.offset, r.value?.toString(), r.timestamp])).toEqual([
      [0, 'one', 1000],
      [1, 'two', 2000],
    ]);
    expect(packed.decoded[0].headers).toEqual([{ key: 'h', value: v('x') }]);
    // Records the app itself writes follow the setting too, and changes apply to the next append.
    await b.alterTopicConfigs('packed', { 'compression.type': 'zstd' });
    await b.send([{ topic: 'packed', partition: 0, value: v('three') }]);
    const { records } = await b.read('packed', 0, 2, 1 << 20);
    expect(readBatchHeader(records, 0).compression).toBe('zstd');
    await expect(
      b.alterTopicConfigs('packed', { 'compression.type': 'brotli' }),
    ).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });

  it('auto-creates topics on send unless disabled', async () => {
    let b = await open();
    await b.send([{ topic: 'auto', value: v('x') }]);
    expect(b.describeTopic('auto').partitions).toHaveLength(1);
    await b.close();
    b = await open({ autoCreateTopics: false });
    expect((await rejection(() => b.send([{ topic: 'nope', value: v('x') }]))).code).toBe(
      'UNKNOWN_TOPIC',
    );
  });

  it('deletes records before an offset and reports the new log start', async () => {
    const b = await open();
    await b.createTopic('t');
    await b.send(
      Array.from({ length: 5 }, (_, i) => ({ topic: 't', partition: 0, value: v(`r${i}`) })),
    );
    expect(await b.deleteRecords('t', 0, 3)).toBe(3);
    expect(b.describeTopic('t').partitions[0].logStartOffset).toBe(3);
    expect((await rejection(() => b.readRecords('t', 0, 1))).code).toBe('OFFSET_OUT_OF_RANGE');
    expect((await rejection(() => b.readRecords('t', 7, 0))).code).toBe('UNKNOWN_PARTITION');
  });

  it('applies retention in the background with an injected clock', async () => {
    let now = 1_000_000;
    const b = await open({ clock: () => now, retentionCheckIntervalMs: 20 });
    await b.createTopic('short', { configs: { 'retention.ms': 1000, 'segment.bytes': 200 } });
    for (let i = 0; i < 6; i++)
      await b.send([{ topic: 'short', partition: 0, value: Buffer.alloc(80, i), timestamp: now }]);
    expect(b.describeTopic('short').partitions[0].logStartOffset).toBe(0);
    now += 60_000;
    await waitFor(
      () => b.describeTopic('short').partitions[0].logStartOffset > 0,
      'retention to delete the old segments of "short"',
    );
  });
});

describe('Broker waits and restarts', () => {
  it('ends a wait for data when the topic is deleted or the broker closes', async () => {
    const b = await open();
    await b.createTopic('w');
    await b.createTopic('v');
    const onDeleted = b.waitForData('w', 0, 0, 600_000);
    const onClosed = b.waitForData('v', 0, 0, 600_000);
    await b.deleteTopic('w');
    expect(await onDeleted).toBe(false);
    await b.close();
    fixture.broker = null;
    expect(await onClosed).toBe(false);
  });

  it('resolves a wait at once when data is already there and on the append otherwise', async () => {
    const b = await open();
    await b.createTopic('w');
    await b.send([{ topic: 'w', partition: 0, value: v('x') }]);
    expect(await b.waitForData('w', 0, 0, 600_000)).toBe(true);
    const later = b.waitForData('w', 0, 1, 600_000);
    await b.send([{ topic: 'w', partition: 0, value: v('y') }]);
    expect(await later).toBe(true);
    const aborted = new AbortController();
    const cancelled = b.waitForData('w', 0, 2, 600_000, aborted.signal);
    aborted.abort();
    expect(await cancelled).toBe(false);
  });

  it("stores a group's last leave before closing, so it restarts Empty", async () => {
    let b = await open();
    await b.createTopic('t');
    const c = b.consumer({ groupId: 'g', autoOffsetReset: 'earliest' });
    c.subscribe(['t']);
    await c.poll(0);
    expect(b.describeGroup('g').state).toBe('Stable');
    await b.close();
    b = await open();
    expect(b.describeGroup('g')).toMatchObject({ state: 'Empty', members: 0 });
  });

  it('removes partition directories the catalogue does not know, and nothing else', async () => {
    let b = await open();
    await b.createTopic('kept');
    await b.createTopic('orphan');
    await b.send([{ topic: 'orphan', partition: 0, value: v('x') }]);
    await b.close();
    // As if a delete had rewritten the catalogue and crashed before removing the files.
    const doc = JSON.parse(await readFile(join(fixture.dir, 'topics.json'), 'utf8'));
    doc.topics = doc.topics.filter((t: { name: string }) => t.name !== 'orphan');
    await writeFile(join(fixture.dir, 'topics.json'), JSON.stringify(doc));
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(fixture.dir, 'notes-2024'));
    await writeFile(join(fixture.dir, 'notes-2024', 'readme.txt'), 'not a partition');
    b = await open();
    expect(existsSync(join(fixture.dir, 'orphan-0'))).toBe(false);
    expect(existsSync(join(fixture.dir, 'notes-2024', 'readme.txt'))).toBe(true);
    expect(b.listTopics().map((t) => t.name)).toEqual(['kept']);
  });
});

describe('__consumer_offsets with several partitions', () => {
  it('spreads groups over the partitions and reloads every one on start', async () => {
    let b = await open({ offsetsTopicPartitions: 4 });
    await b.createTopic('t');
    const groups = Array.from({ length: 12 }, (_, i) => `group-${i}`);
    for (const [i, g] of groups.entries()) {
      await b.groups.commitOffsets({ groupId: g, generationId: -1, memberId: '' }, [
        { topic: 't', partition: 0, offset: i },
      ]);
    }
    const used = b.describeTopic('__consumer_offsets').partitions.filter((p) => p.logEndOffset > 0);
    expect(used.length).toBeGreaterThan(1);
    await b.close();
    // The partition count is kept from the first start, whatever the option says later.
    b = await open({ offsetsTopicPartitions: 1 });
    expect(b.describeTopic('__consumer_offsets').partitions).toHaveLength(4);
    for (const [i, g] of groups.entries()) expect(b.committedOffsets(g).get('t:0')).toBe(i);
  });

  it('skips an unreadable record in __consumer_offsets and keeps the rest', async () => {
    let b = await open();
    await b.createTopic('t');
    await b.groups.commitOffsets({ groupId: 'good', generationId: -1, memberId: '' }, [
      { topic: 't', partition: 0, offset: 3 },
    ]);
    // A record from a newer Kafka, or garbage: an unknown key version (appended below send,
    // which refuses internal topics).
    await b.appendRecords('__consumer_offsets', 0, [
      { key: Buffer.from('0009ffff', 'hex'), value: v('?') },
    ]);
    await b.close();
    const warnings: string[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (m: string) => warnings.push(m),
      error: () => {},
      child: () => logger,
    };
    b = await open({ logger });
    expect(b.committedOffsets('good').get('t:0')).toBe(3);
    expect(warnings.join('\n')).toMatch(/__consumer_offsets-0 offset 1: skipped unreadable record/);
  });
});

describe('data directory lock', () => {
  it('refuses a second broker on the same directory, naming the holder', async () => {
    await open();
    const err = await rejection(openBroker({ dataDir: fixture.dir }));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toContain(fixture.dir);
    expect(await readFile(join(fixture.dir, '.lock'), 'utf8')).toBe(`${process.pid}\n`);
  });

  it('is not kept by a lock file naming a live process that holds no lock (a reused pid)', async () => {
    // The parent (vitest) is alive, and is not holding this directory's OS lock.
    await writeFile(join(fixture.dir, '.lock'), `${process.ppid}\n`);
    const b = await open();
    await b.close();
    fixture.broker = null;
    // The file stays: removing it would let two processes lock two different inodes.
    expect(await readFile(join(fixture.dir, '.lock'), 'utf8')).toBe(`${process.pid}\n`);
    await open();
  });
});
