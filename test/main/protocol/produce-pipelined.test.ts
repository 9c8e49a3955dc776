/**
 * Produce requests a client sends back to back on one connection (kcat keeps many in
 * flight): the listener serves several at once, and what it stores and answers must be what
 * serving them one at a time gives.
 */
import { describe, expect, it } from 'vitest';
import type { Struct } from '../../../src/main/protocol/codec/compile';
import {
  apiByName,
  decodeResponse,
  encodeRequest,
} from '../../../src/main/protocol/codec/messages';
import { SMALL_APPEND_BYTES } from '../../../src/main/broker/validate-off-thread';
import { encodeRecordBatch, type EncodeOptions } from '../../../src/main/storage/record-batch';
import type { Broker } from '../../../src/main/broker';
import { useLogdock, type RawClient } from './helpers';

const logdock = useLogdock();
const PRODUCE = apiByName('Produce');

/** `count` records "<tag> <i>" padded to 100 bytes, in one batch. */
function batch(tag: string, count: number, opts: EncodeOptions = {}): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({
    value: Buffer.from(`${tag} ${i} `.padEnd(100, 'x')),
  }));
  return encodeRecordBatch(records, opts);
}

function produceFrame(correlationId: number, topic: string, records: Buffer, index = 0): Buffer {
  return encodeRequest(PRODUCE, 9, correlationId, 'pipelined', {
    transactionalId: null,
    acks: 1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index, records }] }],
  });
}

/** Sends every frame in one write and decodes the next `frames.length` Produce answers. */
async function sendAll(
  c: RawClient,
  frames: Buffer[],
): Promise<{ correlationId: number; partition: Struct }[]> {
  const answers = frames.map(() => c.nextFrame());
  c.sendRaw(Buffer.concat(frames));
  return (await Promise.all(answers)).map((frame) => {
    const { correlationId, body } = decodeResponse(PRODUCE, 9, frame);
    const partition = ((body.responses as Struct[])[0].partitionResponses as Struct[])[0];
    return { correlationId, partition };
  });
}

async function storedTags(ld: { broker: Broker }, topic: string, partition = 0) {
  const records = await ld.broker.readRecords(topic, partition, 0, {
    maxRecords: 100_000,
    maxBytes: 64 << 20,
  });
  return records.map((r) => r.value!.toString().split(' ')[0]);
}

