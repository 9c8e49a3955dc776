import { describe, expect, it } from 'vitest';
import { defaultLogConfig, encodeRecordBatch } from '../../../src/main/storage';
import {
  batchCrcMatches,
  encodeBatchWithOffsets,
  readBatchHeader,
  writeBatchCrc,
} from '../../../src/main/storage/record-batch';
import { locateOwnBatches, validateClientBatches } from '../../../src/main/storage/validate-append';

const config = defaultLogConfig();
const one = (v: string): Buffer =>
  encodeRecordBatch([{ value: Buffer.from(v) }, { value: Buffer.from(v) }]);

/** A CreateTime batch whose header says MaxTimestamp -1, as sarama 1.22 sends them. */
function unsetMaxTimestampBatch(timestamps: number[], compression: 'none' | 'gzip' = 'none') {
  return encodeRecordBatch(
    timestamps.map((timestamp, i) => ({ value: Buffer.from(`v${i}`), timestamp })),
    { compression, maxTimestamp: -1 },
  );
}

describe('validateClientBatches', () => {
  it.each(['none', 'gzip'] as const)(
    "writes the records' largest timestamp into a %s batch that left MaxTimestamp at -1, with a new CRC",
    (compression) => {
      const batch = unsetMaxTimestampBatch([5000, 9000, 7000], compression);
      expect(readBatchHeader(batch, 0).maxTimestamp).toBe(-1);
      const [loc] = validateClientBatches(batch, config, 't-0');
      expect(loc.header.maxTimestamp).toBe(9000);
      expect(readBatchHeader(batch, 0).maxTimestamp).toBe(9000);
      expect(batchCrcMatches(batch, 0, loc.header.batchLength)).toBe(true);
    },
  );

  it('lists every batch of a produce payload with its position and size', () => {
    const a = one('a');
    const b = encodeRecordBatch([{ value: Buffer.from('b') }], { compression: 'zstd' });
    const locs = validateClientBatches(Buffer.concat([a, b]), config, 't-0');
    expect(locs.map((l) => [l.position, l.size, l.header.recordCount])).toEqual([
      [0, a.length, 2],
      [a.length, b.length, 1],
    ]);
  });

  it('refuses offset deltas that are not 0..n-1, naming the partition', () => {
    const gap = encodeBatchWithOffsets([
      { offsetDelta: 0, timestamp: 1, key: null, value: Buffer.from('x'), headers: [] },
      { offsetDelta: 2, timestamp: 1, key: null, value: Buffer.from('y'), headers: [] },
    ]);
    expect(() => validateClientBatches(gap, config, 't-0')).toThrow(
      /append to t-0: .*lastOffsetDelta 2/,
    );
    const shuffled = encodeBatchWithOffsets(
      [
        { offsetDelta: 1, timestamp: 1, key: null, value: Buffer.from('x'), headers: [] },
        { offsetDelta: 0, timestamp: 1, key: null, value: Buffer.from('y'), headers: [] },
      ],
      { lastOffsetDelta: 1 },
    );
    expect(() => validateClientBatches(shuffled, config, 't-0')).toThrow(
      /offsetDelta 1, expected 0/,
    );
  });

  it('refuses an empty batch, a wrong CRC and a batch over max.message.bytes', () => {
    const empty = one('a');
    empty.writeInt32BE(0, 57);
    empty.writeInt32BE(-1, 23);
    writeBatchCrc(empty, 0);
    expect(() => validateClientBatches(empty, config, 't-0')).toThrow(
      expect.objectContaining({ code: 'CORRUPT_RECORD' }),
    );
    const bad = one('a');
    bad[bad.length - 1] ^= 0x40;
    expect(() => validateClientBatches(bad, config, 't-0')).toThrow(
      /CRC mismatch in batch at byte 0/,
    );
    expect(() =>
      validateClientBatches(one('a'.repeat(500)), { ...config, maxMessageBytes: 300 }, 't-0'),
    ).toThrow(expect.objectContaining({ code: 'MESSAGE_TOO_LARGE' }));
  });

  it('names the limit a batch broke: segment.bytes when it is the smaller one', () => {
    const big = one('a'.repeat(500));
    const limits = { ...config, maxMessageBytes: 10_000, segmentBytes: 300 };
    expect(() => validateClientBatches(big, limits, 't-0')).toThrow(
      expect.objectContaining({
        code: 'MESSAGE_TOO_LARGE',
        message: expect.stringContaining(`is ${big.length} bytes, segment.bytes is 300`),
      }),
    );
    expect(() =>
      validateClientBatches(big, { ...limits, maxMessageBytes: 300, segmentBytes: 10_000 }, 't-0'),
    ).toThrow(
      expect.objectContaining({ message: expect.stringContaining('max.message.bytes is 300') }),
    );
  });
});

describe('locateOwnBatches', () => {
  it("places Logdock's own batches by their headers alone, without a second pass over their bytes", () => {
    const a = one('a');
    const b = one('bb');
    const both = Buffer.concat([a, b]);
    expect(
      locateOwnBatches(both, config, 't-0').map((l) => [l.position, l.size, l.header.recordCount]),
    ).toEqual([
      [0, a.length, 2],
      [a.length, b.length, 2],
    ]);
    // Contents are the encoder's: a flipped value byte is not looked for.
    both[a.length - 1] ^= 0x40;
    expect(locateOwnBatches(both, config, 't-0')).toHaveLength(2);
  });

  it('still refuses what would misplace a batch: a cut batch, a bad record count, one too large', () => {
    const a = one('a');
    expect(() => locateOwnBatches(a.subarray(0, a.length - 3), config, 't-0')).toThrow(
      expect.objectContaining({ code: 'CORRUPT_RECORD' }),
    );
    const miscounted = one('a');
    miscounted.writeInt32BE(5, 23); // lastOffsetDelta
    expect(() => locateOwnBatches(miscounted, config, 't-0')).toThrow(/lastOffsetDelta 5/);
    expect(() =>
      locateOwnBatches(one('a'.repeat(500)), { ...config, maxMessageBytes: 300 }, 't-0'),
    ).toThrow(expect.objectContaining({ code: 'MESSAGE_TOO_LARGE' }));
  });
});
