import { describe, expect, it } from 'vitest';
import { detectLevel, makePreview, MAX_ROW_HEADERS, toRow } from '../../../src/main/browse/preview';
import type { StoredRecord } from '../../../src/main/storage/api';

const rec = (value: string | Buffer | null, headers: [string, string][] = []): StoredRecord => ({
  offset: 5,
  timestamp: 1000,
  key: null,
  value: value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value),
  headers: headers.map(([key, v]) => ({ key, value: Buffer.from(v) })),
});

describe('previews', () => {
  it('give a row its first 32 headers, keys cut to 256 characters, and the count of the others', () => {
    // 20,000 tiny headers were ~1.5 MB of JSON in every row that showed the record.
    const many = Array.from({ length: 20_000 }, (_, i): [string, string] => [`h${i}`, '']);
    const row = toRow(rec('x', [['k'.repeat(10_000), 'v'], ...many]), 0, 0, 512);
    expect(row.headers).toHaveLength(MAX_ROW_HEADERS);
    expect(row.headersOmitted).toBe(20_001 - MAX_ROW_HEADERS);
    expect(row.headers[0].key).toBe('k'.repeat(256));
    expect(row.headers[1]).toEqual({ key: 'h0', value: expect.objectContaining({ text: '' }) });
    expect(JSON.stringify(row).length).toBeLessThan(20_000);
    // A row with few headers says nothing more.
    expect(toRow(rec('x', [['a', 'b']]), 0, 0, 512)).not.toHaveProperty('headersOmitted');
  });

  it('keeps short text whole and reports its size', () => {
    expect(makePreview(Buffer.from('hello'), 512)).toEqual({
      text: 'hello',
      size: 5,
      truncated: false,
      binary: false,
    });
    expect(makePreview(null, 512)).toBeNull();
  });

  it('cuts long text at the limit without splitting a UTF-8 character', () => {
    const value = Buffer.from('é'.repeat(100)); // 200 bytes
    const p = makePreview(value, 51)!;
    expect(p.truncated).toBe(true);
    expect(p.size).toBe(200);
    expect(p.text).toBe('é'.repeat(25));
    expect(p.binary).toBe(false);
  });

  it('shows binary data as hex pairs of about a third of the limit', () => {
    const value = Buffer.from([0, 1, 2, 0xff, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60]);
    const p = makePreview(value, 16)!;
    expect(p).toEqual({ text: '00 01 02 ff 10', size: 10, truncated: true, binary: true });
    expect(makePreview(Buffer.from([0xc3, 0x28]), 100)!.binary).toBe(true); // invalid UTF-8
  });

  it('keeps ANSI colours and tabs as text', () => {
    expect(makePreview(Buffer.from('\x1b[31mred\x1b[0m\tx\n'), 100)!.binary).toBe(false);
  });

  it('copies no more than the limit from a value of megabytes', () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 'a');
    const row = toRow(rec(big), 0, 0, 512);
    expect(row.value!.text.length).toBe(512);
    expect(row.value!.size).toBe(8 * 1024 * 1024);
    expect(row.value!.truncated).toBe(true);
  });
});

describe('level detection', () => {
  it('reads a level header first', () => {
    expect(detectLevel(rec('ERROR in text', [['level', 'warning']]))).toBe('WARN');
  });
  it('reads a JSON level field', () => {
    expect(detectLevel(rec('{"ts":1,"severity":"error","msg":"x"}'))).toBe('ERROR');
    expect(detectLevel(rec('{"level":"info"}'))).toBe('INFO');
  });
  it('reads an upper-case level word near the start of a text line', () => {
    expect(detectLevel(rec('2026-05-01 10:00:00 WARN disk almost full'))).toBe('WARN');
    expect(detectLevel(rec('nothing to see'))).toBeNull();
    expect(detectLevel(rec(null))).toBeNull();
  });
});
