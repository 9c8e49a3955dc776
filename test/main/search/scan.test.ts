import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileQuery } from '../../../src/main/search/query';
import { scanRange, type ProgressFigures } from '../../../src/main/search/scan';
import { fill, openInspectHarness, type InspectHarness } from '../api/inspect-harness';

let h: InspectHarness;
beforeEach(async () => {
  h = await openInspectHarness();
  await h.broker.createTopic('many', { partitions: 2 });
  for (const p of [0, 1]) {
    await fill(
      h.broker,
      'many',
      p,
      Array.from({ length: 5000 }, (_, i) => ({
        timestamp: 1000 + i,
        value: `p${p} line ${i} ${i % 100 === 0 ? 'needle' : 'hay'}`,
      })),
    );
  }
});
afterEach(async () => {
  await h.close();
});

describe('scanRange', () => {
  it('finds every match in offset order, partition by partition, and reports full progress', async () => {
    const found: string[] = [];
    const progress: ProgressFigures[] = [];
    const outcome = await scanRange({
      source: h.broker,
      topic: 'many',
      partitions: null,
      range: { kind: 'all' },
      matcher: compileQuery({ text: 'needle', caseSensitive: true }),
      signal: new AbortController().signal,
      onMatch: (r, p) => void found.push(`${p}:${r.offset}`),
      onProgress: (f) => progress.push(f),
      progressIntervalMs: 0,
    });
    expect(outcome).toMatchObject({ reason: 'complete', scanned: 10_000, matched: 100 });
    expect(found.slice(0, 3)).toEqual(['0:0', '0:100', '0:200']);
    expect(found[50]).toBe('1:0');
    const last = progress[progress.length - 1];
    expect(last).toMatchObject({ scanned: 10_000, total: 10_000, matched: 100 });
    expect(last.scannedBytes).toBeGreaterThan(10_000 * 15);
    expect(progress.map((p) => p.scanned)).toEqual(
      [...progress.map((p) => p.scanned)].sort((a, b) => a - b),
    );
  });

  it('stops at the next message once cancelled', async () => {
    const abort = new AbortController();
    let matches = 0;
    const outcome = await scanRange({
      source: h.broker,
      topic: 'many',
      partitions: [0],
      range: { kind: 'all' },
      matcher: null,
      signal: abort.signal,
      onMatch: () => {
        if (++matches === 10) abort.abort();
      },
      onProgress: () => {},
    });
    expect(outcome).toMatchObject({ reason: 'cancelled', matched: 10, scanned: 10 });
  });

  it('stops when the match callback says the limit is reached', async () => {
    const outcome = await scanRange({
      source: h.broker,
      topic: 'many',
      partitions: [1],
      range: { kind: 'offsets', from: 4990, to: null },
      matcher: null,
      signal: new AbortController().signal,
      onMatch: (r) => r.offset < 4995,
      onProgress: () => {},
    });
    expect(outcome).toMatchObject({ reason: 'limit', scanned: 6, matched: 6 });
  });

  it('rejects a range whose end is before its start', async () => {
    await expect(
      scanRange({
        source: h.broker,
        topic: 'many',
        partitions: null,
        range: { kind: 'offsets', from: 10, to: 5 },
        matcher: null,
        signal: new AbortController().signal,
        onMatch: () => {},
        onProgress: () => {},
      }),
    ).rejects.toThrow('range: end offset 5 is before start offset 10');
  });
});
