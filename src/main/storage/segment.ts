/**
 * One segment of a partition log: `<base>.log` (record batches, byte for byte as appended),
 * with its sparse `<base>.index` and `<base>.timeindex`. The base offset is the first offset
 * the segment may hold and names its files (20 digits, zero-padded).
 *
 * Concurrency: one writer (the partition's append chain) calls `append`; any number of
 * readers call `read*`/`find*` concurrently. Readers only look at bytes below `size`, which
 * is advanced after a write has completed, so a reader never sees a partly written batch.
 * Indexes are loaded lazily (opening a partition of many segments reads no index), checked
 * on load, and rebuilt from the log when missing or inconsistent.
 */
import { promises as fs, constants as fsc, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { LogdockError } from '../../common/errors';
import type { CorruptionFinding, UncheckedRead } from './api';
import type { RecordBatchHeader } from './record-batch';
import {
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  batchCrcMatches,
  batchMaxTimestamp,
  firstRecordAtOrAfter,
  hasUnsetMaxTimestamp,
  lastOffsetOf,
  readBatchHeader,
} from './record-batch';
import { OffsetIndex } from './offset-index';
import { TimeIndex } from './time-index';
import type { OpenFile, OpenFiles } from './open-files';
import { VerifiedRanges } from './verified-ranges';
import {
  checkBatch,
  checkBatches,
  offsetsFault,
  type BatchFault,
  type SegmentBounds,
} from './check-batches';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';

/**
 * Appends of at most this many bytes are written on the calling thread (a copy into the page
 * cache, microseconds) instead of through libuv's thread pool, whose hop there and back is
 * the longest step between a small Produce and the waiting consumer's answer when the CPUs
 * are busy: the pool's threads and then the event loop each wait for a core (measured in
 * bench/latency: 15 ms p99 for a 76-byte write through the pool on the loaded 2-core
 * machine, 0.06 ms inline), and the pool's 4 threads are shared with every other file
 * operation of the process (a collector's reads, fsyncs). Larger appends (a collector's
 * batches, a fast producer's) keep the pool: the event loop stays free while they copy.
 */
export const INLINE_WRITE_MAX_BYTES = 64 * 1024;

/** `00000000000000000042` + suffix. */
export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(20, '0') + suffix;
}

/** Settings shared by all segments of a partition (mutated when the config changes). */
export interface SegmentSettings {
  indexIntervalBytes: number;
  /** Called with the file name of every index rebuilt because it was missing or corrupt. */
  onIndexRebuilt: (file: string) => void;
  /** Called for every bad batch a reader or the scrub meets (before the error is thrown). */
  onCorruption?: (finding: CorruptionFinding) => void;
  /** The process's bound on open segment files (see open-files.ts); unbounded without. */
  openFiles?: OpenFiles;
}

/** What a header scan reports for each batch. */
export interface BatchLocation {
  header: RecordBatchHeader;
  position: number;
  size: number;
}

/**
 * Visits a batch of a header walk. `fault` says why its offsets cannot be right (outside the
 * segment, or not above the last offset of the walk's previous in-order batch; see
 * offsetsFault), null when they can; such a batch does not move the walk's previous offset.
 */
type WalkVisit = (
  b: BatchLocation,
  chunk: Buffer,
  chunkStart: number,
  fault: string | null,
) => boolean | void;

interface WalkOptions {
  /** Bytes read at a time (default HEADER_CHUNK). */
  readAhead?: number;
  /** A reader's reusable buffer to read into. */
  into?: Buffer;
  /** Report an invalid header (settings.onCorruption) as well as throwing it. */
  report?: boolean;
  /** The last offset of the batch before the walk's start (-1: none known). */
  prevLast?: number;
  /** The last offset the index entry the walk starts from gives the first batch. */
  entryLast?: number;
}

/** The batch a seek stopped at, with the chunk it read it in. */
interface SeekHit {
  b: BatchLocation;
  chunk: Buffer;
  chunkStart: number;
}

/** Result of validating a segment batch by batch. */
export interface SegmentRecovery {
  validBytes: number;
  truncatedBytes: number;
}

const HEADER_CHUNK = 64 * 1024;
const RECOVERY_CHUNK = 8 * 1024 * 1024;
const SCRUB_CHUNK = 1024 * 1024;