describe('Produce requests sent back to back on one connection', () => {
  it('are answered in request order and stored in arrival order, though a small one (checked inline) to another partition is done before a large one (checked on the ingest thread) before it', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('mixed', { partitions: 2 });
    const c = await logdock.client(ld.port);
    // Large requests to partition 0, small ones to partition 1.
    const sizes = [2000, 1, 2000, 3, 1, 2000, 2, 2000];
    const partitionOf = (n: number) => (n > 100 ? 0 : 1);
    const sent = sizes.map((n, i) => batch(`r${i}`, n));
    expect(sent[0].length).toBeGreaterThan(SMALL_APPEND_BYTES);
    expect(sent[1].length).toBeLessThan(SMALL_APPEND_BYTES);
    const answers = await sendAll(
      c,
      sent.map((b, i) => produceFrame(i + 1, 'mixed', b, partitionOf(sizes[i]))),
    );
    expect(answers.map((a) => a.correlationId)).toEqual(sizes.map((_, i) => i + 1));
    const next = [0, 0];
    for (const [i, a] of answers.entries()) {
      const p = partitionOf(sizes[i]);
      expect(a.partition).toMatchObject({ errorCode: 0, baseOffset: next[p] });
      next[p] += sizes[i];
    }
    for (const p of [0, 1]) {
      const expected = sizes.flatMap((n, i) =>
        partitionOf(n) === p ? Array(n).fill(`r${i}`) : [],
      );
      expect(await storedTags(ld, 'mixed', p)).toEqual(expected);
    }
  });

  it('refuse a corrupt one alone and store the others around it without a gap in offsets', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('one-bad', { partitions: 1 });
    const c = await logdock.client(ld.port);
    const sent = [batch('a', 2000), batch('b', 2000), batch('c', 5), batch('d', 2000)];
    sent[1][sent[1].length - 7] ^= 0xff; // its CRC no longer matches
    const answers = await sendAll(
      c,
      sent.map((b, i) => produceFrame(i + 1, 'one-bad', b)),
    );
    expect(answers.map((a) => a.correlationId)).toEqual([1, 2, 3, 4]);
    expect(answers.map((a) => a.partition.errorCode)).toEqual([0, 2, 0, 0]); // 2: CORRUPT_MESSAGE
    expect(answers.map((a) => a.partition.baseOffset)).toEqual([0, -1, 2000, 2005]);
    expect(await storedTags(ld, 'one-bad')).toEqual([
      ...Array(2000).fill('a'),
      ...Array(5).fill('c'),
      ...Array(2000).fill('d'),
    ]);
  });

  it('of an idempotent producer are checked in sequence order: a retry is answered with its first offset and a gap is refused', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('idem', { partitions: 1 });
    const c = await logdock.client(ld.port);
    const producerId = await c.initProducerId();
    const idem = (tag: string, count: number, baseSequence: number) =>
      batch(tag, count, { producerId, producerEpoch: 0, baseSequence });
    const sent = [
      idem('s0', 2000, 0),
      idem('s1', 10, 2000),
      idem('s2', 2000, 2010),
      idem('s1', 10, 2000), // a retry of the second
      idem('gap', 10, 9999), // sequences 4010..9998 never came
      idem('s3', 2000, 4010),
    ];
    const answers = await sendAll(
      c,
      sent.map((b, i) => produceFrame(i + 1, 'idem', b)),
    );
    expect(answers.map((a) => a.correlationId)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(answers.map((a) => [a.partition.errorCode, a.partition.baseOffset])).toEqual([
      [0, 0],
      [0, 2000],
      [0, 2010],
      [0, 2000],
      [45, -1], // OUT_OF_ORDER_SEQUENCE_NUMBER
      [0, 4010],
    ]);
    expect(ld.broker.describeTopic('idem').partitions[0].logEndOffset).toBe(6010);
  });

  it('are all stored and answered when a client sends more at once than the listener queues (reading pauses and resumes)', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('flood', { partitions: 1 });
    const c = await logdock.client(ld.port);
    // 40 requests of ~1 MB: well over the 16 MiB a connection queues before it pauses.
    const frames = Array.from({ length: 40 }, (_, i) =>
      produceFrame(i + 1, 'flood', batch(`f${i}`, 9_000)),
    );
    expect(frames.reduce((n, f) => n + f.length, 0)).toBeGreaterThan(2 * 16 * 1024 * 1024);
    const answers = await sendAll(c, frames);
    expect(answers.map((a) => a.correlationId)).toEqual(frames.map((_, i) => i + 1));
    expect(answers.map((a) => a.partition.baseOffset)).toEqual(frames.map((_, i) => i * 9_000));
    expect(ld.broker.describeTopic('flood').partitions[0].logEndOffset).toBe(360_000);
  });

  it('are all stored before a request of another kind after them is served', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('then-offsets', { partitions: 1 });
    const c = await logdock.client(ld.port);
    const produced = [2000, 2000, 1, 2000].map((n, i) =>
      produceFrame(i + 1, 'then-offsets', batch(`p${i}`, n)),
    );
    const listOffsets = encodeRequest(apiByName('ListOffsets'), 1, 99, 'pipelined', {
      replicaId: -1,
      topics: [{ name: 'then-offsets', partitions: [{ partitionIndex: 0, timestamp: -1 }] }],
    });
    const answers = [...produced, listOffsets].map(() => c.nextFrame());
    c.sendRaw(Buffer.concat([...produced, listOffsets]));
    const frames = await Promise.all(answers);
    const { correlationId, body } = decodeResponse(apiByName('ListOffsets'), 1, frames[4]);
    expect(correlationId).toBe(99);
    const partition = ((body.topics as Struct[])[0].partitions as Struct[])[0];
    expect(partition).toMatchObject({ errorCode: 0, offset: 6001 });
  });
});
