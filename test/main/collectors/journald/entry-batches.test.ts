import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { EntryBatchEncoder } from '../../../../src/main/collectors/journald/entry-batches';
import { JournalEntryError } from '../../../../src/main/collectors/journald/entry';
import {
  ExportScanner,
  type FieldTable,
} from '../../../../src/main/collectors/journald/export-format';
import { iterateBatches, decodeRecordBatch } from '../../../../src/main/storage/record-batch';
import type { StoredRecord } from '../../../../src/main/storage/api';
import { exportEntry, type Fields } from './journal-writer';

const NOW = 1_800_000_000_000;

/** Entries given as fields (with their own __CURSOR), in export format, through the encoder. */
function encode(
  entries: Fields[],
  fields: 'headers' | 'value',
  maxBatchBytes = 1 << 20,
): { records: StoredRecord[]; batches: number; cursor: string } {
  const encoder = new EntryBatchEncoder('src-1', fields, maxBatchBytes);
  const scanner = new ExportScanner();
  const stream = Buffer.concat(
    entries.map((f, i) => exportEntry(f, 1_700_000_000_000_000 + i * 1500, i)),
  );
  // Cut into small chunks: entries cross chunk boundaries.
  for (let p = 0; p < stream.length; p += 97)
    scanner.push(stream.subarray(p, p + 97), (t: FieldTable) => encoder.add(t, NOW));
  const taken = encoder.take()!;
  expect(encoder.take()).toBeNull();
  const records: StoredRecord[] = [];
  let batches = 0;
  for (const b of iterateBatches(taken.batches)) {
    const batch = taken.batches.subarray(b.position, b.position + b.size);
    records.push(...decodeRecordBatch(batch).records);
    expect(b.header.maxTimestamp).toBe(
      Math.max(...decodeRecordBatch(batch).records.map((r) => r.timestamp)),
    );
    batches++;
  }
  expect(records).toHaveLength(taken.records);
  return { records, batches, cursor: taken.cursor };
}

const text = (b: Buffer | null) => b?.toString('latin1');
const headerPairs = (r: StoredRecord) => r.headers.map((h) => [h.key, text(h.value)]);

/** What `JSON.stringify` makes of the entry: the reference for the byte writer. */
function expectedJson(f: Fields, timestamp: string | undefined, level?: string): string {
  const fields: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(f)) {
    if (name === 'MESSAGE' || name === '__CURSOR') continue;
    const one = (x: string | Buffer) =>
      typeof x === 'string' ? x : isUtf8(x) ? x.toString() : [...x];
    fields[name] = Array.isArray(v) ? v.map(one) : one(v);
  }
  const m = f.MESSAGE;
  return JSON.stringify({
    timestamp,
    level,
    message: m === undefined ? null : Buffer.isBuffer(m) ? m.toString('utf8') : m,
    fields,
  });
}

