/**
 * The checks of an append (storage/validate-append.ts: CRC-32C, decompression, every record's
 * structure) on a worker thread for large appends, so that a producer's megabyte requests
 * do not hold the event loop that serves the UI and the other clients. Small appends are
 * checked inline: below SMALL_APPEND_BYTES the hop to a thread (a copy of the bytes, two
 * messages) costs about what the checks do.
 *
 * Bytes in a SharedArrayBuffer (the Kafka listener's pooled request buffers) are checked in
 * place: the worker reads the caller's memory, nothing is copied or moved. Other bytes are
 * copied for the worker (the caller's buffer may share its ArrayBuffer with other
 * requests' bytes, which a transfer would take away). Measured under kcat (1 M records of
 * 100 B in 1 MB requests), the copy and its transfer were a third of the listener's main-
 * thread time: a megabyte of fresh memory per request, faulted in, and the garbage
 * collections it drove.
 *
 * The worker answers with the batches' locations; a MaxTimestamp it corrected (sarama 1.22
 * sends -1) shows in a location's header and is written into the caller's buffer here
 * (already there when checked in place), with a new CRC, exactly as the inline check does.
 * A refused append rejects with the same LogdockError code and message as inline
 * (CORRUPT_RECORD, MESSAGE_TOO_LARGE).
 */
import type { LogConfig } from '../storage/api';
import { MAX_TIMESTAMP_OFFSET, writeBatchCrc } from '../storage/record-batch';
import type { BatchLocation } from '../storage/segment';
import { validateClientBatches } from '../storage/validate-append';
import { readInt64, writeInt64 } from '../storage/varint';
import { ingestWorkerPool, orInlineIfThreadDied } from '../workers/pool';

/** Appends smaller than this are checked on the calling thread (measured: bench/loop). */
export const SMALL_APPEND_BYTES = 64 * 1024;

export interface ValidateParams {
  batches: Uint8Array;
  maxMessageBytes: number;
  segmentBytes: number;
  name: string;
}

/** The worker's half (cpu-worker.ts `validate-batches`): the locations of the checked copy. */
export function validateBatchesTask(p: ValidateParams): {
  result: BatchLocation[];
  transfer: ArrayBuffer[];
} {
  const buf = Buffer.from(p.batches.buffer, p.batches.byteOffset, p.batches.byteLength);
  const config = { maxMessageBytes: p.maxMessageBytes, segmentBytes: p.segmentBytes };
  return { result: validateClientBatches(buf, config as LogConfig, p.name), transfer: [] };
}

/**
 * validateClientBatches, on the ingest thread when `batches` is large (PartitionLog.append's
 * `check`). Resolves with the locations once `batches` holds what the inline check would
 * have left in it.
 */
export async function validateClientBatchesOffThread(
  batches: Buffer,
  config: LogConfig,
  name: string,
): Promise<BatchLocation[]> {
  if (batches.length < SMALL_APPEND_BYTES) return validateClientBatches(batches, config, name);
  const shared = batches.buffer instanceof SharedArrayBuffer;
  const params: ValidateParams = {
    // Shared memory is read in place (nothing else writes the request's bytes until its
    // append is done); other memory is copied, as it may hold other requests' bytes.
    batches: shared
      ? new Uint8Array(batches.buffer, batches.byteOffset, batches.byteLength)
      : new Uint8Array(batches),
    maxMessageBytes: config.maxMessageBytes,
    segmentBytes: config.segmentBytes,
    name,
  };
  const moved = shared ? [] : [params.batches.buffer as ArrayBuffer];
  const locations = await orInlineIfThreadDied(
    ingestWorkerPool().run<BatchLocation[]>('validate-batches', params, moved),
    // The caller's bytes: a copy given to the thread was its own, and a thread that died
    // checking in place wrote at most a corrected MaxTimestamp with its CRC (or, killed
    // between the two writes, a CRC that no longer matches, so the append is refused).
    () => validateClientBatches(batches, config, name),
  );
  // The check corrected a MaxTimestamp in its copy (the header says so): do it here too.
  // (In place, it already did: the bytes then hold the header's value.)
  for (const { position, header } of locations) {
    if (readInt64(batches, position + MAX_TIMESTAMP_OFFSET) === header.maxTimestamp) continue;
    writeInt64(batches, position + MAX_TIMESTAMP_OFFSET, header.maxTimestamp);
    writeBatchCrc(batches, position);
  }
  return locations;
}
