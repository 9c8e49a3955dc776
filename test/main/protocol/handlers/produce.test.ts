import { crc32 } from '@node-rs/crc32';
import { describe, expect, it } from 'vitest';
import type { Struct } from '../../../../src/main/protocol/codec/compile';
import { apiByName, encodeRequest } from '../../../../src/main/protocol/codec/messages';
import { encodeRecordBatch } from '../../../../src/main/storage/record-batch';
import { SMALL_APPEND_BYTES } from '../../../../src/main/broker/validate-off-thread';
import { useLogdock } from '../helpers';

const logdock = useLogdock();

function produceBody(topic: string, records: Buffer, acks = 1): Struct {
  return {
    transactionalId: null,
    acks,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  };
}

function partitionResult(res: Struct): Struct {
  return ((res.responses as Struct[])[0].partitionResponses as Struct[])[0];
}

/** One uncompressed message of the old format (magic 0 or 1) at `offset`. */
function legacyMessage(
  magic: 0 | 1,
  key: string | null,
  value: string,
  timestamp = 1_700_000_000_000,
): Buffer {
  const k = key === null ? null : Buffer.from(key);
  const v = Buffer.from(value);
  const body = Buffer.alloc(2 + (magic === 1 ? 8 : 0) + 4 + (k?.length ?? 0) + 4 + v.length);
  let p = body.writeInt8(magic, 0);
  p = body.writeInt8(0, p);
  if (magic === 1) p = body.writeBigInt64BE(BigInt(timestamp), p);
  p = body.writeInt32BE(k ? k.length : -1, p);
  if (k) p += k.copy(body, p);
  p = body.writeInt32BE(v.length, p);
  v.copy(body, p);
  const head = Buffer.alloc(16);
  head.writeBigInt64BE(0n, 0);
  head.writeInt32BE(4 + body.length, 8);
  head.writeUInt32BE(crc32(body) >>> 0, 12);
  return Buffer.concat([head, body]);
}

