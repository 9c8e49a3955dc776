/** The log storage engine's public surface (issue 3). The broker is its direct user. */
export * from './api';
export { defaultLogConfig, validateLogConfig } from './config';
export { locateOwnBatches } from './validate-append';
export {
  PartitionLog,
  type AppendCheck,
  type PartitionLogOptions,
  CLEAN_SHUTDOWN_FILE,
} from './partition-log';
export {
  encodeRecordBatch,
  encodeBatchWithOffsets,
  decodeRecordBatch,
  decodeRecords,
  readBatchHeader,
  iterateBatches,
  batchCrcMatches,
  writeBatchCrc,
  lastOffsetOf,
  RECORD_BATCH_OVERHEAD,
  LOG_OVERHEAD,
  type RecordBatchHeader,
  type EncodeOptions,
  type EncodableRecord,
} from './record-batch';
export {
  compress,
  decompress,
  decompressedLimit,
  xerialFrame,
  CODEC_IDS,
  codecFromId,
} from './compression';
export { readAhead, offsetAfter, type RawReader, type RawChunk } from './read-ahead';
export { segmentFileName } from './segment';
export { LogMaintenance } from './maintenance';
export {
  type CompactionResult,
  type CompactionTasks,
  MAX_INDEX_BYTES,
  inlineCompactionTasks,
} from './compaction';
export { OffsetMap, DEFAULT_OFFSET_MAP_BYTES, OFFSET_MAP_SLOT_BYTES } from './offset-map';
export {
  Scrubber,
  type ScrubReport,
  type ScrubberOptions,
  DEFAULT_SCRUB_BYTES_PER_SECOND,
} from './scrub';
export { OpenFiles, DEFAULT_MAX_OPEN_SEGMENT_FILES } from './open-files';
export {
  type ReadCheck,
  OFF_THREAD_READ_CHECK_BYTES,
  OFF_THREAD_COPIED_READ_CHECK_BYTES,
} from './read-check';
