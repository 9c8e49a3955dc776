import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SearchQuery } from '../../../src/common/api/messages';
import { compileQuery } from '../../../src/main/search/query';
import { encodeRecordBatch } from '../../../src/main/storage/record-batch';
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
      source: h.cluster,
      topic: 'many',
      partitions: null,
      range: { kind: 'all' },
      query: { text: 'needle', caseSensitive: true },
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
      source: h.cluster,
      topic: 'many',
      partitions: [0],
      range: { kind: 'all' },
      query: null,
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
      source: h.cluster,
      topic: 'many',
      partitions: [1],
      range: { kind: 'offsets', from: 4990, to: null },
      query: null,
      signal: new AbortController().signal,
      onMatch: (r) => r.offset < 4995,
      onProgress: () => {},
    });
    expect(outcome).toMatchObject({ reason: 'limit', scanned: 6, matched: 6 });
  });

  it('finds exactly the messages a record-by-record test finds when whole batches are skipped undecoded, compressed or not', async () => {
    await h.broker.createTopic('mixed', { partitions: 1 });
    const values = [
      '{"level":"ERROR","latency_ms":500,"msg":"Disk Full"}',
      '{"level":"\\u0045RROR","latency_ms":900,"msg":"escaped"}',
      '{"level":"INFO","latency_ms":900}',
      'plain text with ÉCHEC inside',
    ];
    for (const codec of ['none', 'gzip', 'zstd'] as const) {
      for (const v of values) {
        const filler = Array.from({ length: 50 }, (_, i) => ({
          value: Buffer.from(`filler ${i}`),
          timestamp: 1,
        }));
        await h.broker.appendBatches('mixed', 0, encodeRecordBatch(filler, { compression: codec }));
        await h.broker.appendBatches(
          'mixed',
          0,
          encodeRecordBatch([{ value: Buffer.from(v), timestamp: 1 }], { compression: codec }),
        );
      }
    }
    const queries: Partial<SearchQuery>[] = [
      { text: 'disk full' },
      { text: 'Disk Full', caseSensitive: true },
      { text: 'échec' },
      { filter: 'level == "ERROR" && latency_ms > 400' },
      { header: { key: 'none' } },
    ];
    for (const q of queries) {
      const query = { caseSensitive: false, ...q } as SearchQuery;
      const found: number[] = [];
      const outcome = await scanRange({
        source: h.cluster,
        topic: 'mixed',
        partitions: null,
        range: { kind: 'all' },
        query,
        signal: new AbortController().signal,
        onMatch: (r) => void found.push(r.offset),
        onProgress: () => {},
      });
      // The same query tested record by record on every decoded record, no batch skipped.
      const match = compileQuery(query);
      const all = await h.cluster.readRecords('mixed', 0, 0, { maxRecords: 10_000 });
      const expected = all.filter((r) => match(r, 0)).map((r) => r.offset);
      expect(found, JSON.stringify(q)).toEqual(expected);
      expect(outcome.scanned).toBe(all.length);
    }
    const errors = await (async () => {
      const found: number[] = [];
      const q = { filter: 'level == "ERROR"', caseSensitive: false } as SearchQuery;
      await scanRange({
        source: h.cluster,
        topic: 'mixed',
        partitions: null,
        range: { kind: 'all' },
        query: q,
        signal: new AbortController().signal,
        onMatch: (r) => void found.push(r.offset),
        onProgress: () => {},
      });
      return found;
    })();
    expect(errors).toHaveLength(6); // plain and \u-escaped, in each of the three codecs
  });

  it('finds a text in keys and values of large batches exactly as a record-by-record test does, not across two records or in a header', async () => {
    await h.broker.createTopic('wide', { partitions: 1 });
    const records = Array.from({ length: 3000 }, (_, i) => ({
      timestamp: 1000 + i,
      key: i % 700 === 3 ? Buffer.from(`key-Needle-${i}`) : null,
      value: Buffer.from(
        i % 500 === 7
          ? `line ${i} with a NEEDLE`
          : i === 1200
            ? 'ends in nee'
            : i === 1201
              ? 'dle starts'
              : `line ${i}`,
      ),
      headers: i === 40 ? [{ key: 'needle', value: Buffer.from('needle') }] : [],
    }));
    // The middle batches lie wholly inside the range: only their records holding the text are decoded.
    for (const codec of ['none', 'zstd', 'none', 'gzip'] as const) {
      await h.broker.appendBatches('wide', 0, encodeRecordBatch(records, { compression: codec }));
    }
    for (const query of [
      { text: 'needle', caseSensitive: false },
      { text: 'Needle', caseSensitive: true },
      { text: 'needle', caseSensitive: false, key: 'key' },
      // A regex is located by its longest literal; one with an s ignoring case is not.
      { regex: 'line [0-9]+ with a needle$', caseSensitive: false },
      { regex: 'e [0-9]+ with a NEEDLE', caseSensitive: true },
      { regex: 'dle starts', caseSensitive: false },
    ] as SearchQuery[]) {
      const found: number[] = [];
      const outcome = await scanRange({
        source: h.cluster,
        topic: 'wide',
        partitions: null,
        range: { kind: 'offsets', from: 5, to: 11_990 },
        query,
        signal: new AbortController().signal,
        onMatch: (r) => void found.push(r.offset),
        onProgress: () => {},
      });
      const match = compileQuery(query);
      const all = await h.cluster.readRecords('wide', 0, 0, { maxRecords: 20_000 });
      expect(all).toHaveLength(12_000);
      const expected = all
        .filter((r) => r.offset >= 5 && r.offset < 11_990 && match(r, 0))
        .map((r) => r.offset);
      expect(found, JSON.stringify(query)).toEqual(expected);
      expect(found.length).toBeGreaterThan(0);
      expect(outcome.scanned).toBe(11_985);
    }
  });

  it('stops inside a batch at the limit, counting the messages scanned up to the last match', async () => {
    await h.broker.createTopic('limited', { partitions: 1 });
    const records = Array.from({ length: 2000 }, (_, i) => ({
      timestamp: 1000 + i,
      value: Buffer.from(i % 300 === 11 ? `hit ${i}` : `line ${i}`),
    }));
    await h.broker.appendBatches('limited', 0, encodeRecordBatch(records));
    const found: number[] = [];
    const outcome = await scanRange({
      source: h.cluster,
      topic: 'limited',
      partitions: null,
      range: { kind: 'all' },
      query: { text: 'HIT', caseSensitive: false },
      limit: 3,
      signal: new AbortController().signal,
      onMatch: (r) => found.push(r.offset) < 3,
      onProgress: () => {},
    });
    expect(found).toEqual([11, 311, 611]);
    expect(outcome).toMatchObject({ reason: 'limit', matched: 3, scanned: 612 });
  });

  it('rejects a range whose end is before its start', async () => {
    await expect(
      scanRange({
        source: h.cluster,
        topic: 'many',
        partitions: null,
        range: { kind: 'offsets', from: 10, to: 5 },
        query: null,
        signal: new AbortController().signal,
        onMatch: () => {},
        onProgress: () => {},
      }),
    ).rejects.toThrow('range: end offset 5 is before start offset 10');
  });
});
