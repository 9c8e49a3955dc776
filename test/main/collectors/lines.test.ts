import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/main/collectors/lines';

const texts = (s: LineSplitter, chunks: Buffer[]) =>
  chunks.flatMap((c) => s.push(c)).map((l) => l.text.toString('utf8'));

describe('LineSplitter', () => {
  it('returns lines with the byte range of each, newline included in the range', () => {
    const s = new LineSplitter('utf8', 1024);
    const lines = s.push(Buffer.from('ab\ncde\r\nf'));
    expect(lines.map((l) => [l.text.toString(), l.start, l.end])).toEqual([
      ['ab', 0, 3],
      ['cde', 3, 8],
    ]);
    expect(s.pendingStart).toBe(8);
    expect(s.expected).toBe(9);
  });

  it('joins a line split across chunks and keeps the unfinished tail pending', () => {
    const s = new LineSplitter('utf8', 1024, 100);
    expect(texts(s, [Buffer.from('hel'), Buffer.from('lo\nwor'), Buffer.from('ld\n')])).toEqual([
      'hello',
      'world',
    ]);
    expect(s.pendingStart).toBe(112);
  });

  it('cuts a line longer than the limit, skips the rest up to the newline and flags it', () => {
    const s = new LineSplitter('utf8', 4);
    const lines = [...s.push(Buffer.from('abcdefg')), ...s.push(Buffer.from('hij\nok\n'))];
    expect(lines.map((l) => [l.text.toString(), l.cutFrom, l.start, l.end])).toEqual([
      ['abcd', 10, 0, 11],
      ['ok', undefined, 11, 14],
    ]);
  });

  it('replaces invalid UTF-8 and counts the invalid sequences', () => {
    const s = new LineSplitter('utf8', 1024);
    const [line] = s.push(Buffer.from([0x61, 0xff, 0x62, 0xc3, 0x0a]));
    expect(line.text.toString()).toBe('a\ufffdb\ufffd');
    expect(line.invalid).toBe(2);
  });

  it('does not count a literal U+FFFD as invalid', () => {
    const s = new LineSplitter('utf8', 1024);
    const [line] = s.push(Buffer.from('x\ufffd\xff\n'.replace('\xff', ''), 'utf8'));
    expect(line.invalid).toBe(0);
  });

  it('decodes UTF-16LE with a BOM, finding newlines only at even offsets', () => {
    const s = new LineSplitter('utf16le', 1024);
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('\u0a0a1\r\né\n', 'utf16le'),
    ]);
    const lines = [...s.push(bytes.subarray(0, 5)), ...s.push(bytes.subarray(5))];
    expect(lines.map((l) => [l.text.toString(), l.start, l.end])).toEqual([
      ['\u0a0a1', 2, 10],
      ['é', 10, 14],
    ]);
  });

  it('decodes UTF-16BE and Latin-1 into UTF-8', () => {
    const be = new LineSplitter('utf16be', 1024);
    const beBytes = Buffer.from('ok\n', 'utf16le').swap16();
    expect(be.push(beBytes).map((l) => l.text.toString())).toEqual(['ok']);
    const latin = new LineSplitter('latin1', 1024);
    expect(
      latin.push(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])).map((l) => l.text.toString()),
    ).toEqual(['café']);
  });

  it('skips a UTF-8 byte-order mark at offset 0', () => {
    const s = new LineSplitter('utf8', 1024);
    const [line] = s.push(Buffer.from('\ufeffhi\n'));
    expect([line.text.toString(), line.start]).toEqual(['hi', 3]);
  });

  it('hands out an unfinished last line on request', () => {
    const s = new LineSplitter('utf8', 1024);
    s.push(Buffer.from('a\nlast'));
    const line = s.flushPartial();
    expect([line?.text.toString(), line?.start, line?.end]).toEqual(['last', 2, 6]);
    expect(s.flushPartial()).toBeNull();
  });
});
