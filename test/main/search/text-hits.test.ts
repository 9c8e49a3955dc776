import { describe, expect, it } from 'vitest';
import { compileHitLocator } from '../../../src/main/search/text-hits';

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
    expect(compileHitLocator({ regex: 'x', caseSensitive: false })).toBeNull();
  });
});
