import { describe, expect, it } from 'vitest';
import { OFFSET_MAP_SLOT_BYTES, OffsetMap } from '../../../src/main/storage';
import { murmur3x86128 } from '../../../src/main/storage/offset-map';

const key = (i: number) => Buffer.from(`key-${i}`);

describe('OffsetMap', () => {
  it('returns the newest offset put for each key and -1 for an unknown key', () => {
    const map = new OffsetMap(64 * 1024);
    for (let i = 0; i < 1000; i++) expect(map.put(key(i % 100), i)).toBe(true);
    for (let k = 0; k < 100; k++) expect(map.get(key(k))).toBe(900 + k);
    expect(map.get(key(100))).toBe(-1);
    expect(map.size).toBe(100);
  });

  it('refuses new keys beyond 90 % of its slots but still updates the keys it holds', () => {
    const map = new OffsetMap(100 * OFFSET_MAP_SLOT_BYTES);
    expect(map.slots).toBe(97); // the largest prime that fits
    expect(map.capacity).toBe(87);
    for (let i = 0; i < map.capacity; i++) expect(map.put(key(i), i)).toBe(true);
    expect(map.put(key(map.capacity), 1000)).toBe(false);
    expect(map.get(key(map.capacity))).toBe(-1);
    expect(map.put(key(3), 2000)).toBe(true);
    expect(map.get(key(3))).toBe(2000);
    expect(map.size).toBe(map.capacity);
  });

  it('keeps its byte size fixed however many keys go through it', () => {
    const bytes = 1024 * 1024;
    const map = new OffsetMap(bytes);
    const before = map.byteSize;
    expect(before).toBeLessThanOrEqual(bytes);
    expect(before).toBeGreaterThan(bytes - 64 * OFFSET_MAP_SLOT_BYTES);
    let accepted = 0;
    for (let i = 0; i < 200_000; i++) if (map.put(key(i), i)) accepted++;
    expect(accepted).toBe(map.capacity);
    expect(map.byteSize).toBe(before);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.get(key(1))).toBe(-1);
  });

  it('refuses a size too small for a table with INVALID_CONFIG', () => {
    expect(() => new OffsetMap(10)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});

describe('murmur3x86128', () => {
  // Vectors of the reference implementation (PeterScott/murmur3 test.c, h1..h4 as hex).
  it.each([
    ['Hello, world!', 123, '61c9129e5a1aacd7a41621629e37c886'],
    ['Hello, world!', 321, 'd5fbdcb3c26c4193045880c5a7170f0f'],
    ['xxxxxxxxxxxxxxxxxxxxxxxxxxxx', 123, '5e40bab278825a164cf929d31fec6047'],
    ['', 123, 'fedc524526f3e79926f3e79926f3e799'],
  ])('hashes %j with seed %i as the reference does', (text, seed, want) => {
    const out = new Int32Array(4);
    murmur3x86128(Buffer.from(text), seed, out);
    expect([...out].map((w) => (w >>> 0).toString(16).padStart(8, '0')).join('')).toBe(want);
  });
});
