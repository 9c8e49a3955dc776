import { describe, expect, it } from 'vitest';
import {
  lineRecordBytes,
  splitLines,
  writeLineBatch,
} from '../../../../src/main/cli/produce/line-batch';
import { batchCrcMatches, decodeRecordBatch } from '../../../../src/main/storage/record-batch';

/** Encodes every line of `text` as one batch and decodes it back. */
function roundTrip(text: string | Buffer, separator: string | null) {
  const buf = Buffer.from(text);
  const spans = splitLines(buf, separator === null ? null : Buffer.from(separator), 1);
  const lines = Int32Array.from({ length: spans.length / 4 }, (_, i) => i);
  let size = 61;
  lines.forEach((l, i) => (size += lineRecordBytes(spans, l, i)));
  const out = Buffer.alloc(size + 5, 0xee);
  const end = writeLineBatch(out, 5, buf, spans, lines, 1_700_000_000_000);
  expect(end).toBe(out.length); // sized exactly
  const batch = out.subarray(5);
  expect(batchCrcMatches(batch, 0, batch.readInt32BE(8))).toBe(true);
  return decodeRecordBatch(batch);
}

describe('line batches', () => {
  it('encodes each line as a record with its bytes, CR dropped, keys split at the first separator', () => {
    const long = 'x'.repeat(70_000); // a length and an offset delta of three varint bytes
    const { header, records } = roundTrip(`a=1\r\nb=2=3\n=empty key\nk=${long}\nc=\n`, '=');
    expect(header).toMatchObject({ recordCount: 5, lastOffsetDelta: 4, compression: 'none' });
    expect(records.map((r) => [r.key?.toString(), r.value?.toString()])).toEqual([
      ['a', '1'],
      ['b', '2=3'],
      ['', 'empty key'],
      ['k', long],
      ['c', ''],
    ]);
    expect(records.every((r) => r.timestamp === 1_700_000_000_000)).toBe(true);
    expect(records.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps bytes that are not UTF-8 as they are, and gives keyless lines a null key', () => {
    const bytes = Buffer.concat([
      Buffer.from('ok\n'),
      Buffer.from([0xff, 0xc3, 0x0a]),
      Buffer.from('\n'),
    ]);
    const { records } = roundTrip(bytes, null);
    expect(records.map((r) => r.value)).toEqual([
      Buffer.from('ok'),
      Buffer.from([0xff, 0xc3]),
      Buffer.alloc(0),
    ]);
    expect(records.every((r) => r.key === null)).toBe(true);
  });

  it('names the first line without the separator, counting from the line given', () => {
    const buf = Buffer.from('a:1\nb:2\nno separator\nd:4\n');
    expect(() => splitLines(buf, Buffer.from(':'), 41)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: 'no key separator ":" on line 43',
      }),
    );
    // A separator only on a later line does not count for this one.
    expect(() => splitLines(Buffer.from('abc\nx::y\n'), Buffer.from('::'), 1)).toThrow('on line 1');
  });
});
