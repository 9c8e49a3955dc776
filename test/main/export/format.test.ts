import { describe, expect, it } from 'vitest';
import { CSV_HEADER, csvField, csvLine, jsonLine } from '../../../src/main/export/format';
import type { StoredRecord } from '../../../src/main/storage/api';

const rec = (value: Buffer | string | null, key: string | null = 'k'): StoredRecord => ({
  offset: 12,
  timestamp: Date.parse('2026-05-01T10:00:00.000Z'),
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
  headers: [{ key: 'host', value: Buffer.from('web-1') }],
});

describe('export line formats', () => {
  it('writes one JSON object per line that parses back to the message', () => {
    const line = jsonLine('logs', 2, rec('{"level":"INFO"}\nsecond line'));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      topic: 'logs',
      partition: 2,
      offset: 12,
      timestamp: Date.parse('2026-05-01T10:00:00.000Z'),
      key: 'k',
      value: '{"level":"INFO"}\nsecond line',
      headers: { host: 'web-1' },
    });
  });

  it('keeps binary values byte for byte as base64 and says so', () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe]);
    const parsed = JSON.parse(jsonLine('t', 0, rec(bytes, null)));
    expect(parsed.valueEncoding).toBe('base64');
    expect(Buffer.from(parsed.value, 'base64')).toEqual(bytes);
    expect(parsed.key).toBeNull();
  });

  it('quotes CSV fields with commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(CSV_HEADER.split(',')).toHaveLength(9);
    const line = csvLine('logs', 0, rec('x, "y"'));
    expect(line).toBe(
      'logs,0,12,1777629600000,2026-05-01T10:00:00.000Z,k,"x, ""y""",utf8,"{""host"":""web-1""}"\r\n',
    );
  });

  it('writes both key and value as base64 in CSV when either is binary', () => {
    const line = csvLine('t', 0, rec(Buffer.from([0xff]), 'key'));
    expect(line).toContain(
      `,${Buffer.from('key').toString('base64')},${Buffer.from([0xff]).toString('base64')},base64,`,
    );
  });
});
