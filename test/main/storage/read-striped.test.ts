import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { LogdockError } from '../../../src/common/errors';
import {
  PartitionLog,
  decodeRecords,
  encodeRecordBatch,
  iterateBatches,
  RECORD_BATCH_OVERHEAD,
} from '../../../src/main/storage';
import {
  readStriped,
  type StripeReader,
  type StripedChunk,
} from '../../../src/main/storage/read-striped';
import { makeTempDir, removeDir, smallConfig, value } from './helpers';

let root: string;
let log: PartitionLog;

beforeEach(async () => {
  root = await makeTempDir();
  log = await PartitionLog.open(join(root, 't-0'), smallConfig(), { topic: 't', partition: 0 });
  // 60 batches of 1 to 9 records (uneven, as a producer's linger makes them), several segments.
  for (let b = 0; b < 60; b++) {
    const records = Array.from({ length: 1 + ((b * 7) % 9) }, (_, i) => ({
      value: value(b * 10 + i),
      timestamp: 1000 + b,
    }));
    await log.append(encodeRecordBatch(records));
  }
});

afterEach(async () => {
  await log.close();
  await removeDir(root);
});

/**
 * Reads of at most `bytes` (or the `maxBytes` asked, if less); counts the reads in flight at
 * once (the most seen in `peak`) and the bytes read (`peak.bytes`).
 */
function reader(bytes: number, peak = { now: 0, max: 0, bytes: 0 }): StripeReader {
  return async (offset, maxBytes = bytes) => {
    peak.now++;
    peak.max = Math.max(peak.max, peak.now);
    await new Promise((resolve) => setTimeout(resolve, 2)); // a network round trip
    try {
      const { records } = await log.read(offset, Math.min(bytes, maxBytes));
      peak.bytes += records.length;
      return records;
    } finally {
      peak.now--;
    }
  };
}

/** The offsets each chunk stands for ([offset, to) of the records in its batches), in order. */
function offsetsOf(chunks: StripedChunk[]): number[] {
  const out: number[] = [];
  for (const c of chunks) {
    for (const { header, position, size } of iterateBatches(c.raw)) {
      const body = c.raw.subarray(position + RECORD_BATCH_OVERHEAD, position + size);
      for (const r of decodeRecords(body, header))
        if (r.offset >= c.offset && r.offset < c.to) out.push(r.offset);
    }
  }
  return out;
}

async function collect(gen: AsyncGenerator<StripedChunk>): Promise<StripedChunk[]> {
  const chunks: StripedChunk[] = [];
  for await (const c of gen) chunks.push(c);
  return chunks;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('readStriped', () => {
  it('covers every offset of a range exactly once, in order, whatever the stripes and reads in flight', async () => {
    const end = log.logEndOffset;
    for (const [from, to] of [
      [0, end],
      [13, 200],
      [7, 8],
      [100, end],
    ]) {
      for (const concurrency of [1, 3, 8]) {
        for (const bytes of [300, 700, 5000]) {
          const chunks = await collect(readStriped(reader(bytes), from, to, { concurrency }));
          expect(
            offsetsOf(chunks),
            `[${from}, ${to}) by ${bytes} B, ${concurrency} at once`,
          ).toEqual(range(from, Math.min(to, end)));
        }
      }
    }
  });

  it('starts and ends every chunk inside the range on a batch boundary', async () => {
    const bases = new Set<number>([log.logEndOffset]);
    for (let at = 0; at < log.logEndOffset;) {
      for (const { header } of iterateBatches((await log.read(at, 1 << 20)).records)) {
        bases.add(header.baseOffset);
        at = header.baseOffset + header.lastOffsetDelta + 1;
      }
    }
    const from = 13;
    const to = 200;
    const chunks = await collect(readStriped(reader(700), from, to, { concurrency: 4 }));
    for (const c of chunks.slice(1)) expect(bases.has(c.offset), `chunk at ${c.offset}`).toBe(true);
    for (const c of chunks.slice(0, -1)) expect(bases.has(c.to), `chunk to ${c.to}`).toBe(true);
    expect(chunks[0].offset).toBe(from);
    expect(chunks[chunks.length - 1].to).toBe(to);
  });

  it('has as many reads in flight as asked, and no more', async () => {
    const peak = { now: 0, max: 0, bytes: 0 };
    await collect(readStriped(reader(300, peak), 0, log.logEndOffset, { concurrency: 3 }));
    expect(peak.max).toBe(3);
  });

  it('reads little more than the bytes of the range: a stripe asks only for what it lacks', async () => {
    // One segment, so that reads end where their byte limit does, on batches of uneven size
    // and large beside a read (a few batches a read, as kcat's are beside a search's), of
    // messages that grow along the partition (a stripe of the first reads' offsets then
    // holds more than a read).
    const dir = join(root, 'one-segment');
    const big = await PartitionLog.open(dir, smallConfig({ segmentBytes: 1 << 20 }), {
      topic: 'big',
      partition: 0,
    });
    try {
      let logBytes = 0;
      for (let b = 0; b < 300; b++) {
        const records = Array.from({ length: 1 + ((b * 7) % 9) }, () => ({
          value: Buffer.alloc(b < 100 ? 40 : 100, b),
          timestamp: 1000 + b,
        }));
        const batch = encodeRecordBatch(records);
        await big.append(batch);
        logBytes += batch.length;
      }
      const read: StripeReader = async (offset, maxBytes = 4000) =>
        (await big.read(offset, Math.min(4000, maxBytes))).records;
      for (const concurrency of [1, 3]) {
        let bytes = 0;
        const counted: StripeReader = async (offset, maxBytes) => {
          const raw = await read(offset, maxBytes);
          bytes += raw.length;
          return raw;
        };
        const chunks = await collect(
          readStriped(counted, 0, big.logEndOffset, { concurrency, readBytes: 4000 }),
        );
        expect(offsetsOf(chunks)).toEqual(range(0, big.logEndOffset));
        expect(bytes, `${concurrency} at once`).toBeLessThan(1.25 * logBytes);
      }
    } finally {
      await big.close();
    }
  });

  it("throws a read's error where its chunk would come, after the chunks before it", async () => {
    const failing: StripeReader = async (offset) => {
      if (offset >= 150) throw new LogdockError('UNAVAILABLE', `read at ${offset} failed`);
      return (await log.read(offset, 700)).records;
    };
    const seen: StripedChunk[] = [];
    const err = await (async () => {
      for await (const c of readStriped(failing, 0, log.logEndOffset, { concurrency: 4 }))
        seen.push(c);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogdockError);
    expect((err as LogdockError).code).toBe('UNAVAILABLE');
    expect(offsetsOf(seen)).toEqual(range(0, offsetsOf(seen).length));
    expect(offsetsOf(seen).length).toBeLessThan(log.logEndOffset);
  });

  it('stops at an empty read (the rest deleted) and when aborted', async () => {
    const shortLog: StripeReader = async (offset) =>
      offset >= 120 ? Buffer.alloc(0) : (await log.read(offset, 700)).records;
    const chunks = await collect(readStriped(shortLog, 0, log.logEndOffset, { concurrency: 2 }));
    const offsets = offsetsOf(chunks);
    expect(offsets).toEqual(range(0, offsets.length));
    expect(offsets.length).toBeLessThan(log.logEndOffset);

    const abort = new AbortController();
    let n = 0;
    for await (const _ of readStriped(reader(300), 0, log.logEndOffset, {
      concurrency: 2,
      signal: abort.signal,
    })) {
      if (++n === 2) abort.abort();
    }
    expect(n).toBe(2);
  });
});
