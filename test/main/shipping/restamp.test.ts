import { describe, expect, it } from 'vitest';
import {
  decodeRecordBatch,
  encodeRecordBatch,
  batchCrcMatches,
  readBatchHeader,
} from '../../../src/main/storage/record-batch';
import {
  parseShipHeader,
  restamp,
  SHIP_HEADER,
  stampProducer,
} from '../../../src/main/shipping/restamp';

// The forwarder's re-encoding: local batches (as stored, compressed or not) into remote
// batches with the records' bytes kept and the logdock.ship header appended.

function local(baseOffset: number, n: number, opts: Parameters<typeof encodeRecordBatch>[1] = {}) {
  return encodeRecordBatch(
    Array.from({ length: n }, (_, i) => ({
      key: i % 2 ? Buffer.from(`k${i}`) : null,
      value: i === 3 ? null : Buffer.from(`value ${baseOffset + i} ${'é'.repeat(i)}`),
      timestamp: 1_700_000_000_000 + (i % 3) * 1000 - i,
      headers: [
        { key: 'a', value: Buffer.from(String(i)) },
        { key: 'nil', value: null },
      ],
    })),
    { baseOffset, ...opts },
  );
}

describe('restamp', () => {
  it('keeps keys, values, null values, timestamps and headers, and appends the ship header', () => {
    const input = Buffer.concat([local(10, 5), local(15, 4, { compression: 'gzip' })]);
    const [out] = restamp(input, 12, 'abc123abc123', 2, 1024 * 1024);
    stampProducer(out.bytes, 77, 3, 40);
    const header = readBatchHeader(out.bytes, 0);
    expect(header).toMatchObject({
      producerId: 77,
      producerEpoch: 3,
      baseSequence: 40,
      recordCount: 7,
    });
    expect(batchCrcMatches(out.bytes, 0, header.batchLength)).toBe(true);
    expect([out.firstOffset, out.lastOffset, out.count]).toEqual([12, 18, 7]);

    const expected = [
      ...decodeRecordBatch(local(10, 5)).records.slice(2),
      ...decodeRecordBatch(local(15, 4)).records,
    ];
    const got = decodeRecordBatch(out.bytes).records;
    expect(got.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const [i, r] of got.entries()) {
      const e = expected[i];
      expect([r.key, r.value, r.timestamp]).toEqual([e.key, e.value, e.timestamp]);
      expect(r.headers.slice(0, -1)).toEqual(e.headers);
      const ship = r.headers[r.headers.length - 1];
      expect(ship.key).toBe(SHIP_HEADER);
      expect(parseShipHeader(ship.value, 'abc123abc123')).toEqual({
        partition: 2,
        offset: e.offset,
      });
    }
  });

  it('cuts batches at the size limit and skips control batches', () => {
    const control = encodeRecordBatch([{ value: Buffer.alloc(6) }], {
      baseOffset: 200,
      isControl: true,
    });
    const input = Buffer.concat([local(0, 100), local(100, 100), control]);
    const out = restamp(input, 0, 'o', 0, 2_000);
    expect(out.length).toBeGreaterThan(3);
    for (const b of out) expect(b.bytes.length).toBeLessThanOrEqual(2_000);
    expect(out.reduce((n, b) => n + b.count, 0)).toBe(200);
    expect(out.map((b) => b.firstOffset)).toEqual([
      0,
      ...out.slice(0, -1).map((b) => b.lastOffset + 1),
    ]);
  });

  it('reads only its own origin from a ship header, and nothing from a malformed one', () => {
    expect(parseShipHeader(Buffer.from('o/1/5'), 'o')).toEqual({ partition: 1, offset: 5 });
    for (const bad of ['x/1/5', 'o/1', 'o/-1/5', 'o/1/5.5', 'o/1/5/6', 'o//5'])
      expect(parseShipHeader(Buffer.from(bad), 'o')).toBeNull();
    expect(parseShipHeader(null, 'o')).toBeNull();
  });
});
