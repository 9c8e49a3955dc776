import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { copyIntoShared } from '../../src/main/shared-copy';

const shared = (n: number) => Buffer.from(new SharedArrayBuffer(n));

describe('copyIntoShared', () => {
  it('copies the same bytes as Buffer.copy for every alignment of source and target, staged or not', () => {
    const data = randomBytes(200_000);
    for (const size of [0, 1, 4095, 4096, 70_000, 150_000]) {
      for (let from = 0; from < 8; from++) {
        for (let at = 0; at < 8; at++) {
          const source = data.subarray(from, from + size);
          const target = shared(size + 64).fill(0xee);
          const expected = Buffer.alloc(size + 64, 0xee);
          source.copy(expected, at + 16);
          expect(copyIntoShared(source, target.subarray(at), 16)).toBe(size);
          expect(target.equals(expected), `size ${size} from ${from} at ${at}`).toBe(true);
        }
      }
    }
  });

  it('copies only what fits after the target start, as Buffer.copy does, and into plain memory too', () => {
    const source = randomBytes(100_000);
    const target = shared(60_000);
    expect(copyIntoShared(source.subarray(3), target, 5)).toBe(59_995);
    expect(target.subarray(5).equals(source.subarray(3, 3 + 59_995))).toBe(true);
    expect(copyIntoShared(source, target, 60_000)).toBe(0);
    const plain = Buffer.alloc(10_000);
    expect(copyIntoShared(source.subarray(1), plain, 2)).toBe(9_998);
    expect(plain.subarray(2).equals(source.subarray(1, 9_999))).toBe(true);
  });
});
