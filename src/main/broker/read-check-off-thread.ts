/**
 * The check of large reads (storage/read-check.ts) on the ingest worker thread. The Kafka
 * listener reads a Fetch's answer into its pooled SharedArrayBuffers: those bytes are
 * checked in place, nothing is copied. Other bytes (a decoded read's own buffer) are copied
 * into reused shared memory for the thread: the copy costs the main thread a fraction of the
 * CRC pass it takes off it (`npm run bench read-check`).
 *
 * Why the ingest thread and not the shared pool: a read waits for its check, and a
 * search's scans keep every thread of the shared pool busy while they run, so a consumer's
 * Fetch would wait behind them; the ingest thread's tasks (checking produced batches,
 * encoding a collector's lines) are each a few milliseconds at most.
 */
import type { BatchFault, ReadCheck, SegmentBounds } from '../storage';
import { checkBatches } from '../storage/check-batches';
import { BufferPool, sharedBuffer } from '../buffer-pool';
import { copyIntoShared } from '../shared-copy';
import { ingestWorkerPool, orInlineIfThreadDied } from '../workers/pool';

export interface ReadCheckParams {
  bytes: Uint8Array;
  bounds: SegmentBounds;
}

interface ReadCheckResult {
  good: number;
  fault: BatchFault | null;
}

/** The worker's half (cpu-worker.ts `check-read`). */
export function checkReadTask(p: ReadCheckParams): {
  result: ReadCheckResult;
  transfer: ArrayBuffer[];
} {
  const buf = Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength);
  const { good, fault } = checkBatches(buf, p.bounds);
  return { result: { good, fault }, transfer: [] };
}

/**
 * Shared memory the bytes of other reads are copied into for the thread: reused, as a fresh
 * megabyte costs more to fault in than its check (buffer-pool.ts).
 */
const scratch = new BufferPool(8 * 1024 * 1024, 16 * 1024 * 1024, sharedBuffer);

/** ReadCheck on the ingest thread (PartitionLogOptions.readCheck). */
export const offThreadReadCheck: ReadCheck = async (buf, bounds) => {
  if (buf.buffer instanceof SharedArrayBuffer) return check(buf, bounds);
  const copy = scratch.acquire(buf.length);
  try {
    copyIntoShared(buf, copy); // a read's batches start anywhere in its buffer
    return await check(copy.subarray(0, buf.length), bounds);
  } finally {
    scratch.release(copy);
  }
};

function check(shared: Buffer, bounds: SegmentBounds): Promise<ReadCheckResult> {
  const bytes = new Uint8Array(shared.buffer, shared.byteOffset, shared.byteLength);
  return orInlineIfThreadDied(
    ingestWorkerPool().run<ReadCheckResult>('check-read', { bytes, bounds }),
    () => checkBatches(shared, bounds),
  );
}
