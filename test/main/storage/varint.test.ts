import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  readInt64,
  readVarlong,
  varlongSize,
  writeInt64,
  writeVarlong,
} from '../../../src/main/storage/varint';

describe('varint', () => {
  it('round-trips every integer within ±2^52 through zig-zag varlong encoding', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 52) + 1, max: 2 ** 52 - 1 }), (n) => {
        const buf = Buffer.alloc(10);
        const end = writeVarlong(buf, 0, n);
        expect(end).toBe(varlongSize(n));
        const cursor = { pos: 0, end };
        expect(readVarlong(buf, cursor, 'test')).toBe(n);
        expect(cursor.pos).toBe(end);
      }),
    );
  });

  it('round-trips values at every byte-length boundary', () => {
    const edges = [
      0,
      63,
      64,
      8191,
      8192,
      2 ** 20 - 1,
      2 ** 20,
      2 ** 27,
      2 ** 31,
      2 ** 35,
      2 ** 52 - 1,
    ];
    for (const magnitude of edges) {
      for (const n of [magnitude, -magnitude - 1, ...(magnitude > 0 ? [-magnitude] : [])]) {
        const buf = Buffer.alloc(10);
        const end = writeVarlong(buf, 0, n);
        const cursor = { pos: 0, end };
        expect(readVarlong(buf, cursor, 'edge')).toBe(n);
        expect(cursor.pos).toBe(end);
      }
    }
  });

  it('encodes small values as protobuf zig-zag does', () => {
    const buf = Buffer.alloc(10);
    expect(buf.subarray(0, writeVarlong(buf, 0, -1)).toString('hex')).toBe('01');
    expect(buf.subarray(0, writeVarlong(buf, 0, 1)).toString('hex')).toBe('02');
    expect(buf.subarray(0, writeVarlong(buf, 0, 300)).toString('hex')).toBe('d804');
  });

  it('refuses a varint that runs past the end', () => {
    const buf = Buffer.from([0x80, 0x80]);
    expect(() => readVarlong(buf, { pos: 0, end: 2 }, 'key length')).toThrow(
      /truncated varint in key length/,
    );
  });

  it('refuses a varint longer than ten bytes', () => {
    const buf = Buffer.alloc(12, 0xff);
    expect(() => readVarlong(buf, { pos: 0, end: 12 }, 'x')).toThrow(/longer than 10 bytes/);
  });

  it('round-trips signed 64-bit integers within the safe range', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const buf = Buffer.alloc(8);
        writeInt64(buf, 0, n);
        expect(buf.readBigInt64BE(0)).toBe(BigInt(n));
        expect(readInt64(buf, 0)).toBe(n);
      }),
    );
  });
});
