import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  PartitionLog,
  encodeRecordBatch,
  iterateBatches,
  offsetAfter,
  readAhead,
  type RawReader,
} from '../../../src/main/storage';
import { makeTempDir, removeDir, smallConfig, value } from './helpers';

let root: string;
let log: PartitionLog;

beforeEach(async () => {
  root = await makeTempDir();
  log = await PartitionLog.open(join(root, 't-0'), smallConfig(), { topic: 't', partition: 0 });
  // 60 batches of 5 records over several 4 KiB segments.
  for (let b = 0; b < 60; b++) {
    const records = Array.from({ length: 5 }, (_, i) => ({
      value: value(b * 5 + i),
      timestamp: 1000 + b * 5 + i,
    }));
    await log.append(encodeRecordBatch(records));
  }
});

afterEach(async () => {
  await log.close();
  await removeDir(root);
});

/** Reads of at most `bytes`, recording the offsets asked for (and buffers passed). */
function recordingReader(
  bytes: number,
  asked: number[],
  into: (Buffer | undefined)[] = [],
): RawReader {
  return async (offset, buffer) => {
    asked.push(offset);
    into.push(buffer);
    return (await log.read(offset, bytes, buffer)).records;
  };
}

function batchOffsets(raw: Buffer): number[] {
  return [...iterateBatches(raw)].map((b) => b.header.baseOffset);
}

describe('readAhead', () => {
  it('yields every batch of a range exactly once, in order, across segments', async () => {
    const asked: number[] = [];
    const seen: number[] = [];
    for await (const { raw } of readAhead(recordingReader(700, asked), 0, 300)) {
      seen.push(...batchOffsets(raw));
    }
    expect(seen).toEqual(Array.from({ length: 60 }, (_, b) => b * 5));
    expect(asked.length).toBeGreaterThan(5);
  });

  it('has the next read in flight before the caller has finished with the current one', async () => {
    const asked: number[] = [];
    const iterator = readAhead(recordingReader(700, asked), 0, 300);
    const first = await iterator.next();
    expect(first.done).toBe(false);
    // The caller holds the first chunk: the read after it has already been issued.
    expect(asked).toEqual([0, offsetAfter(first.value!.raw, 300)]);
    await iterator.return(undefined);
  });

  it('starts at a batch holding the first offset and stops at the end of the range', async () => {
    const seen: number[] = [];
    const asked: number[] = [];
    for await (const { raw, offset } of readAhead(recordingReader(700, asked), 12, 41)) {
      expect(offset).toBeLessThan(41);
      seen.push(...batchOffsets(raw));
    }
    expect(seen[0]).toBe(10); // the batch of offsets 10..14 holds 12
    expect(seen).toContain(40); // the batch holding offset 40 (the last before 41)
    expect(asked.every((o) => o < 41)).toBe(true);
  });

  it('reads into two reused buffers in turn, each chunk intact until the next is asked for', async () => {
    const asked: number[] = [];
    const into: (Buffer | undefined)[] = [];
    const seen: number[] = [];
    const reads = readAhead(recordingReader(700, asked, into), 0, 300, { bufferBytes: 700 });
    for await (const { raw, offset } of reads) {
      // The bytes equal a fresh read of the same offset, although the next read is running.
      expect(raw.equals((await log.read(offset, 700)).records.subarray(0, raw.length))).toBe(true);
      expect(raw.buffer).toBe(into[asked.indexOf(offset)]!.buffer);
      seen.push(...batchOffsets(raw));
    }
    expect(seen).toEqual(Array.from({ length: 60 }, (_, b) => b * 5));
    expect(new Set(into).size).toBe(2);
    expect(into[0]).not.toBe(into[1]);
    expect(into[2]).toBe(into[0]);
  });

  it('reads nothing for an empty range', async () => {
    const asked: number[] = [];
    let chunks = 0;
    for await (const chunk of readAhead(recordingReader(700, asked), 50, 50))
      chunks += chunk.raw.length;
    expect(chunks).toBe(0);
    expect(asked).toEqual([]);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    let chunks = 0;
    for await (const chunk of readAhead(recordingReader(700, []), 0, 300, {
      signal: controller.signal,
    })) {
      expect(chunk.raw.length).toBeGreaterThan(0);
      chunks++;
      controller.abort();
    }
    expect(chunks).toBe(1);
  });

  it('throws a failed read where its chunk is consumed, and ignores one abandoned in flight', async () => {
    const failing: RawReader = async (offset) => {
      if (offset > 0) throw new Error(`read at ${offset} failed`);
      return (await log.read(offset, 700)).records;
    };
    const seen: number[] = [];
    await expect(async () => {
      for await (const { raw } of readAhead(failing, 0, 300)) seen.push(...batchOffsets(raw));
    }).rejects.toThrow(/read at \d+ failed/);
    expect(seen[0]).toBe(0);
    // The caller stops after the first chunk while the failing read is in flight: no
    // unhandled rejection reaches the process (vitest would report it).
    for await (const chunk of readAhead(failing, 0, 300)) {
      expect(chunk.offset).toBe(0);
      break;
    }
  });

  it('stops at a read that brings nothing new instead of asking again forever', async () => {
    const asked: number[] = [];
    const stuck: RawReader = async (offset) => {
      asked.push(offset);
      return (await log.read(0, 100)).records; // always the first batch
    };
    const chunks = [];
    for await (const chunk of readAhead(stuck, 20, 300)) chunks.push(chunk);
    expect(chunks).toEqual([]);
    expect(asked).toEqual([20]);
  });
});

describe('offsetAfter', () => {
  it('returns the offset after the last batch starting before the end', async () => {
    const raw = (await log.read(0, 2000)).records;
    const bases = batchOffsets(raw);
    expect(offsetAfter(raw, 1_000_000)).toBe(bases[bases.length - 1] + 5);
    expect(offsetAfter(raw, 7)).toBe(10); // batch 5..9 starts before 7; 10..14 does not
  });

  it('ignores a batch cut off at the end of the buffer', async () => {
    const raw = (await log.read(0, 2000)).records;
    const bases = batchOffsets(raw);
    expect(offsetAfter(raw.subarray(0, raw.length - 3), 1_000_000)).toBe(bases[bases.length - 1]);
  });
});