describe('Produce', () => {
  it('stores a batch with acks=0 without answering, and keeps answering later requests in order', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('fire', { partitions: 1 });
    const c = await logdock.client(ld.port);
    const batch = encodeRecordBatch([{ value: Buffer.from('no ack') }]);
    // No response comes for acks=0: the next response must be the Metadata one.
    c.sendRaw(encodeRequest(apiByName('Produce'), 8, 99, 't', produceBody('fire', batch, 0)));
    const md = await c.request('Metadata', 1, { topics: [{ name: 'fire' }] });
    expect((md.topics as Struct[])[0].errorCode).toBe(0);
    const recs = await ld.broker.readRecords('fire', 0, 0);
    expect(recs.map((r) => r.value?.toString())).toEqual(['no ack']);
  });

  it('stores large requests that arrive in small pieces back to back, each as it was sent', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('pieces', { partitions: 1 });
    const c = await logdock.client(ld.port);
    // Eight requests of ~300 KB, each record of its own letter, sent at once in 7,777-byte
    // writes: every frame spans socket reads, and a later one arrives while an earlier one
    // is still being appended (the listener reuses the buffers frames are gathered into).
    const values = Array.from({ length: 8 }, (_, i) =>
      Array.from({ length: 30 }, (_, j) => Buffer.alloc(10_000, 97 + ((i + j) % 26))),
    );
    const frames = values.map((vs, i) =>
      encodeRequest(
        apiByName('Produce'),
        8,
        i + 1,
        't',
        produceBody('pieces', encodeRecordBatch(vs.map((value) => ({ value }))), i % 2),
      ),
    );
    const all = Buffer.concat(frames);
    // acks=1 for every other request: four answers, the last after the last append.
    const answers = Promise.all([1, 2, 3, 4].map(() => c.nextFrame()));
    for (let pos = 0; pos < all.length; pos += 7777) c.sendRaw(all.subarray(pos, pos + 7777));
    await answers;
    const stored = await ld.broker.readRecords('pieces', 0, 0, {
      maxRecords: 1000,
      maxBytes: 8 << 20,
    });
    expect(stored.map((r) => r.value)).toEqual(values.flat());
  });

  it('converts old-format (magic 0 and 1) message sets into record batches', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('old', { partitions: 1 });
    const c = await logdock.client(ld.port);
    const v0 = Buffer.concat([legacyMessage(0, 'a', 'zero-1'), legacyMessage(0, null, 'zero-2')]);
    const r0 = partitionResult(await c.request('Produce', 1, produceBody('old', v0)));
    expect(r0).toMatchObject({ errorCode: 0, baseOffset: 0 });
    const r1 = partitionResult(
      await c.request(
        'Produce',
        2,
        produceBody('old', legacyMessage(1, 'b', 'one', 1_650_000_000_000)),
      ),
    );
    expect(r1).toMatchObject({ errorCode: 0, baseOffset: 2 });
    const recs = await ld.broker.readRecords('old', 0, 0);
    expect(recs.map((r) => [r.key?.toString() ?? null, r.value?.toString()])).toEqual([
      ['a', 'zero-1'],
      [null, 'zero-2'],
      ['b', 'one'],
    ]);
    expect(recs[2].timestamp).toBe(1_650_000_000_000);
  });

  it('down-converts stored batches to message format v1 for Fetch v2 and v0 for Fetch v0', async () => {
    const ld = await logdock.start();
    await ld.broker.send([
      {
        topic: 'legacy-read',
        partition: 0,
        key: Buffer.from('k1'),
        value: Buffer.from('first'),
        timestamp: 1_600_000_000_000,
      },
      {
        topic: 'legacy-read',
        partition: 0,
        key: null,
        value: Buffer.from('second'),
        timestamp: 1_600_000_000_001,
      },
    ]);
    const c = await logdock.client(ld.port);
    for (const [version, magic] of [
      [0, 0],
      [2, 1],
    ] as const) {
      const res = await c.request('Fetch', version, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        topics: [
          {
            topic: 'legacy-read',
            partitions: [{ partition: 0, fetchOffset: 1, partitionMaxBytes: 1 << 20 }],
          },
        ],
      });
      const part = ((res.responses as Struct[])[0].partitions as Struct[])[0];
      expect(part.errorCode).toBe(0);
      const set = part.records as Buffer;
      expect(Number(set.readBigInt64BE(0))).toBe(1); // only the record at or after the fetch offset
      expect(set.readInt8(16)).toBe(magic);
      expect(crc32(set.subarray(16, 12 + set.readInt32BE(8))) >>> 0).toBe(set.readUInt32BE(12));
      expect(set.subarray(set.length - 6).toString()).toBe('second');
    }
  });

  it('does not store a retried idempotent batch twice, also after a restart', async () => {
    let ld = await logdock.start();
    await ld.broker.createTopic('idem', { partitions: 1 });
    let c = await logdock.client(ld.port);
    const producerId = await c.initProducerId();
    expect(producerId).toBeGreaterThan(0);
    const batch = (seq: number, value: string) =>
      encodeRecordBatch([{ value: Buffer.from(value) }], {
        producerId,
        producerEpoch: 0,
        baseSequence: seq,
      });
    expect(
      partitionResult(await c.request('Produce', 9, produceBody('idem', batch(0, 'a')))).baseOffset,
    ).toBe(0);
    expect(
      partitionResult(await c.request('Produce', 9, produceBody('idem', batch(1, 'b')))).baseOffset,
    ).toBe(1);
    // A retry of sequence 1: answered with its first offset, not stored again.
    expect(
      partitionResult(await c.request('Produce', 9, produceBody('idem', batch(1, 'b')))),
    ).toMatchObject({ errorCode: 0, baseOffset: 1 });
    // A gap in the sequence is refused.
    expect(
      partitionResult(await c.request('Produce', 9, produceBody('idem', batch(5, 'x')))).errorCode,
    ).toBe(45);
    expect(ld.broker.describeTopic('idem').partitions[0].logEndOffset).toBe(2);

    // Restart: the producer state comes back from the log.
    const dir = ld.dir;
    c.close();
    await ld.stop();
    ld = await logdock.start({}, dir);
    c = await logdock.client(ld.port);
    expect(
      partitionResult(await c.request('Produce', 9, produceBody('idem', batch(1, 'b')))),
    ).toMatchObject({ errorCode: 0, baseOffset: 1 });
    expect(
      partitionResult(await c.request('Produce', 9, produceBody('idem', batch(2, 'c')))).baseOffset,
    ).toBe(2);
    const values = (await ld.broker.readRecords('idem', 0, 0)).map((r) => r.value?.toString());
    expect(values).toEqual(['a', 'b', 'c']);
  });

  it('forgets idempotent producer state when the topic is deleted outside Kafka (UI, CLI) and made again', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('again', { partitions: 1 });
    const c = await logdock.client(ld.port);
    const producerId = await c.initProducerId();
    const batch = (value: string) =>
      encodeRecordBatch([{ value: Buffer.from(value) }], {
        producerId,
        producerEpoch: 0,
        baseSequence: 0,
      });
    await c.request('Produce', 9, produceBody('again', batch('old')));
    await c.request('Produce', 9, produceBody('again', batch('old')));
    expect(ld.broker.describeTopic('again').partitions[0].logEndOffset).toBe(1);
    // What the UI's and the CLI's delete call: not the Kafka DeleteTopics handler.
    await ld.broker.deleteTopic('again');
    await ld.broker.createTopic('again', { partitions: 1 });
    const res = partitionResult(await c.request('Produce', 9, produceBody('again', batch('new'))));
    expect(res).toMatchObject({ errorCode: 0, baseOffset: 0 });
    const values = (await ld.broker.readRecords('again', 0, 0)).map((r) => r.value?.toString());
    expect(values).toEqual(['new']);
  });

  it('answers a partition that does not exist with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const ld = await logdock.start();
    const c = await logdock.client(ld.port);
    const res = partitionResult(
      await c.request(
        'Produce',
        7,
        produceBody('missing', encodeRecordBatch([{ value: Buffer.from('x') }])),
      ),
    );
    expect(res.errorCode).toBe(3);
  });

  it("refuses a client's append to __consumer_offsets with INVALID_TOPIC_EXCEPTION and stores nothing there", async () => {
    // Before the fix `echo garbage | kcat -P -t __consumer_offsets` was stored, to be
    // replayed by the group coordinator at every start.
    const ld = await logdock.start();
    const c = await logdock.client(ld.port);
    const endBefore = ld.broker.describeTopic('__consumer_offsets').partitions[0].logEndOffset;
    const res = partitionResult(
      await c.request(
        'Produce',
        8, // the first version with an error message
        produceBody('__consumer_offsets', encodeRecordBatch([{ value: Buffer.from('garbage') }])),
      ),
    );
    expect(res.errorCode).toBe(17);
    expect(String(res.errorMessage)).toContain('internal topic __consumer_offsets');
    const endAfter = ld.broker.describeTopic('__consumer_offsets').partitions[0].logEndOffset;
    expect(endAfter).toBe(endBefore);
  });

  it('refuses a large batch with a wrong CRC (checked on the ingest thread) with CORRUPT_MESSAGE and stores a good one', async () => {
    const ld = await logdock.start();
    await ld.broker.createTopic('big', { partitions: 1 });
    const c = await logdock.client(ld.port);
    const big = () =>
      encodeRecordBatch(
        Array.from({ length: 2000 }, (_, i) => ({
          value: Buffer.from(`line ${i} `.padEnd(100, 'x')),
        })),
      );
    const bad = big();
    expect(bad.length).toBeGreaterThan(SMALL_APPEND_BYTES);
    bad[bad.length - 5] ^= 0xff;
    const refused = partitionResult(await c.request('Produce', 9, produceBody('big', bad)));
    expect(refused.errorCode).toBe(2); // CORRUPT_MESSAGE
    expect(String(refused.errorMessage)).toMatch(/big-0: CRC mismatch/);
    const stored = partitionResult(await c.request('Produce', 9, produceBody('big', big())));
    expect(stored).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(ld.broker.describeTopic('big').partitions[0].logEndOffset).toBe(2000);
  });
});
