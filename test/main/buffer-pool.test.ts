import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/main/buffer-pool';

describe('BufferPool', () => {
  it('hands a given-back buffer out again, the smallest one that fits', () => {
    const pool = new BufferPool();
    const big = pool.acquire(3_000_000);
    const small = pool.acquire(100_000);
    expect(big.length).toBeGreaterThanOrEqual(3_000_000);
    expect(small.length).toBeGreaterThanOrEqual(100_000);
    pool.release(big);
    pool.release(small);
    expect(pool.acquire(90_000) === small).toBe(true);
    expect(pool.acquire(2_000_000) === big).toBe(true);
    expect(pool.idle).toBe(0);
    pool.release(small);
    expect(pool.acquire(200_000) === small).toBe(false);
  });

  it('keeps no buffer twice, none larger than its limit, and no more idle bytes than its bound', () => {
    const pool = new BufferPool(1 << 20, 2 << 20);
    const a = pool.acquire(1 << 20);
    pool.release(a);
    pool.release(a);
    expect(pool.idle).toBe(1 << 20);
    expect(pool.acquire(1 << 20) === a).toBe(true);
    expect(pool.acquire(1 << 20) === a).toBe(false);

    const huge = pool.acquire(3 << 20);
    expect(huge.length).toBe(3 << 20);
    pool.release(huge);
    expect(pool.idle).toBe(0);

    const bufs = [1, 2, 3].map(() => pool.acquire(1 << 20));
    for (const b of bufs) pool.release(b);
    expect(pool.idle).toBe(2 << 20);
  });

  it('ignores a view of a buffer given back in place of the buffer', () => {
    const pool = new BufferPool();
    const buf = pool.acquire(200_000);
    pool.release(buf.subarray(0, 100_001));
    expect(pool.idle).toBe(0);
  });
});