export class LogSegment implements OpenFile {
  readonly logPath: string;
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  /** Bytes of complete batches, visible to readers. */
  size: number;
  /** Offset after the last record (for sealed segments: the next segment's base offset). */
  nextOffset: number;
  /** Largest record timestamp, -1 when unknown or empty (see `summaryLoaded`). */
  maxTimestamp = -1;
  offsetOfMaxTimestamp = -1;
  firstTimestamp: number | null = null;
  /** True once maxTimestamp/firstTimestamp reflect the whole segment. */
  summaryLoaded = false;
  /** Clock value the segment's age is measured from (segment.ms). */
  rollStartMs: number;
  /** Byte ranges whose batches passed their CRC check in this process (see verifyRead). */
  readonly verified = new VerifiedRanges();
  private bytesSinceIndex = 0;
  private fh: FileHandle | null = null;
  private opening: Promise<FileHandle> | null = null;
  private indexesReady: Promise<void> | null = null;
  private refs = 0;
  /** I/O calls using the file handle now (it must not be closed under them). */
  private using = 0;
  private deleted = false;
  private syncedSize = 0;
  private syncing: Promise<void> | null = null;
  private writing: Promise<void> | null = null;
  private rebuilding: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    readonly baseOffset: number,
    size: number,
    private readonly settings: SegmentSettings,
    nowMs: number,
  ) {
    this.logPath = join(dir, segmentFileName(baseOffset, LOG_SUFFIX));
    this.offsetIndex = new OffsetIndex(
      join(dir, segmentFileName(baseOffset, INDEX_SUFFIX)),
      baseOffset,
    );
    this.timeIndex = new TimeIndex(
      join(dir, segmentFileName(baseOffset, TIME_INDEX_SUFFIX)),
      baseOffset,
    );
    this.size = size;
    this.nextOffset = baseOffset;
    this.rollStartMs = nowMs;
  }

  /** Creates the empty files of a new segment (an existing .log is truncated). */
  static async create(
    dir: string,
    baseOffset: number,
    settings: SegmentSettings,
    nowMs: number,
  ): Promise<LogSegment> {
    const seg = new LogSegment(dir, baseOffset, 0, settings, nowMs);
    seg.fh = await fs.open(seg.logPath, fsc.O_RDWR | fsc.O_CREAT | fsc.O_TRUNC);
    settings.openFiles?.touch(seg);
    await seg.offsetIndex.remove();
    await seg.timeIndex.remove();
    seg.indexesReady = Promise.resolve();
    seg.summaryLoaded = true;
    return seg;
  }

  /**
   * The log file handle, opened on first use (sealed segments stay closed until read) and
   * after the open-files bound closed it. Callers that do I/O with it go through `use`.
   */
  async handle(): Promise<FileHandle> {
    if (this.fh) {
      this.settings.openFiles?.touch(this);
      return this.fh;
    }
    if (this.deleted) throw new LogdockError('NOT_FOUND', `segment ${this.logPath} was deleted`);
    this.opening ??= fs.open(this.logPath, fsc.O_RDWR).then((fh) => {
      this.fh = fh;
      this.settings.openFiles?.touch(this);
      return fh;
    });
    return this.opening;
  }

  /** Runs `io` with the handle, which stays open (not closed by the bound) until it ends. */
  private async use<T>(io: (fh: FileHandle) => Promise<T>): Promise<T> {
    this.using++;
    try {
      return await io(await this.handle());
    } finally {
      this.using--;
    }
  }

  /** See OpenFile: closes the handle unless an I/O, a reader or a sync uses it. */
  closeIfIdle(): boolean {
    const fh = this.fh;
    if (!fh || this.using > 0 || this.refs > 0 || this.syncing || this.deleted) return false;
    this.fh = null;
    this.opening = null;
    void fh.close().catch(() => undefined);
    return true;
  }

  /**
   * Reads `length` bytes at `position` (fewer at the end of the file), into `into` when it
   * is large enough (overwriting it; the result is a view of it), else into a new buffer.
   */
  readAt(position: number, length: number, into?: Buffer): Promise<Buffer> {
    return this.use(async (fh) => {
      const buf =
        into !== undefined && into.length >= length
          ? into.subarray(0, length)
          : Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(buf, done, length - done, position + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === length ? buf : buf.subarray(0, done);
    });
  }

  /** Pins the segment against deletion while a reader uses it. Pair with `release`. */
  acquire(): void {
    this.refs++;
  }

  release(): void {
    this.refs--;
    if (this.refs === 0 && this.deleted) void this.closeHandle();
  }

  private corrupt(position: number, what: string): LogdockError {
    return new LogdockError('CORRUPT_RECORD', `${this.logPath} position ${position}: ${what}`);
  }

  /**
   * Walks batch headers in [from, to) as walkHeaders does, passing `visit` each batch's
   * largest timestamp too: the header's, or its records' when the header leaves it unset
   * (sarama 1.22, see hasUnsetMaxTimestamp), from the chunk already read when it holds the
   * whole batch, else from one more read.
   */
  private async scanTimed(
    from: number,
    to: number,
    visit: (b: BatchLocation, maxTimestamp: number, fault: string | null) => boolean | void,
  ): Promise<void> {
    let pos = from;
    let prevLast = -1;
    while (pos < to) {
      let pending: { b: BatchLocation; fault: string | null } | null = null;
      let stopped = false;
      pos = await this.walkHeaders(
        pos,
        to,
        (b, chunk, chunkStart, fault) => {
          const inChunk = b.position + b.size <= chunkStart + chunk.length;
          if (hasUnsetMaxTimestamp(b.header) && !inChunk) {
            pending = { b, fault };
            return true;
          }
          if (fault === null) prevLast = lastOffsetOf(b.header);
          const maxTimestamp = batchMaxTimestamp(chunk, b.position - chunkStart, b.header);
          stopped = visit(b, maxTimestamp, fault) === true;
          return stopped;
        },
        { prevLast },
      );
      if (stopped || pending === null) return;
      const { b, fault } = pending as { b: BatchLocation; fault: string | null };
      const bytes = await this.readAt(b.position, b.size);
      if (fault === null) prevLast = lastOffsetOf(b.header);
      if (visit(b, batchMaxTimestamp(bytes, 0, b.header), fault) === true) return;
      pos = b.position + b.size;
    }
  }

  /**
   * The header walk behind every scan of the log but recovery's: reads [from, to) in chunks
   * of up to `readAhead` bytes (a new chunk when the next header is not wholly in the
   * current one) and passes `visit` each batch with the chunk holding it, so a caller can
   * take the batch's bytes from there, and whether its offsets are in order (the base offset
   * is outside the CRC: a batch whose base offset was lowered on disk would otherwise look
   * like an earlier one and be stepped over). Stops when `visit` returns true; returns the
   * position reached. Throws CORRUPT_RECORD with the file and position on an invalid header,
   * a batch running past `to`, or a first batch that does not end at `entryLast`.
   */
  private async walkHeaders(
    from: number,
    to: number,
    visit: WalkVisit,
    opts: WalkOptions = {},
  ): Promise<number> {
    const { readAhead = HEADER_CHUNK, into, report = false } = opts;
    const fail = (position: number, what: string): LogdockError => {
      if (report) this.settings.onCorruption?.(this.finding(position, headerFault(what)));
      return this.corrupt(position, what);
    };
    const bounds = this.bounds();
    let prevLast = opts.prevLast ?? -1;
    let entryLast = opts.entryLast;
    let pos = from;
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = from;
    while (pos < to) {
      if (pos + RECORD_BATCH_OVERHEAD > chunkStart + chunk.length) {
        chunkStart = pos;
        chunk = await this.readAt(pos, Math.min(readAhead, to - pos), into);
        if (chunk.length < RECORD_BATCH_OVERHEAD) {
          throw fail(pos, `${to - pos} bytes left, too few for a batch header`);
        }
      }
      let header: RecordBatchHeader;
      try {
        header = readBatchHeader(chunk, pos - chunkStart);
      } catch (err) {
        throw fail(pos, (err as Error).message);
      }
      const size = LOG_OVERHEAD + header.batchLength;
      if (pos + size > to) throw fail(pos, `batch of ${size} bytes runs past ${to}`);
      const lastOffset = lastOffsetOf(header);
      if (entryLast !== undefined && lastOffset !== entryLast) {
        // The index entry or the batch is wrong: the caller rebuilds the index and retries.
        const offsets = `${header.baseOffset}..${lastOffset}`;
        throw fail(
          pos,
          `batch (offsets ${offsets}) does not end at ${entryLast} as the index says`,
        );
      }
      entryLast = undefined;
      const fault = offsetsFault(header, bounds, prevLast);
      if (fault === null) prevLast = lastOffset;
      if (visit({ header, position: pos, size }, chunk, chunkStart, fault)) return pos;
      pos += size;
    }
    return pos;
  }

  /** Updates indexes and summary for a batch written at `position` (append or rebuild). */
  private indexBatch(
    position: number,
    size: number,
    lastOffset: number,
    maxTimestamp: number,
    firstTs: number,
  ): void {
    if (this.firstTimestamp === null) this.firstTimestamp = firstTs;
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    if (this.bytesSinceIndex > this.settings.indexIntervalBytes) {
      this.offsetIndex.append(lastOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceIndex = 0;
    }
    this.bytesSinceIndex += size;
    this.nextOffset = lastOffset + 1;
  }

  private resetIndexState(): void {
    this.offsetIndex.clear();
    this.timeIndex.clear();
    this.bytesSinceIndex = 0;
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = -1;
    this.firstTimestamp = null;
    this.nextOffset = this.baseOffset;
  }

  /**
   * Appends complete, already validated batches (`data`, whose batches are listed in
   * `batches` with positions relative to `data`). Single writer only. The bytes become
   * visible to readers when `publish` runs: synchronously with the size update, so that the
   * caller can publish its log end offset in the same step.
   */
  async append(
    data: Buffer,
    batches: BatchLocation[],
    publish: () => void = () => undefined,
  ): Promise<void> {
    // An index rebuild (after a reader found the index bad) must not interleave its entries
    // with ours: wait for it, then mark the write so that a new rebuild waits for us.
    while (this.rebuilding) await this.rebuilding.catch(() => undefined);
    const writing = this.writeAndIndex(data, batches, publish);
    this.writing = writing;
    try {
      await writing;
    } finally {
      if (this.writing === writing) this.writing = null;
    }
  }

  private async writeAndIndex(
    data: Buffer,
    batches: BatchLocation[],
    publish: () => void,
  ): Promise<void> {
    const start = this.size;
    await this.use(async (fh) => {
      let done = 0;
      try {
        const inline = data.length <= INLINE_WRITE_MAX_BYTES;
        while (done < data.length) {
          done += inline
            ? writeSync(fh.fd, data, done, data.length - done, start + done)
            : (await fh.write(data, done, data.length - done, start + done)).bytesWritten;
        }
      } catch (err) {
        // E.g. ENOSPC after a partial write: cut the torn bytes so that the file again ends
        // with a whole batch (if this fails too, recovery will cut them on the next open).
        if (done > 0) await fh.truncate(start).catch(() => undefined);
        throw new LogdockError(
          'IO_ERROR',
          `${this.logPath}: write of ${data.length} bytes at position ${start} failed: ${(err as Error).message}`,
          { cause: err },
        );
      }
    });
    for (const b of batches) {
      const h = b.header;
      const first = h.timestampType === 'LogAppendTime' ? h.maxTimestamp : h.baseTimestamp;
      this.indexBatch(start + b.position, b.size, lastOffsetOf(h), h.maxTimestamp, first);
    }
    // Every batch was CRC-checked before it was written (validate-append.ts).
    this.verified.add(start, start + data.length);
    this.size = start + data.length; // publish to readers
    publish();
  }

  /** Loads the indexes (once); rebuilds them from the log when missing or inconsistent. */
  ensureIndexes(): Promise<void> {
    this.indexesReady ??= this.loadIndexes().catch((err: unknown) => {
      this.indexesReady = null;
      throw err;
    });
    return this.indexesReady;
  }

  private async loadIndexes(): Promise<void> {
    let ok = false;
    try {
      ok =
        (await this.offsetIndex.load(this.size)) &&
        (await this.timeIndex.load(this.nextOffsetBound()));
    } catch (err) {
      if (!(err instanceof LogdockError) || err.code !== 'CORRUPT_INDEX') throw err;
    }
    if (!ok) await this.rebuildIndexes();
  }

  /** Upper bound for offsets in this segment before its tail has been scanned. */
  private nextOffsetBound(): number {
    return this.nextOffset > this.baseOffset ? this.nextOffset : Number.MAX_SAFE_INTEGER;
  }

  /**
   * Rebuilds both indexes from a header scan of the log and rewrites their files. Stops at
   * the first invalid header without truncating (sealed segments are only read). A batch
   * whose offsets are out of order gets no entry (a reader reaching it from the entry
   * before it sees the fault; see seek).
   */
  async rebuildIndexes(report = true): Promise<void> {
    // Exclusive with appends and other rebuilds (see append).
    while (this.writing || this.rebuilding) {
      await (this.writing ?? this.rebuilding)!.catch(() => undefined);
    }
    const rebuilding = this.rebuild(report);
    this.rebuilding = rebuilding;
    try {
      await rebuilding;
    } finally {
      if (this.rebuilding === rebuilding) this.rebuilding = null;
    }
  }

  private async rebuild(report: boolean): Promise<void> {
    const keepNext = this.nextOffset;
    this.resetIndexState();
    try {
      await this.scanTimed(0, this.size, (b, maxTimestamp, fault) => {
        if (fault !== null) {
          this.bytesSinceIndex += b.size;
          return;
        }
        const h = b.header;
        const first = h.timestampType === 'LogAppendTime' ? h.maxTimestamp : h.baseTimestamp;
        this.indexBatch(b.position, b.size, lastOffsetOf(h), maxTimestamp, first);
      });
    } catch (err) {
      if (!(err instanceof LogdockError) || err.code !== 'CORRUPT_RECORD') throw err;
    }
    if (keepNext > this.nextOffset) this.nextOffset = keepNext;
    // A segment compaction replaced: its index file names now belong to its successor.
    if (!this.deleted) {
      await this.offsetIndex.rewrite();
      await this.timeIndex.rewrite();
    }
    this.summaryLoaded = true;
    this.indexesReady = Promise.resolve();
    if (report) {
      this.settings.onIndexRebuilt(segmentFileName(this.baseOffset, INDEX_SUFFIX));
      this.settings.onIndexRebuilt(segmentFileName(this.baseOffset, TIME_INDEX_SUFFIX));
    }
  }

  /**
   * Loads indexes and scans the batches after the last index entry, which yields the next
   * offset, the largest timestamp and the append state. Throws CORRUPT_RECORD when the tail
   * holds an invalid header (the caller then runs `recover`).
   */
  async loadSummary(): Promise<void> {
    if (this.summaryLoaded) return;
    await this.ensureIndexes();
    if (this.summaryLoaded) return;
    const lastEntry = this.timeIndex.last();
    if (lastEntry) {
      this.maxTimestamp = lastEntry.timestamp;
      this.offsetOfMaxTimestamp = lastEntry.offset;
    }
    if (this.size > 0 && this.firstTimestamp === null) {
      const head = await this.readAt(0, RECORD_BATCH_OVERHEAD);
      try {
        const h = readBatchHeader(head, 0);
        this.firstTimestamp =
          h.timestampType === 'LogAppendTime' ? h.maxTimestamp : h.baseTimestamp;
      } catch (err) {
        throw this.corrupt(0, (err as Error).message);
      }
    }
    const from = this.offsetIndex.lastPosition();
    this.bytesSinceIndex = 0;
    await this.scanTimed(from, this.size, (b, maxTimestamp, fault) => {
      // Bytes since the last index entry, counting the batch it points at (as append does).
      this.bytesSinceIndex += b.size;
      if (fault !== null) return; // its offsets are not to be believed (a reader reports it)
      const h = b.header;
      if (maxTimestamp > this.maxTimestamp) {
        this.maxTimestamp = maxTimestamp;
        this.offsetOfMaxTimestamp = lastOffsetOf(h);
      }
      this.nextOffset = Math.max(this.nextOffset, lastOffsetOf(h) + 1);
    });
    this.summaryLoaded = true;
  }

  /**
   * Validates every batch (header, offsets increasing from `expectedOffset`, CRC), truncates
   * the file at the first invalid byte and rebuilds both indexes. Single writer only.
   */
  recover(expectedOffset: number): Promise<SegmentRecovery> {
    return this.use((fh) => this.recoverWith(fh, expectedOffset));
  }

  private async recoverWith(fh: FileHandle, expectedOffset: number): Promise<SegmentRecovery> {
    this.resetIndexState();
    const fileSize = (await fh.stat()).size;
    let pos = 0; // end of the valid prefix
    let next = Math.max(expectedOffset, this.baseOffset);
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = 0;
    while (pos < fileSize) {
      if (fileSize - pos < RECORD_BATCH_OVERHEAD) break;
      if (pos + RECORD_BATCH_OVERHEAD > chunkStart + chunk.length) {
        chunkStart = pos;
        chunk = await this.readAt(pos, Math.min(RECOVERY_CHUNK, fileSize - pos));
      }
      let header: RecordBatchHeader;
      try {
        header = readBatchHeader(chunk, pos - chunkStart);
      } catch {
        break;
      }
      const size = LOG_OVERHEAD + header.batchLength;
      if (header.baseOffset < next || pos + size > fileSize) break;
      if (pos + size > chunkStart + chunk.length) {
        // The batch straddles the chunk (or is larger than it): read from its start.
        chunkStart = pos;
        chunk = await this.readAt(pos, Math.max(size, Math.min(RECOVERY_CHUNK, fileSize - pos)));
      }
      if (!batchCrcMatches(chunk, pos - chunkStart, header.batchLength)) break;
      this.indexRecovered(header, pos, size, batchMaxTimestamp(chunk, pos - chunkStart, header));
      next = lastOffsetOf(header) + 1;
      pos += size;
    }
    const truncatedBytes = fileSize - pos;
    if (truncatedBytes > 0) {
      await fh.truncate(pos);
      await fh.datasync();
    }
    this.size = pos;
    this.verified.clear();
    this.verified.add(0, pos);
    this.syncedSize = Math.min(this.syncedSize, pos);
    if (this.nextOffset < next) this.nextOffset = next;
    await this.offsetIndex.rewrite();
    await this.timeIndex.rewrite();
    this.indexesReady = Promise.resolve();
    this.summaryLoaded = true;
    return { validBytes: pos, truncatedBytes };
  }

  private indexRecovered(
    h: RecordBatchHeader,
    position: number,
    size: number,
    maxTimestamp: number,
  ): void {
    const first = h.timestampType === 'LogAppendTime' ? h.maxTimestamp : h.baseTimestamp;
    this.indexBatch(position, size, lastOffsetOf(h), maxTimestamp, first);
  }

  /**
   * Reads whole batches starting with the first whose last offset is >= `offset`: up to
   * `maxBytes`, but always that whole first batch, within the bytes visible now. One read
   * from the index position usually covers both the scan and the data. Returns null when
   * the segment holds no such batch, else the bytes and the file position they start at.
   * The caller trims a partial batch at the end and checks CRCs (`verifyRead`). Throws
   * CORRUPT_RECORD as `seek` says. With `into` (a reader's reusable buffer) the bytes are
   * read into it, and the answer may stop short of `maxBytes` at its end.
   */
  async readBatchesFrom(
    offset: number,
    maxBytes: number,
    into?: Buffer,
  ): Promise<{ buf: Buffer; firstSize: number; position: number } | null> {
    // The index entry is at most ~index.interval.bytes before the target: reading that
    // much more than asked usually gets the whole answer in one go.
    const readAhead = into ? Math.max(into.length, RECORD_BATCH_OVERHEAD) : maxBytes + HEADER_CHUNK;
    const end = this.size;
    const hit = await this.seek(offset, end, { readAhead, into });
    if (hit === null) return null;
    const { position: pos, size } = hit.b;
    const length = Math.max(size, Math.min(maxBytes, end - pos));
    const at = pos - hit.chunkStart;
    const inChunk = hit.chunk.length - at;
    const found = (buf: Buffer) => ({ buf, firstSize: size, position: pos });
    if (length <= inChunk) return found(hit.chunk.subarray(at, at + length));
    // A reused buffer holds what it holds: a shorter answer beats a second read.
    if (into && size <= inChunk) return found(hit.chunk.subarray(at));
    return found(await this.readAt(pos, length, into));
  }

  /**
   * Finds the first batch in [0, end) whose last offset is >= `offset`, walking headers from
   * the index entry below it; null when there is none. An index entry that does not point
   * at a batch ending at the entry's offset makes it rebuild the index and walk again. A
   * batch whose offsets are out of order (its base offset, outside the CRC, changed on
   * disk) where `offset` may lie — no later in-order batch starts at or below `offset` — is
   * reported (settings.onCorruption) and thrown as CORRUPT_RECORD, like an invalid header
   * reached from a good position; one that `offset` lies beyond is stepped over, so that
   * the rest of the segment stays readable.
   */
  private async seek(offset: number, end: number, opts: WalkOptions): Promise<SeekHit | null> {
    await this.ensureIndexes();
    const entry = this.offsetIndex.entryFor(offset);
    let found: { hit: SeekHit | null; suspect: CorruptionFinding | null };
    try {
      found = await this.seekFrom(offset, end, entry, { ...opts, report: entry === null });
    } catch (err) {
      if (entry === null || !(err instanceof LogdockError) || err.code !== 'CORRUPT_RECORD')
        throw err;
      // The index entry may be what is wrong: rebuild it; then a bad header is the log's.
      await this.rebuildIndexes();
      const again = this.offsetIndex.entryFor(offset);
      found = await this.seekFrom(offset, end, again, { ...opts, report: true });
    }
    if (found.suspect !== null) throw this.reported(found.suspect);
    return found.hit;
  }

  private async seekFrom(
    offset: number,
    end: number,
    entry: { lastOffset: number; position: number } | null,
    opts: WalkOptions,
  ): Promise<{ hit: SeekHit | null; suspect: CorruptionFinding | null }> {
    let hit: SeekHit | null = null;
    let suspect: CorruptionFinding | null = null;
    const visit: WalkVisit = (b, chunk, chunkStart, fault) => {
      const h = b.header;
      if (fault !== null) {
        suspect ??= this.finding(b.position, batchFault(b, fault));
        return false;
      }
      // `offset` lies between the suspect's predecessor and this batch: in the suspect.
      if (suspect !== null && h.baseOffset > offset) return true;
      suspect = null;
      if (lastOffsetOf(h) < offset) return false;
      hit = { b, chunk, chunkStart };
      return true;
    };
    const from = entry?.position ?? 0;
    await this.walkHeaders(from, end, visit, { ...opts, entryLast: entry?.lastOffset });
    return { hit, suspect };
  }

  /**
   * Checks the whole batches in `buf`, read from file position `position`: each batch's
   * CRC, and that its base offset lies in this segment above the previous batch's last
   * offset (the base offset is outside the CRC). A range checked before (see
   * VerifiedRanges) is not checked again. Returns `buf`, or its part before the first bad
   * batch; when the first batch is bad, reports it (settings.onCorruption) and throws
   * CORRUPT_RECORD naming the file, position and the batch's offsets.
   */
  verifyRead(buf: Buffer, position: number): Buffer {
    if (buf.length === 0 || this.verified.covers(position, position + buf.length)) return buf;
    const { good, bad } = this.checkBatches(buf, position);
    this.verified.add(position, position + good);
    if (bad === null) return buf;
    if (good > 0) return buf.subarray(0, good); // the next read starts at the bad batch
    throw this.reported(bad);
  }

  /**
   * Reads the whole segment from disk and checks every batch as `verifyRead` does, whether
   * or not it was checked before, awaiting `pace(bytes)` after each chunk (the scrub's rate
   * limit; it may throw to stop early). Returns the first bad batch (also reported and
   * dropped from the verified ranges, so that readers meet it too), or null.
   */
  async scrub(pace: (bytes: number) => Promise<void>): Promise<CorruptionFinding | null> {
    const end = this.size;
    let pos = 0;
    let prevLast = -1;
    while (pos < end) {
      const chunk = await this.readAt(pos, Math.min(SCRUB_CHUNK, end - pos));
      let { good, bad, lastOffset } = this.checkBatches(chunk, pos, prevLast);
      if (good === 0 && bad === null) {
        // One batch larger than the chunk (or running past the end): read it whole.
        const size = chunk.length >= 12 ? LOG_OVERHEAD + chunk.readInt32BE(8) : end - pos + 1;
        if (size > end - pos) {
          bad = this.finding(pos, headerFault(`batch of ${size} bytes runs past the end (${end})`));
        } else {
          const whole = await this.readAt(pos, size);
          ({ good, bad, lastOffset } = this.checkBatches(whole, pos, prevLast));
        }
      }
      this.verified.add(pos, pos + good);
      if (bad !== null) {
        this.verified.remove(bad.position, Number.MAX_SAFE_INTEGER);
        this.settings.onCorruption?.(bad);
        return bad;
      }
      prevLast = lastOffset;
      pos += good;
      await pace(good);
    }
    return null;
  }

  /**
   * Walks the whole batches in `buf` (read from `position`); stops at the first bad one.
   * `good` is the length of the good prefix, `lastOffset` the last offset in it.
   */
  private checkBatches(
    buf: Buffer,
    position: number,
    prevLast = -1,
  ): { good: number; bad: CorruptionFinding | null; lastOffset: number } {
    const { good, fault, lastOffset } = checkBatches(buf, this.bounds(), prevLast);
    return { good, bad: fault && this.finding(position, fault), lastOffset };
  }

  /** The offsets this segment's batches lie in now (open-ended while it has none). */
  bounds(): SegmentBounds {
    const end = this.nextOffset > this.baseOffset ? this.nextOffset : Number.MAX_SAFE_INTEGER;
    return { baseOffset: this.baseOffset, endOffset: end };
  }

  /**
   * `buf`, read from file position `position`, for a caller that checks its batches itself
   * (checkedBatches, in a worker thread that reads them anyway) instead of `verifyRead`
   * here: null when the range was checked before, else what to check against and where to
   * report the outcome. `failed` does what verifyRead does with a bad batch: reports it
   * (settings.onCorruption) and returns the CORRUPT_RECORD error to throw, after the good
   * batches before it. The first batch's header and offsets are checked here (not its
   * CRC): where the next read starts is taken from them before the caller's check.
   */
  uncheckedRead(buf: Buffer, position: number): UncheckedRead | null {
    if (buf.length === 0 || this.verified.covers(position, position + buf.length)) return null;
    const first = checkBatch(buf, 0, this.bounds(), -1, false);
    if (first?.fault) throw this.reported(this.finding(position, first.fault));
    return {
      bounds: this.bounds(),
      passed: (bytes) => this.verified.add(position, position + bytes),
      failed: (fault) => {
        this.verified.add(position, position + fault.at);
        return this.reported(this.finding(position, fault));
      },
    };
  }

  /** The finding of `fault`, found in bytes read from file position `position`. */
  private finding(position: number, fault: BatchFault): CorruptionFinding {
    return {
      file: this.logPath,
      position: position + fault.at,
      baseOffset: fault.baseOffset,
      lastOffset: fault.lastOffset,
      reason: fault.reason,
    };
  }

  /** Reports a bad batch a reader met (settings.onCorruption) and returns its error. */
  private reported(f: CorruptionFinding): LogdockError {
    this.settings.onCorruption?.(f);
    return this.corruptionError(f);
  }

  private corruptionError(f: CorruptionFinding): LogdockError {
    const offsets = f.baseOffset === null ? '' : ` (offsets ${f.baseOffset}..${f.lastOffset})`;
    return new LogdockError(
      'CORRUPT_RECORD',
      `${f.file} position ${f.position}: batch${offsets} is corrupt: ${f.reason}`,
    );
  }

  /** The first batch whose last offset is >= `offset`, or null; see `seek`. */
  async findBatch(offset: number): Promise<BatchLocation | null> {
    return (await this.seek(offset, this.size, {}))?.b ?? null;
  }

  /**
   * First offset >= `minOffset` in this segment whose record timestamp is >= `timestamp`,
   * or null. Uses the time index to skip older batches, then decodes candidate batches.
   */
  async findTimestamp(timestamp: number, minOffset: number): Promise<number | null> {
    await this.ensureIndexes();
    const startOffset = Math.max(this.timeIndex.lookup(timestamp), minOffset);
    const start = await this.findBatch(startOffset);
    if (!start) return null;
    let pos = start.position;
    const end = this.size;
    while (pos < end) {
      let hit: BatchLocation | null = null;
      await this.scanTimed(pos, end, (b, maxTimestamp, fault) => {
        if (maxTimestamp >= timestamp && lastOffsetOf(b.header) >= minOffset) {
          // Its records' offsets are not to be believed: report it, as a read of it would.
          if (fault !== null) throw this.reported(this.finding(b.position, batchFault(b, fault)));
          hit = b;
          return true;
        }
        return false;
      });
      if (!hit) return null;
      const { position, size } = hit as BatchLocation;
      const found = firstRecordAtOrAfter(await this.readAt(position, size), timestamp, minOffset);
      if (found !== null) return found;
      pos = position + size;
    }
    return null;
  }

  /** Index entries not yet written are written; with `sync`, log and indexes are fsynced. */
  async flush(sync: boolean): Promise<void> {
    if (this.deleted) return; // writing its index now would leave orphan files behind
    const target = this.size;
    await this.offsetIndex.writePending(sync);
    await this.timeIndex.writePending(sync);
    if (sync) await this.syncTo(target);
  }

  /**
   * Resolves once the log's first `target` bytes are on disk (fdatasync). Concurrent callers
   * share one fdatasync: a caller arriving during a sync waits for it and, if its bytes came
   * later, for one more.
   */
  async syncTo(target: number): Promise<void> {
    // A segment deleted by retention or deleteRecords meanwhile has nothing left to sync.
    while (this.syncedSize < target && !this.deleted) {
      if (this.syncing) {
        await this.syncing;
        continue;
      }
      const upTo = this.size;
      this.syncing = this.use(async (fh) => {
        await fh.datasync();
        if (upTo > this.syncedSize) this.syncedSize = upTo;
      }).finally(() => {
        this.syncing = null;
      });
      await this.syncing;
    }
  }

  /** Closes the file handle (the segment can be reopened lazily). */
  async closeHandle(): Promise<void> {
    if (this.syncing) await this.syncing.catch(() => undefined);
    const fh = this.fh ?? (this.opening ? await this.opening.catch(() => null) : null);
    this.fh = null;
    this.opening = null;
    this.settings.openFiles?.closed(this);
    if (fh) await fh.close();
  }

  /**
   * Marks the segment replaced (its files now belong to a successor): the handle is closed
   * once no reader holds it, and it is never reopened.
   */
  async retire(): Promise<void> {
    this.deleted = true;
    if (this.refs === 0) await this.closeHandle();
  }

  /**
   * Removes the segment's files. Readers holding it (acquire) finish on the open handle; it
   * is closed when the last one releases.
   */
  async deleteFiles(): Promise<void> {
    this.deleted = true;
    await fs.rm(this.logPath, { force: true });
    await this.offsetIndex.remove();
    await this.timeIndex.remove();
    if (this.refs === 0) await this.closeHandle();
  }
}

/** The fault `reason` of batch `b`, at the position reported. */
function batchFault(b: BatchLocation, reason: string): BatchFault {
  return { at: 0, baseOffset: b.header.baseOffset, lastOffset: lastOffsetOf(b.header), reason };
}

/** A fault found before any batch header was read: at the position reported. */
function headerFault(reason: string): BatchFault {
  return { at: 0, baseOffset: null, lastOffset: null, reason };
}
