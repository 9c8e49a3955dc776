/**
 * Compaction's CPU half (storage/compaction-chunk.ts: CRC checks, decompression, decoding,
 * the offset map, re-encoding) on the process's worker threads, so that compacting a big
 * partition never holds the event loop serving the UI, the Kafka listener and the
 * collectors. The chunk read by the main thread and the offset map are SharedArrayBuffers
 * the worker uses in place; a filtered chunk's new bytes are moved back.
 */
import {
  type FilterChunkParams,
  type FilterChunkResult,
  type MapChunkParams,
  type MapChunkResult,
  filterChunk,
  mapChunk,
} from '../storage/compaction-chunk';
import type { CompactionTasks } from '../storage';
import { sharedWorkerPool } from '../workers/pool';

type TaskReply<T> = { result: T; transfer: ArrayBuffer[] };

/** The worker's half of `compaction-map` (cpu-worker.ts). */
export function mapChunkTask(p: MapChunkParams): TaskReply<MapChunkResult> {
  return { result: mapChunk(p), transfer: [] };
}

/** The worker's half of `compaction-filter` (cpu-worker.ts): the new bytes are moved back. */
export function filterChunkTask(p: FilterChunkParams): TaskReply<FilterChunkResult> {
  const result = filterChunk(p);
  return { result, transfer: result.out ? [result.out.buffer as ArrayBuffer] : [] };
}

/** CompactionTasks on the shared worker pool (behind a search's scans when one runs). */
export const offThreadCompaction: CompactionTasks = {
  map: (p) => sharedWorkerPool().run<MapChunkResult>('compaction-map', p),
  filter: (p) => sharedWorkerPool().run<FilterChunkResult>('compaction-filter', p),
};
