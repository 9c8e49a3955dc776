import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import {
  type CompressionCodec,
  type RecordInput,
  decodeRecordBatch,
  encodeRecordBatch,
  iterateBatches,
  readBatchHeader,
} from '../../../src/main/storage';
import {
  firstRecordAtOrAfter,
  RECORD_BATCH_OVERHEAD,
  validateRecords,
  writeBatchCrc,
  writePlainBatchHeader,
} from '../../../src/main/storage/record-batch';

const require = createRequire(import.meta.url);

const bytes = fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a));
const recordArb: fc.Arbitrary<RecordInput> = fc.record({
  key: fc.option(bytes, { nil: null }),
  value: fc.option(bytes, { nil: null }),
  headers: fc.array(
    fc.record({ key: fc.string({ maxLength: 20 }), value: fc.option(bytes, { nil: null }) }),
    {
      maxLength: 3,
    },
  ),
  timestamp: fc.integer({ min: 0, max: 2 ** 42 }),
});
const codecArb = fc.constantFrom<CompressionCodec>('none', 'gzip', 'snappy', 'lz4', 'zstd');

function sample(n: number, ts = 1_700_000_000_000): RecordInput[] {
  return Array.from({ length: n }, (_, i) => ({
    key: Buffer.from(`k${i}`),
    value: Buffer.from(`v${i}`.repeat(5)),
    headers: [{ key: 'h', value: Buffer.from([i & 0xff]) }],
    timestamp: ts + i,
  }));
}

