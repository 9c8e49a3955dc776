import { describe, expect, it } from 'vitest';
import { decodeFrame, fuzzDecode, seedCorpus } from '../../../src/main/protocol/fuzz';

describe('request decoding fuzzer (bounded run)', () => {
  it('decodes every seed request of every served API and version', () => {
    for (const frame of seedCorpus()) expect(() => decodeFrame(frame)).not.toThrow();
  });

  it('rejects random bytes and mutated requests only with LogdockErrors', () => {
    const stats = fuzzDecode(30_000, 20261121);
    expect(stats.findings).toEqual([]);
    expect(stats.rejected).toBeGreaterThan(0);
    expect(stats.decoded).toBeGreaterThan(0);
  });
});
