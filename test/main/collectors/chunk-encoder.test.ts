/**
 * The ingest thread's fast path (chunk-encoder.ts) writes the bytes of the general path
 * (LineSplitter + LineBatchEncoder) for every chunk it takes, and leaves the rest to it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineBatchEncoder } from '../../../src/main/collectors/batch-encoder';
import { encodePlainChunk, type PlainChunk } from '../../../src/main/collectors/chunk-encoder';
import { lineTimes } from '../../../src/main/collectors/encode-lines';
import { LineSplitter } from '../../../src/main/collectors/lines';
import type { EventLines } from '../../../src/main/collectors/multiline';
import { fixedHeader } from '../../../src/main/collectors/record';
import { decodeRecordBatch, iterateBatches } from '../../../src/main/storage/record-batch';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const alloc = (n: number) => Buffer.alloc(n);

/** What the general path stores for the chunk. */
function general(p: PlainChunk): Buffer {
  const lines = new LineSplitter('utf8', p.maxLineBytes, p.start).push(
    Buffer.from(p.chunk),
  ) as unknown as EventLines[];
  const key = p.key && Buffer.from(p.key);
  const times = p.timeFromLine ? lineTimes(lines, p.timezone, p.now) : undefined;
  return new LineBatchEncoder(p.fixedHeaders, key).encode(lines, p.now, p.maxBatchBytes, times);
}

function fast(p: PlainChunk): Buffer | null {
  const done = encodePlainChunk(p, alloc, () => {});
  return done && Buffer.from(done.mem.subarray(done.at, done.at + done.bytes));
}

const params = (chunk: Buffer, extra: Partial<PlainChunk> = {}): PlainChunk => ({
  chunk,
  start: 1000,
  maxLineBytes: 1 << 20,
  fixedHeaders: [fixedHeader('logdock.source', 's'), fixedHeader('logdock.file', '/var/log/a.log')],
  key: null,
  now: NOW,
  timeFromLine: true,
  timezone: 'UTC',
  maxBatchBytes: 1 << 20,
  expect: 64,
  ...extra,
});

const lineText = fc.oneof(
  fc.constantFrom(
    '',
    'plain line',
    '2026-12-07T01:02:03.456Z INFO started',
    '2026-12-07 01:02:03,5 WARN x',
    '[2026-12-07T01:02:03+02:00] bracketed',
    'Dec  7 01:02:03 host sshd[1]: syslog form',
    '2026-13-45T99:99:99Z out of range',
    '9999-12-31T23:59:59Z far future',
    'héllo wörld ✓ 日本',
    '2026-12-07T01:02',
  ),
  fc.string({ maxLength: 120 }).map((s) => s.replace(/[\r\n]/g, ' ')),
);

describe('the fast path of a chunk of plain lines', () => {
  it('writes the bytes of the general path: times, CRLF, empty and unicode lines, keys, batch splits, large offsets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(lineText, fc.boolean()), { minLength: 1, maxLength: 80 }),
        fc.constantFrom(1000, 0, 2 ** 31 + 5, 9_999_999_999),
        fc.constantFrom(null, Buffer.alloc(0), Buffer.from('/var/log/a.log')),
        fc.boolean(),
        fc.constantFrom(300, 2000, 1 << 20),
        fc.constantFrom('UTC', 'Europe/Paris'),
        (lines, start, key, timeFromLine, maxBatchBytes, timezone) => {
          const text = lines.map(([l, crlf]) => l + (crlf ? '\r\n' : '\n')).join('');
          const p = params(Buffer.from(text), {
            start,
            key,
            timeFromLine,
            maxBatchBytes,
            timezone,
          });
          const got = fast(p);
          expect(got).not.toBeNull();
          expect(got!.equals(general(p))).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('stores records a consumer decodes, each batch under the limit', () => {
    const text = Array.from(
      { length: 500 },
      (_, i) => `2026-12-07T01:02:03.${i % 1000}Z line ${i}\n`,
    );
    const got = fast(params(Buffer.from(text.join('')), { maxBatchBytes: 4096 }))!;
    const values: string[] = [];
    for (const b of iterateBatches(got)) {
      expect(b.size).toBeLessThanOrEqual(4096);
      const { records } = decodeRecordBatch(got.subarray(b.position, b.position + b.size));
      values.push(...records.map((r) => `${r.value?.toString()}\n`));
    }
    expect(values).toEqual(text);
  });

  it('starts the batches at a multiple of 8 bytes into its buffer, whatever the chunk length', () => {
    // V8 copies them into the shared buffer a word at a time only when aligned alike.
    for (const text of ['a\n', 'ab\n', 'abc\ndefgh\n', '2026-12-07T01:02:03Z x\n'.repeat(7)]) {
      const done = encodePlainChunk(
        params(Buffer.from(text)),
        (n) => Buffer.alloc(n),
        () => {},
      )!;
      expect((done.mem.byteOffset + done.at) % 8).toBe(0);
    }
  });

  it('grows its buffer when the batches are larger than expected', () => {
    const p = params(Buffer.from('a\n'.repeat(5000)), { expect: 16 });
    expect(fast(p)!.equals(general(p))).toBe(true);
  });

  it('leaves invalid UTF-8, a byte-order mark at offset 0 and a line over the limit to the general path', () => {
    expect(fast(params(Buffer.from([0x61, 0xff, 0x62, 0x0a])))).toBeNull();
    expect(fast(params(Buffer.from('\ufeffbom\n'), { start: 0 }))).toBeNull();
    expect(
      fast(params(Buffer.from(`${'x'.repeat(40)}\nshort\n`), { maxLineBytes: 32 })),
    ).toBeNull();
    // Not at offset 0, those bytes are only a character of the line.
    expect(fast(params(Buffer.from('\ufeffbom\n'), { start: 7 }))).not.toBeNull();
  });
});
