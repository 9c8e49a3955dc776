/**
 * The reading state of one file of a file source: its open handle, identity, splitter,
 * multi-line joiner, committed position (first byte not yet produced) and counters.
 * FileWatcher drives it; this module only holds state and small helpers.
 */
import type { FileHandle } from 'node:fs/promises';
import type { RecordHeader } from '../storage/api';
import type { LineBatchEncoder } from './batch-encoder';
import type { Fingerprint } from './identity';
import { sampleLineRate, type LineRate } from './line-rate';
import type { LineSplitter } from './lines';
import type { MultilineJoiner } from './multiline';
import type { FileStats } from './status';

export class TrackedFile {
  fh: FileHandle | null = null;
  fpBytes: Buffer = Buffer.alloc(0);
  fp: Fingerprint = { length: 0, hash: '' };
  /** First byte not yet produced: what a restart resumes from. */
  committed: number;
  /** Largest size seen, to report bytes lost to a truncation. */
  size = 0;
  /** Last modification time seen, to read a rotated family oldest first. */
  mtimeMs = 0;
  /** Set once the path no longer leads to this file: drain, then let go. */
  rotated = false;
  /** When the file last grew (by the source's clock). */
  lastGrowth: number;
  lastError: string | null = null;
  /** When a pump last read the file to its end (by the source's clock); 0 before. */
  pumpedAt = 0;
  fixedHeaders: RecordHeader[] = [];
  /** Batch bytes per line byte of the last chunk encoded off-thread, to size the next's buffer. */
  batchRatio = 3;
  /** Fast-path encoder for this file's headers; rebuilt when they change. */
  encoder: LineBatchEncoder | null = null;
  pathKey: Buffer;
  stats: FileStats = {
    lines: 0,
    linesCut: 0,
    parseErrors: 0,
    invalidBytes: 0,
    truncations: 0,
    missedBytes: 0,
  };
  rate: LineRate;

  constructor(
    readonly key: string,
    public path: string,
    readonly dev: number,
    readonly ino: number,
    public splitter: LineSplitter,
    public joiner: MultilineJoiner | null,
    readonly partition: number | undefined,
    position: number,
    now: number,
  ) {
    this.committed = position;
    this.lastGrowth = now;
    this.rate = { at: now, lines: 0, perSec: 0 };
    this.pathKey = Buffer.from(path);
  }

  /** Where the next read starts. */
  get readPos(): number {
    return this.splitter.expected;
  }

  /** First byte of an unfinished line or open multi-line event. */
  pendingStart(): number {
    const j = this.joiner?.pendingStart ?? null;
    return j === null ? this.splitter.pendingStart : Math.min(j, this.splitter.pendingStart);
  }

  sampleRate(now: number): void {
    sampleLineRate(this.rate, this.stats.lines, now);
  }
}