describe('journal entries encoded into record batches', () => {
  const plain: Fields = {
    __CURSOR: 's=ab;i=1',
    MESSAGE: 'disk "sda" is full\tnow\\',
    PRIORITY: '3',
    _SYSTEMD_UNIT: 'disk.service',
    SYSLOG_IDENTIFIER: 'diskd',
    _PID: '77',
  };

  it('makes one record per entry: message as value, unit as key, cursor, level and every other field as headers', () => {
    const { records, cursor } = encode(
      [plain, { __CURSOR: 's=ab;i=2', MESSAGE: 'x', SYSLOG_IDENTIFIER: 'cron', PRIORITY: '9' }],
      'headers',
    );
    expect(cursor).toBe('s=ab;i=2');
    const [a, b] = records;
    expect(text(a.value)).toBe(plain.MESSAGE);
    expect(text(a.key)).toBe('disk.service');
    expect(a.timestamp).toBe(1_700_000_000_000);
    expect(headerPairs(a)).toEqual([
      ['logdock.source', 'src-1'],
      ['logdock.cursor', 's=ab;i=1'],
      ['level', 'err'],
      ['journal._BOOT_ID', '0123456789abcdef0123456789abcdef'],
      ['journal.PRIORITY', '3'],
      ['journal._SYSTEMD_UNIT', 'disk.service'],
      ['journal.SYSLOG_IDENTIFIER', 'diskd'],
      ['journal._PID', '77'],
    ]);
    // No unit: the identifier is the key; a priority outside 0-7 gives no level.
    expect(text(b.key)).toBe('cron');
    expect(b.timestamp).toBe(1_700_000_000_001);
    expect(headerPairs(b).map(([k]) => k)).not.toContain('level');
    expect(records.map((r) => r.offset)).toEqual([0, 1]);
  });

  it('keeps binary, multi-line and repeated fields byte for byte as headers', () => {
    const blob = Buffer.from([0xff, 0, 10, 0x41]);
    const long = 'y'.repeat(5000);
    const { records } = encode(
      [{ __CURSOR: 'c1', MESSAGE: 'two\nlines', BLOB: blob, TAG: ['a', 'b'], LONG: long }],
      'headers',
    );
    const r = records[0];
    expect(text(r.value)).toBe('two\nlines');
    expect(r.key).toBeNull();
    expect(r.headers.find((h) => h.key === 'journal.BLOB')?.value).toEqual(blob);
    expect(r.headers.filter((h) => h.key === 'journal.TAG').map((h) => text(h.value))).toEqual([
      'a',
      'b',
    ]);
    expect(text(r.headers.find((h) => h.key === 'journal.LONG')!.value)).toBe(long);
  });

  it('writes the same JSON as JSON.stringify with fields: value, escapes and non-UTF-8 values included', () => {
    const entries: Fields[] = [
      plain,
      {
        __CURSOR: 'c2',
        MESSAGE: 'ctl \u0001\u001f\b\f\r\n "q" é ✓ 😀',
        X_BIN: Buffer.from([0xc3, 0x28, 200, 7]),
      },
      { __CURSOR: 'c3', PRIORITY: '7', X_EMPTY: '' },
      // Repeated and oddly named fields: the fallback through JSON.stringify.
      { __CURSOR: 'c4', MESSAGE: 'r', TAG: ['a', 'b', 'c'], OTHER: 'o' },
      { __CURSOR: 'c5', MESSAGE: Buffer.from([0x61, 0xff]), 'lower"case': 'v' },
    ];
    const { records } = encode(entries, 'value');
    const iso = (i: number) => new Date(1_700_000_000_000 + Math.floor(i * 1.5)).toISOString();
    // exportEntry writes _BOOT_ID before the entry's own fields.
    const boot = (f: Fields) => ({ _BOOT_ID: '0123456789abcdef0123456789abcdef', ...f });
    expect(records.map((r) => r.value!.toString())).toEqual([
      expectedJson(boot(plain), iso(0), 'err'),
      expectedJson(boot(entries[1]), iso(1)),
      expectedJson(boot(entries[2]), iso(2), 'debug'),
      expectedJson(boot(entries[3]), iso(3)),
      expectedJson(boot(entries[4]), iso(4)),
    ]);
    expect(JSON.parse(records[3].value!.toString()).fields.TAG).toEqual(['a', 'b', 'c']);
    expect(headerPairs(records[0])).toEqual([
      ['logdock.source', 'src-1'],
      ['logdock.cursor', 's=ab;i=1'],
      ['level', 'err'],
    ]);
  });

  it('splits entries into batches of at most maxBatchBytes', () => {
    const many: Fields[] = Array.from({ length: 300 }, (_, i) => ({
      __CURSOR: `c${i}`,
      MESSAGE: i === 150 ? 'z'.repeat(1800) : `m${i}`,
    }));
    const { records, batches } = encode(many, 'headers', 2048);
    expect(records.map((r) => text(r.value))).toEqual(many.map((f) => f.MESSAGE));
    expect(batches).toBeGreaterThan(10);
    const encoder = new EntryBatchEncoder('s', 'headers', 2048);
    new ExportScanner().push(Buffer.concat(many.map((f, i) => exportEntry(f, 1 + i, i))), (t) =>
      encoder.add(t, NOW),
    );
    for (const b of iterateBatches(encoder.take()!.batches))
      expect(b.size).toBeLessThanOrEqual(2048);
  });

  it('cuts an entry too large for a batch: cursor, key, level, small fields and the start of the message kept, logdock.cut its size', () => {
    for (const fields of ['headers', 'value'] as const) {
      const huge: Fields = {
        __CURSOR: 'c-huge',
        PRIORITY: '4',
        _SYSTEMD_UNIT: 'dump.service',
        MESSAGE: 'm'.repeat(300_000),
        COREDUMP: Buffer.alloc(500_000, 7),
        SMALL: 'kept',
      };
      const encoder = new EntryBatchEncoder('s', fields, 100_000);
      new ExportScanner().push(
        Buffer.concat([
          exportEntry(huge, 5_000_000, 1),
          exportEntry({ __CURSOR: 'c-next', MESSAGE: 'next' }, 6_000_000, 2),
        ]),
        (t) => encoder.add(t, NOW),
      );
      expect(encoder.cutEntries).toBe(1);
      const taken = encoder.take()!;
      expect(taken.cursor).toBe('c-next');
      const batches = [...iterateBatches(taken.batches)];
      expect(batches.every((b) => b.size <= 100_000)).toBe(true);
      const records = batches.flatMap(
        (b) => decodeRecordBatch(taken.batches.subarray(b.position, b.position + b.size)).records,
      );
      const [r, next] = records;
      const message = (v: Buffer | null) =>
        fields === 'headers' ? text(v) : JSON.parse(v!.toString()).message;
      expect(message(next.value)).toBe('next');
      expect(text(r.key)).toBe('dump.service');
      expect(r.timestamp).toBe(5000);
      const h = (k: string) => text(r.headers.find((x) => x.key === k)?.value ?? null);
      expect(h('logdock.cursor')).toBe('c-huge');
      expect(h('level')).toBe('warning');
      expect(Number(h('logdock.cut'))).toBeGreaterThan(800_000);
      if (fields === 'headers') {
        expect(text(r.value)).toMatch(/^m{50000,}$/);
        expect(h('journal.SMALL')).toBe('kept');
        expect(h('journal.COREDUMP')).toBeUndefined();
      } else {
        const v = JSON.parse(r.value!.toString());
        expect(v.message).toMatch(/^m{10000,}$/);
        expect(v.fields).toMatchObject({ SMALL: 'kept', PRIORITY: '4' });
        expect(v.fields.COREDUMP).toBeUndefined();
      }
    }
  });

  it('stamps an entry without a usable time with the time it was read, and refuses one without a cursor', () => {
    const encoder = new EntryBatchEncoder('s', 'value', 1 << 20);
    const scanner = new ExportScanner();
    scanner.push(Buffer.from('__CURSOR=c\n__REALTIME_TIMESTAMP=soon\nMESSAGE=m\n\n'), (t) =>
      encoder.add(t, NOW),
    );
    expect(encoder.lastCursor()).toBe('c');
    const taken = encoder.take()!;
    const [r] = decodeRecordBatch(taken.batches).records;
    expect(r.timestamp).toBe(NOW);
    expect(JSON.parse(r.value!.toString())).toEqual({ message: 'm', fields: {} });
    expect(() =>
      scanner.push(Buffer.from('MESSAGE=no cursor\n\n'), (t) => encoder.add(t, NOW)),
    ).toThrow(JournalEntryError);
    expect(encoder.take()).toBeNull();
    expect(encoder.lastCursor()).toBeNull();
  });
});
