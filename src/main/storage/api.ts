/**
 * Public surface of the log storage engine (issue 3), fixed early so that the broker can be
 * built against it. The implementation lives beside this file; the broker is its only
 * direct user. Offsets and timestamps are JS numbers (exact up to 2^53).
 */
import type { LogdockError } from '../../common/errors';

export type CompressionCodec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
export type TimestampType = 'CreateTime' | 'LogAppendTime';
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A record as a producer hands it in. */
export interface RecordInput {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  /** Milliseconds since the epoch; defaults to now. */
  timestamp?: number;
}

/** A record as read back, with its absolute offset and resolved timestamp. */
export interface StoredRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface LogConfig {
  segmentBytes: number; // default 1 GiB
  segmentMs: number; // default 7 days
  retentionMs: number; // -1 = forever; default 7 days
  retentionBytes: number; // -1 = unlimited
  cleanupPolicy: CleanupPolicy;
  deleteRetentionMs: number; // default 1 day
  maxMessageBytes: number; // largest batch accepted, default 1 MiB + overhead as Kafka
  messageTimestampType: TimestampType;
  indexIntervalBytes: number; // default 4096
  /** fsync after this many messages / ms; undefined = leave it to the OS (Kafka's default). */
  flushMessages?: number;
  flushMs?: number;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** Broker time when message.timestamp.type=LogAppendTime, otherwise -1. */
  logAppendTime: number;
  recordCount: number;
}

export interface ReadResult {
  /** Whole RecordBatch v2 batches, byte for byte as stored (the first may start before `offset`). */
  records: Buffer;
  logStartOffset: number;
  /** Log end offset at the time of the read (the high watermark: single replica). */
  highWatermark: number;
  /**
   * Only for a read asked with `callerChecks`: present when the batches were not checked
   * yet, then the caller checks them (check-batches.ts) before using them and reports how
   * that went.
   */
  unchecked?: UncheckedRead;
}

/** Where a segment's batches lie: offsets in [baseOffset, endOffset). */
export interface SegmentBounds {
  baseOffset: number;
  endOffset: number;
}

/** The first bad batch of a buffer: at byte `at` of it, with the offsets its header claims. */
export interface BatchFault {
  at: number;
  /** null when the header itself is unreadable. */
  baseOffset: number | null;
  lastOffset: number | null;
  reason: string;
}

/** How a reader that checks a read's batches itself (ReadOptions.callerChecks) does it. */
export interface UncheckedRead {
  /** Where the batches' offsets must lie (plain data: it can go to a worker thread). */
  bounds: SegmentBounds;
  /** The first `bytes` of the records passed (so they are not checked again). */
  passed(bytes: number): void;
  /**
   * The batch at `fault.at` is bad (the bytes before it passed): reports it as any reader
   * meeting it does and returns the CORRUPT_RECORD error (naming file, position, offsets)
   * to throw once the batches before it are used.
   */
  failed(fault: BatchFault): LogdockError;
}

export interface ReadOptions {
  /**
   * The caller checks the batches itself (a search worker, which reads every byte anyway,
   * so that the CRC pass is not done on the main thread): a range not checked before comes
   * back with `unchecked`. Without it, the read checks them.
   */
  callerChecks?: boolean;
}

export interface SegmentInfo {
  baseOffset: number;
  nextOffset: number;
  sizeBytes: number;
  /** Timestamps of the first and newest records, or null for an empty segment. */
  firstTimestamp: number | null;
  maxTimestamp: number | null;
  active: boolean;
}

export interface RecoveryReport {
  recovered: boolean; // false when the clean-shutdown marker let us skip the scan
  truncatedBytes: number;
  truncatedAt: { segment: string; position: number } | null;
  rebuiltIndexes: string[];
}

/** A batch that failed its checks where a reader or the scrub met it. */
export interface CorruptionFinding {
  /** The segment file (full path). */
  file: string;
  /** Byte position of the batch in it. */
  position: number;
  /** Offsets the batch header claims; null when the header itself is unreadable. */
  baseOffset: number | null;
  lastOffset: number | null;
  /** What is wrong: a CRC mismatch (stored and computed), a bad header field, a bad length. */
  reason: string;
}
