import { describe, expect, it } from 'vitest';
import { compileHitLocator, walkHits } from '../../../src/main/search/text-hits';
import {
  encodeRecordBatch,
  readBatchHeader,
  RECORD_BATCH_OVERHEAD,
} from '../../../src/main/storage/record-batch';

/** Every start of `needle` in `bytes` ignoring ASCII case only, overlapping ones included. */
function expectedStarts(bytes: Buffer, needle: string): number[] {
  const hay = bytes.toString('latin1').replace(/[A-Z]/g, (c) => c.toLowerCase());
  const n = needle.toLowerCase();
  const out: number[] = [];
  for (let i = hay.indexOf(n); i !== -1; i = hay.indexOf(n, i + 1)) out.push(i);
  return out;
}

describe('compileHitLocator', () => {
  const body = [
    'user=u5 GET /a',
    'USER=U5 get /b',
    'User=u5 Get',
    'user=u50 GET',
    'uSeR=U5 gEt',
    'aaaa AAAA aAaA',
    'No-Such-Needle no-such-needle',
    'x=1,y=2 X=1,Y=2',
    'caf\u00e9 \u00c9 K', // latin1 letters: never an ASCII letter's spelling
  ].join('\n');
  const buf = Buffer.from(body, 'latin1');

  it('finds every occurrence ignoring ASCII case, in order, whichever stretch of the needle it searches', () => {
    for (const needle of [
      'USER=U5 get',
      'user=u5',
      'no-such-needle',
      'aaaa',
      'aa',
      'x=1,Y',
      'Get',
      'k',
    ]) {
      const locate = compileHitLocator({ text: needle, caseSensitive: false })!;
      const { starts, length } = locate(buf);
      expect(starts, needle).toEqual(expectedStarts(buf, needle));
      expect(length).toBe(needle.length);
    }
  });

  it('finds occurrences exactly when case matters, and has nothing to say for non-ASCII text ignoring case', () => {
    const locate = compileHitLocator({ text: 'user=u5', caseSensitive: true })!;
    expect(locate(buf).starts).toEqual([0, body.indexOf('user=u50')]);
    expect(compileHitLocator({ text: 'café', caseSensitive: false })).toBeNull();
    expect(compileHitLocator({ key: 'x', caseSensitive: false })).toBeNull();
  });

  it('finds every occurrence while it plans again on later bodies, unlike the first', () => {
    // It plans on the first body, then again every 64 MiB searched: the lines change (as a
    // topic's do): `G`, the rarest byte of the first, is ten to a line later.
    const lines = (from: number, n: number, tail: string) =>
      Array.from(
        { length: n },
        (_, i) => `INFO req=${from + i} user=u${(from + i) % 97} ${i % 50 ? tail : 'GET'}`,
      ).join('\n');
    const early = Buffer.from(lines(0, 40_000, 'PUT'));
    const late = Buffer.from(lines(5_000_000, 40_000, 'GET GGGGGGGG'));
    const locate = compileHitLocator({ text: 'user=u5 GET', caseSensitive: true })!;
    const want = (b: Buffer) => expectedStarts(b, 'user=u5 GET');
    expect(locate(early).starts).toEqual(want(early));
    const wantLate = want(late);
    expect(wantLate.length).toBeGreaterThan(100);
    for (let searched = 0; searched < 80 * 1024 * 1024; searched += late.length)
      expect(locate(late).starts).toEqual(wantLate);
    expect(locate(early).starts).toEqual(want(early));
  });

  it('locates a regex by its longest required literal, except one RE2 may match with non-ASCII letters', () => {
    const locate = compileHitLocator({ regex: 'u[0-9]+ get /[ab]', caseSensitive: false })!;
    expect(locate(buf)).toEqual({ starts: expectedStarts(buf, ' get /'), length: 6 });
    expect(compileHitLocator({ regex: '(?:get)+', caseSensitive: false })).toBeNull();
    expect(compileHitLocator({ regex: 'user=u5', caseSensitive: false })).toBeNull(); // s: LONG S
    expect(compileHitLocator({ regex: 'user=u5', caseSensitive: true })).not.toBeNull();
  });
});

describe('walkHits', () => {
  const records = ['alpha', 'beta needle', 'gamma', 'needle delta', 'needle'].map((v) => ({
    value: Buffer.from(v),
    timestamp: 5,
  }));
  const batch = encodeRecordBatch(records, { baseOffset: 100 });
  const header = readBatchHeader(batch, 0);
  const body = batch.subarray(RECORD_BATCH_OVERHEAD);

  it('visits only the records holding the needle, with their index, offset and end', () => {
    const locate = compileHitLocator({ text: 'NEEDLE', caseSensitive: false })!;
    const seen: [number, number, string, number][] = [];
    walkHits(body, header, locate(body), (i, r, end) => {
      seen.push([i, r.offset, r.value!.toString(), end]);
      return true;
    });
    expect(seen.map((s) => s.slice(0, 3))).toEqual([
      [1, 101, 'beta needle'],
      [3, 103, 'needle delta'],
      [4, 104, 'needle'],
    ]);
    expect(seen[2][3]).toBe(body.length);
  });

  it('steps over records of any length, 8 KiB and 2 MiB ones too', () => {
    const sizes = [10, 9000, 100, 2_100_000, 20];
    const big = sizes.map((n, i) => ({
      value: Buffer.from(`${i === 4 ? 'needle' : 'x'}${'.'.repeat(n)}`),
      timestamp: 5,
    }));
    const b = encodeRecordBatch(big);
    const area = b.subarray(RECORD_BATCH_OVERHEAD);
    const seen: number[] = [];
    walkHits(area, readBatchHeader(b, 0), { starts: [area.length - 27], length: 6 }, (i) => {
      seen.push(i);
      return true;
    });
    expect(seen).toEqual([4]);
  });

  it('fails with CORRUPT_RECORD naming the batch when a length runs outside the records', () => {
    const broken = body.subarray(0, body.length - 2); // the last record cut short
    const hits = { starts: [broken.length - 4], length: 2 };
    expect(() => walkHits(broken, header, hits, () => true)).toThrow(
      expect.objectContaining({
        code: 'CORRUPT_RECORD',
        message: expect.stringContaining('offset 100'),
      }),
    );
  });
});