describe('record batch codec', () => {
  it('round-trips random records with every codec and header option', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: 1, maxLength: 20 }),
        codecArb,
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.record({
          producerId: fc.integer({ min: -1, max: 2 ** 40 }),
          producerEpoch: fc.integer({ min: -1, max: 32767 }),
          baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
          isTransactional: fc.boolean(),
          partitionLeaderEpoch: fc.integer({ min: -1, max: 1000 }),
        }),
        (records, compression, baseOffset, opts) => {
          const buf = encodeRecordBatch(records, { ...opts, compression, baseOffset });
          const { header, records: out } = decodeRecordBatch(buf);
          expect(header).toMatchObject({
            ...opts,
            baseOffset,
            compression,
            magic: 2,
            recordCount: records.length,
            lastOffsetDelta: records.length - 1,
            batchLength: buf.length - 12,
            timestampType: 'CreateTime',
            isControl: false,
          });
          expect(header.maxTimestamp).toBe(Math.max(...records.map((r) => r.timestamp!)));
          expect(out).toEqual(
            records.map((r, i) => ({
              offset: baseOffset + i,
              timestamp: r.timestamp,
              key: r.key,
              value: r.value,
              headers: r.headers,
            })),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds the first record at or after a time and an offset as a decode of every record does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 60 }),
        codecArb,
        fc.integer({ min: -5, max: 1005 }),
        fc.integer({ min: 0, max: 80 }),
        (times, compression, target, minDelta) => {
          const buf = encodeRecordBatch(
            times.map((t) => ({ value: Buffer.from(`at ${t}`), timestamp: 5000 + t })),
            { compression, baseOffset: 20 },
          );
          const expected = decodeRecordBatch(buf).records.find(
            (r) => r.timestamp >= 5000 + target && r.offset >= 20 + minDelta,
          );
          expect(firstRecordAtOrAfter(buf, 5000 + target, 20 + minDelta)).toBe(
            expected?.offset ?? null,
          );
        },
      ),
    );
  });

  it('refuses a damaged batch when looking a time up in it, naming the batch', () => {
    const buf = encodeRecordBatch(sample(20), { baseOffset: 7 });
    buf[RECORD_BATCH_OVERHEAD + 30] ^= 1;
    expect(() => firstRecordAtOrAfter(buf, 0, 0)).toThrow(
      expect.objectContaining({
        code: 'CORRUPT_RECORD',
        message: expect.stringMatching(/offset 7/),
      }),
    );
    expect(() => firstRecordAtOrAfter(buf.subarray(0, buf.length - 1), 0, 0)).toThrow(
      expect.objectContaining({ code: 'CORRUPT_RECORD' }),
    );
  });

  it('rejects every truncation of a batch with CORRUPT_RECORD', () => {
    const buf = encodeRecordBatch(sample(3));
    for (let len = 0; len < buf.length; len++) {
      expect(() => decodeRecordBatch(buf.subarray(0, len)), `length ${len}`).toThrow(
        expect.objectContaining({ code: 'CORRUPT_RECORD' }),
      );
    }
  });

  it('rejects a flipped bit anywhere in the CRC-covered bytes', () => {
    fc.assert(
      fc.property(codecArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (compression, at, bit) => {
        const buf = encodeRecordBatch(sample(4), { compression });
        const pos = 21 + (at % (buf.length - 21));
        buf[pos] ^= 1 << bit;
        expect(() => decodeRecordBatch(buf)).toThrow(
          expect.objectContaining({ code: 'CORRUPT_RECORD' }),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('names the CRC mismatch and the batch offset in the error', () => {
    const buf = encodeRecordBatch(sample(2), { baseOffset: 42 });
    buf[buf.length - 1] ^= 0xff;
    expect(() => decodeRecordBatch(buf)).toThrow(/CRC mismatch in batch at offset 42/);
  });

  it('rejects a batch whose CRC is right but whose records are malformed, naming the record', () => {
    const buf = encodeRecordBatch(sample(2));
    // Make record 0's length varint claim far more bytes than remain, then fix the CRC.
    buf[61] = 0x7e;
    writeBatchCrc(buf, 0);
    expect(() => decodeRecordBatch(buf)).toThrow(/record 0 of batch at offset 0: length 63/);
    expect(() => validateRecords(buf.subarray(61), 2)).toThrow(
      /record 0 has length 63 but \d+ bytes remain/,
    );
  });

  it('rejects a record count that does not match the records', () => {
    const buf = encodeRecordBatch(sample(3));
    buf.writeInt32BE(4, 57);
    writeBatchCrc(buf, 0);
    expect(() => decodeRecordBatch(buf)).toThrow(/record 3/);
  });

  it('rejects magic other than 2 and an undersized batchLength', () => {
    const a = encodeRecordBatch(sample(1));
    a[16] = 1;
    expect(() => readBatchHeader(a, 0)).toThrow(/unsupported magic 1/);
    const b = encodeRecordBatch(sample(1));
    b.writeInt32BE(10, 8);
    expect(() => readBatchHeader(b, 0)).toThrow(/batchLength 10/);
  });

  it('resolves record timestamps to maxTimestamp for LogAppendTime batches', () => {
    const buf = encodeRecordBatch(sample(3, 1000), {
      timestampType: 'LogAppendTime',
      maxTimestamp: 5000,
    });
    const { header, records } = decodeRecordBatch(buf);
    expect(header.timestampType).toBe('LogAppendTime');
    expect(records.map((r) => r.timestamp)).toEqual([5000, 5000, 5000]);
  });

  it('iterates concatenated batches and refuses one that runs past the end', () => {
    const all = Buffer.concat([
      encodeRecordBatch(sample(2), { baseOffset: 0 }),
      encodeRecordBatch(sample(3), { baseOffset: 2, compression: 'lz4' }),
    ]);
    const seen = [...iterateBatches(all)].map((b) => [
      b.header.baseOffset,
      b.header.recordCount,
      b.position,
    ]);
    expect(seen).toEqual([
      [0, 2, 0],
      [2, 3, all.length - (all.length - seen[1][2])],
    ]);
    expect(() => [...iterateBatches(all.subarray(0, all.length - 1))]).toThrow(/declares/);
  });

  it('decodes a batch encoded by kafkajs and kafkajs decodes ours', async () => {
    const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
    const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
    const BatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder.js');
    const Decoder = require('kafkajs/src/protocol/decoder.js');
    const { Types } = require('kafkajs/src/protocol/message/compression/index.js');
    const records = [0, 1, 2].map((i) =>
      Record({
        offsetDelta: i,
        timestampDelta: i * 10,
        key: Buffer.from(`k${i}`),
        value: Buffer.from(`v${i}`),
        headers: { h: `x${i}` },
      }),
    );
    for (const compression of [Types.None, Types.GZIP]) {
      const enc = await RecordBatch({
        compression,
        firstOffset: require('kafkajs/src/utils/long.js').fromInt(7),
        firstTimestamp: 1000,
        maxTimestamp: 1020,
        lastOffsetDelta: 2,
        records,
      });
      const { header, records: out } = decodeRecordBatch(enc.buffer);
      expect(header.compression).toBe(compression === Types.None ? 'none' : 'gzip');
      expect(
        out.map((r) => [
          r.offset,
          r.timestamp,
          r.key?.toString(),
          r.value?.toString(),
          r.headers[0].value?.toString(),
        ]),
      ).toEqual([
        [7, 1000, 'k0', 'v0', 'x0'],
        [8, 1010, 'k1', 'v1', 'x1'],
        [9, 1020, 'k2', 'v2', 'x2'],
      ]);
    }
    const ours = encodeRecordBatch(sample(2, 5000), { baseOffset: 11, compression: 'gzip' });
    const theirs = await BatchDecoder(new Decoder(ours));
    expect(
      theirs.records.map((r: { offset: string; key: Buffer; timestamp: string }) => [
        r.offset,
        r.key.toString(),
        r.timestamp,
      ]),
    ).toEqual([
      ['11', 'k0', '5000'],
      ['12', 'k1', '5001'],
    ]);
  });
});

describe('writePlainBatchHeader', () => {
  it('gives records written in place the header the encoder would write, sealed by writeBatchCrc', () => {
    const records: RecordInput[] = [
      { key: Buffer.from('k'), value: Buffer.from('one'), timestamp: 1_000 },
      { key: null, value: Buffer.from('two'), timestamp: 3_000 },
      { key: null, value: Buffer.from('three'), timestamp: 2_000 },
    ];
    const encoded = encodeRecordBatch(records);
    // The records area copied after a header written in place, 5 bytes into a larger buffer.
    const out = Buffer.alloc(encoded.length + 10, 0xee);
    encoded.copy(out, 5 + RECORD_BATCH_OVERHEAD, RECORD_BATCH_OVERHEAD);
    writePlainBatchHeader(out, 5, {
      bytes: encoded.length,
      count: 3,
      baseTimestamp: 1_000,
      maxTimestamp: 3_000,
    });
    writeBatchCrc(out, 5);
    expect(out.subarray(5, 5 + encoded.length)).toEqual(encoded);
    const { header, records: back } = decodeRecordBatch(out.subarray(5));
    expect(header).toMatchObject({ recordCount: 3, maxTimestamp: 3_000, producerId: -1 });
    expect(back.map((r) => [r.offset, r.timestamp, r.value?.toString()])).toEqual([
      [0, 1_000, 'one'],
      [1, 3_000, 'two'],
      [2, 2_000, 'three'],
    ]);
  });
});
