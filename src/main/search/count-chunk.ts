/**
 * The counting half of `messages.aggregate` (see aggregate.ts), run in a worker thread:
 * tests the records of one read as a scan does (walkChunk) and counts the matches here, so
 * that only the counts travel back, not a copy of every matching record for the main
 * process to parse.
 */
import { createCounter, type Counts, type CountSpec } from './counters';
import { movedBack, walkChunk, type ChunkWalk, type ScanChunkParams } from './scan-chunk';

export interface CountChunkParams extends ScanChunkParams {
  count: CountSpec;
}

export interface CountChunkResult extends ChunkWalk {
  counts: Counts;
  /** The read buffer, given back for the next read. */
  raw: Uint8Array;
}

export function countChunk(p: CountChunkParams): {
  result: CountChunkResult;
  transfer: ArrayBuffer[];
} {
  const counter = createCounter(p.count);
  const walk = walkChunk(p, (record) => {
    counter.add(record, p.partition);
    return counter.matched() < p.limit;
  });
  const result: CountChunkResult = { ...walk, counts: counter.counts(), raw: p.raw };
  return { result, transfer: movedBack(p.raw) };
}
