import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeFrom } from '../../../src/main/storage/partial-decode';
import { encodeRecordBatch } from '../../../src/main/storage/record-batch';
import { openInspectHarness, type InspectHarness } from '../api/inspect-harness';

let h: InspectHarness;
beforeEach(async () => {
  h = await openInspectHarness();
  await h.broker.createTopic('t', { partitions: 1 });
  // Batches of different sizes and codecs, with keys, nulls and headers.
  let n = 0;
  for (const [codec, size] of [
    ['none', 300],
    ['gzip', 1],
    ['zstd', 250],
    ['none', 7],
    ['lz4', 120],
  ] as const) {
    const records = Array.from({ length: size }, () => {
      const i = n++;
      return {
        timestamp: 1000 + i,
        key: i % 3 === 0 ? null : Buffer.from(`k${i}`),
        value: i % 11 === 0 ? null : Buffer.from(`value ${i} `.repeat(1 + (i % 5))),
        headers: i % 4 === 0 ? [{ key: 'h', value: Buffer.from(String(i)) }] : [],
      };
    });
    await h.broker.appendBatches('t', 0, encodeRecordBatch(records, { compression: codec }));
  }
});
afterEach(async () => {
  await h.close();
});

describe('decodeFrom', () => {
  it('decodes exactly what the broker decodes, from any offset, across batches and codecs', async () => {
    for (const from of [0, 1, 150, 299, 300, 301, 450, 551, 557, 600, 677]) {
      for (const count of [1, 3, 100, 1000]) {
        const { records: raw } = await h.broker.read('t', 0, from, 10 * 1024 * 1024);
        const expected = (
          await h.broker.readRecords('t', 0, from, {
            maxRecords: 10_000,
            maxBytes: 10 * 1024 * 1024,
          })
        )
          .filter((r) => r.offset >= from)
          .slice(0, count);
        expect(decodeFrom(raw, from, count), `from ${from}, ${count}`).toEqual(expected);
      }
    }
  });

  it('returns nothing past the end', async () => {
    const { records: raw } = await h.broker.read('t', 0, 0, 1024 * 1024);
    expect(decodeFrom(raw, 10_000, 5)).toEqual([]);
  });
});
