import { describe, expect, it } from 'vitest';
import {
  ExportFormatError,
  ExportReader,
  type ExportEntry,
} from '../../../../src/main/collectors/journald/export-format';
import { exportEntry } from './journal-writer';

const plain = (entries: ExportEntry[]) =>
  entries.map((e) => e.map((f) => [f.name, f.value.toString('latin1')]));

describe('journal export format reader', () => {
  const stream = Buffer.concat([
    exportEntry({ MESSAGE: 'hello', PRIORITY: '6' }, 1000, 1),
    exportEntry(
      { MESSAGE: 'two\nlines', BLOB: Buffer.from([0, 0xff, 10]), TAG: ['a', 'b'] },
      2000,
      2,
    ),
  ]);

  it('reads text and binary fields and repeated fields, however the stream is cut into chunks', () => {
    const whole = plain(new ExportReader().push(stream));
    expect(whole).toHaveLength(2);
    expect(whole[0]).toContainEqual(['MESSAGE', 'hello']);
    expect(whole[1]).toContainEqual(['MESSAGE', 'two\nlines']);
    expect(whole[1]).toContainEqual(['BLOB', Buffer.from([0, 0xff, 10]).toString('latin1')]);
    expect(whole[1].filter(([n]) => n === 'TAG')).toEqual([
      ['TAG', 'a'],
      ['TAG', 'b'],
    ]);
    for (let cut = 1; cut < stream.length; cut++) {
      const r = new ExportReader();
      const got = [...r.push(stream.subarray(0, cut)), ...r.push(stream.subarray(cut))];
      expect(plain(got), `cut at ${cut}`).toEqual(whole);
    }
  });

  it('reads a field much larger than the chunks it comes in, between small entries, in many chunk sizes', () => {
    const big = Buffer.alloc(300_000, 0x41);
    big[0] = 10; // binary form
    const many = Buffer.concat([
      ...Array.from({ length: 50 }, (_, i) => exportEntry({ MESSAGE: `m${i}` }, i, i)),
      exportEntry({ MESSAGE: 'big', BLOB: big }, 51, 51),
      ...Array.from({ length: 50 }, (_, i) => exportEntry({ MESSAGE: `n${i}` }, 60 + i, 60 + i)),
    ]);
    const whole = plain(new ExportReader().push(many));
    expect(whole).toHaveLength(101);
    expect(whole[50]).toContainEqual(['BLOB', big.toString('latin1')]);
    for (const size of [1, 7, 1000, 65536]) {
      const r = new ExportReader();
      const got: ExportEntry[] = [];
      for (let p = 0; p < many.length; p += size) got.push(...r.push(many.subarray(p, p + size)));
      expect(plain(got), `chunks of ${size}`).toEqual(whole);
    }
  });

  it('refuses a binary field whose length is absurd or that is not ended by a newline', () => {
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(2n ** 40n);
    expect(() => new ExportReader().push(Buffer.concat([Buffer.from('X\n'), size]))).toThrow(
      ExportFormatError,
    );
    size.writeBigUInt64LE(2n);
    expect(() =>
      new ExportReader().push(Buffer.concat([Buffer.from('X\n'), size, Buffer.from('abc\n')])),
    ).toThrow(/not ended by a newline/);
  });
});
