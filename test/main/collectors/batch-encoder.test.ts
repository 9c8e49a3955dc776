import { describe, expect, it } from 'vitest';
import { LineBatchEncoder } from '../../../src/main/collectors/batch-encoder';
import { fixedHeader } from '../../../src/main/collectors/record';
import {
  batchCrcMatches,
  iterateBatches,
  decodeRecordBatch,
} from '../../../src/main/storage/record-batch';

const ev = (text: string, start: number, extra: { cutFrom?: number; invalid?: number } = {}) => ({
  text: Buffer.from(text),
  start,
  end: start + text.length + 1,
  lines: 1,
  invalid: extra.invalid ?? 0,
  ...(extra.cutFrom !== undefined ? { cutFrom: extra.cutFrom } : {}),
});

describe('LineBatchEncoder', () => {
  it('encodes lines as a RecordBatch v2 the storage decodes, with fixed and per-line headers', () => {
    const enc = new LineBatchEncoder(
      [fixedHeader('logdock.source', 'src'), fixedHeader('logdock.file', '/var/log/x.log')],
      null,
    );
    const buf = enc.encode(
      [ev('hello', 0), ev('', 6), ev('x'.repeat(300), 1_234_567_890, { cutFrom: 999, invalid: 2 })],
      1_700_000_000_000,
      1 << 20,
    );
    expect(batchCrcMatches(buf, 0, buf.readInt32BE(8))).toBe(true);
    const { records } = decodeRecordBatch(buf);
    expect(records.map((r) => r.value?.toString())).toEqual(['hello', '', 'x'.repeat(300)]);
    expect(records.map((r) => r.offset)).toEqual([0, 1, 2]);
    expect(records[0].timestamp).toBe(1_700_000_000_000);
    expect(records[0].key).toBeNull();
    const h = (i: number) =>
      Object.fromEntries(records[i].headers.map((x) => [x.key, x.value?.toString()]));
    expect(h(0)).toEqual({
      'logdock.source': 'src',
      'logdock.file': '/var/log/x.log',
      'logdock.offset': '0',
      'logdock.end': '6',
    });
    expect(h(2)).toMatchObject({
      'logdock.offset': '1234567890',
      'logdock.end': '1234568191',
      'logdock.cut': '999',
      'logdock.invalid-bytes': '2',
    });
  });

  it('splits into several batches under the size limit, each valid, with keys', () => {
    const enc = new LineBatchEncoder([], Buffer.from('k'));
    const events = Array.from({ length: 200 }, (_, i) =>
      ev(`line ${i} ${'y'.repeat(40)}`, i * 100),
    );
    const buf = enc.encode(events, 5, 2000);
    const batches = [...iterateBatches(buf)];
    expect(batches.length).toBeGreaterThan(5);
    let n = 0;
    for (const b of batches) {
      expect(b.size).toBeLessThanOrEqual(2000);
      const { records } = decodeRecordBatch(buf.subarray(b.position, b.position + b.size));
      for (const r of records) {
        expect(r.value?.toString()).toBe(`line ${n} ${'y'.repeat(40)}`);
        expect(r.key?.toString()).toBe('k');
        n++;
      }
    }
    expect(n).toBe(200);
  });
});
