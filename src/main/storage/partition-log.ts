/**
 * The log of one partition: a directory of segments (see segment.ts and docs/storage.md),
 * the log start offset (persisted in `partition.meta`), the log end offset, flush policy,
 * retention, deleteRecords and compaction. Opening and recovery are log-loader.ts's.
 *
 * Concurrency: appends, flushes and rolls run one at a time on an internal promise chain
 * (one writer); reads run concurrently with them and see only batches whose write has
 * completed. Retention, deleteRecords and compaction run one at a time on a second chain
 * and never wait for appends or block reads.
 */
import { promises as fs } from 'node:fs';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { basename, join } from 'node:path';
import { LogdockError } from '../../common/errors';
import type {
  AppendResult,
  CompressionCodec,
  CorruptionFinding,
  LogConfig,
  ReadOptions,
  ReadResult,
  RecordInput,
  RecoveryReport,
  SegmentInfo,
  StoredRecord,
} from './api';
import { syncDir, writeMeta } from './partition-meta';
import { validateLogConfig } from './config';
import {
  type CompactionResult,
  type CompactionTasks,
  type SwapStep,
  compactLog,
} from './compaction';
import { unlessNoSpace } from './no-space';
import type { OpenFiles } from './open-files';
import { DEFAULT_OFFSET_MAP_BYTES } from './offset-map';
import {
  CLEAN_SHUTDOWN_FILE,
  type LoadedLog,
  bytesToRecover,
  loadLog,
  recoverLog,
} from './log-loader';
import { Semaphore } from '../../common/semaphore';
import { LoadQueue, type QueuedLoad } from './load-queue';
import { RecentAppends } from './recent-append';
import { validateClientBatches } from './validate-append';
import {
  ATTRIBUTES_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  LOG_OVERHEAD,
  encodeRecordBatch,
  iterateBatches,
  lastOffsetOf,
  writeBatchCrc,
} from './record-batch';
import { decodeFrom } from './partial-decode';
import { type ReadCheck, checkRead } from './read-check';
import { type BatchLocation, LogSegment, type SegmentSettings } from './segment';
import { writeInt64 } from './varint';

export { CLEAN_SHUTDOWN_FILE } from './log-loader';

/**
 * Checks an append's batches as validateClientBatches does (same errors, same in-place
 * MaxTimestamp fixes) and resolves with their locations; see PartitionLog.append.
 */
export type AppendCheck = (
  batches: Buffer,
  config: LogConfig,
  name: string,
) => Promise<BatchLocation[]>;

export interface PartitionLogOptions {
  clock?: () => number;
  topic?: string;
  partition?: number;
  /**
   * Bytes of the key → offset map compaction uses (Kafka's log.cleaner.dedupe.buffer.size,
   * default 16 MiB, ~629 000 distinct keys per pass). One map serves every log of the
   * process, passes run one at a time; a dirty range with more keys is cleaned over several
   * passes.
   */
  offsetMapBytes?: number;
  /**
   * Where compaction checks, decodes and filters batches (see compaction.ts): the broker
   * gives worker threads; inline on the calling thread when absent.
   */
  compactionTasks?: CompactionTasks;
  /** Test seam: called at each step of a compaction swap (a throw simulates a crash there). */
  compactionStep?: (step: SwapStep) => void | Promise<void>;
  /**
   * Called for every corrupt batch a read or the scrub meets, before the reader gets
   * CORRUPT_RECORD (the owner logs it and shows it in the UI).
   */
  onCorruption?: (finding: CorruptionFinding) => void;
  /** The bound on open segment files shared by the process's logs (open-files.ts). */
  openFiles?: OpenFiles;
  /**
   * Where large reads check their batches (read-check.ts): the broker gives a worker
   * thread; inline on the calling thread when absent.
   */
  readCheck?: ReadCheck;
  /**
   * Return from open() before a needed recovery scan is done (the broker's choice): the log
   * recovers in the background, `recovering` is true meanwhile, and reads, appends and
   * maintenance wait for it. Default false: open() returns a recovered log.
   */
  recoverInBackground?: boolean;
  /**
   * Return from open() at once and load the directory later, in the background (the
   * broker's choice at startup, for thousands of partitions): `loading` is true meanwhile,
   * the offsets and sizes read 0, and reads, appends and `whenRecovered` wait for the load,
   * which they start at once if it still waits its turn in the queue (at most
   * BACKGROUND_LOADS at once). Implies recoverInBackground.
   */
  loadInBackground?: boolean;
  /**
   * Test seam: with loadInBackground, a pause before the load (holding its place among the
   * BACKGROUND_LOADS), cut short when the log is needed, so that a test can watch the
   * process serve while partitions load (LOGDOCK_TEST_LOAD_DELAY_MS in services.ts).
   */
  loadDelayMs?: number;
  /**
   * Test seam: awaited before each recovery scan (before it waits for a scan slot), so that
   * a test can watch the process serve while partitions recover, for as long as it
   * needs however slow the machine, and then let them go (LOGDOCK_TEST_RECOVERY_GATE in
   * services.ts). Given the log's `topic-partition`.
   */
  recoveryGate?: (name: string) => Promise<void>;
}

/**
 * Large recovery scans running at once in the process: each reads its segments through, so
 * more would only share the disk; the others wait their turn (their partitions wait with
 * them). Scans under SMALL_SCAN_BYTES take no slot: they are over in milliseconds, and
 * queueing them behind gigabytes would keep small partitions (a collector's topic, the
 * group offsets) unavailable for nothing.
 */
const recoverySlots = new Semaphore(2);
const SMALL_SCAN_BYTES = 8 * 1024 * 1024;
/** readRecords of at most this many records is a lookup: it reads LOOKUP_READ_BYTES. */
const LOOKUP_RECORDS = 16;
const LOOKUP_READ_BYTES = 64 * 1024;

/**
 * Partition logs loading in the background at once (loadInBackground): each is a dozen
 * small file reads and stats, so a few more than libuv's four threads keep the disk busy
 * without flooding the event loop that serves the listeners meanwhile.
 */
const BACKGROUND_LOADS = 16;
const backgroundLoads = new LoadQueue(BACKGROUND_LOADS);

export class PartitionLog {
  private segs: LogSegment[] = [];
  /** The last small appends, in memory: a consumer at or near the end reads them from here. */
  private readonly tail = new RecentAppends();
  private chain: Promise<unknown> = Promise.resolve();
  private maintenanceChain: Promise<unknown> = Promise.resolve();
  private metaChain: Promise<unknown> = Promise.resolve();
  private backgroundFlush: Promise<unknown> = Promise.resolve();
  private summaries: Promise<void> = Promise.resolve();
  private summariesStarted = false;
  /**
   * Resolves once the log is loaded and its recovery scan done (at once when neither is
   * pending); rejects when either failed.
   */
  private recovered: Promise<void> = Promise.resolve();
  /** The recovery scan load() started, or a resolved promise when none was needed. */
  private scan: Promise<void> = Promise.resolve();
  private recoveringNow = false;
  /** Resolves once the directory is loaded (loadInBackground), before any recovery scan. */
  private loaded: Promise<void> = Promise.resolve();
  /** The background load while it waits or runs (loadInBackground). */
  private queuedLoad: QueuedLoad | null = null;
  /** Ends the test seam's pause before the background load (loadDelayMs). */
  private needed: (() => void) | null = null;
  /** The clean-shutdown marker is on disk: removed before the first change (markChanged). */
  private cleanMarker = false;
  private startOffset = 0;
  private endOffset = 0;
  private recoveryPoint = 0;
  private unflushedMessages = 0;
  private readonly listeners = new Set<(baseOffset: number, lastOffset: number) => void>();
  private flushTimer: NodeJS.Timeout | null = null;
  /** Active segment and clock when compaction last ran (to skip passes with nothing new). */
  private lastCompaction: { active: LogSegment | null; at: number } = { active: null, at: 0 };
  /**
   * Offsets below this were cleaned by a compaction pass (Kafka's cleaner checkpoint),
   * persisted in partition.meta after each pass; a smaller value is always safe (more is
   * treated as dirty), a larger one never happens.
   */
  private firstDirtyOffset = 0;
  private closing: Promise<void> | null = null;
  private readonly settings: SegmentSettings;
  private readonly clock: () => number;
  private readonly offsetMapBytes: number;
  private readonly recoveryGate: ((name: string) => Promise<void>) | undefined;
  private readonly compactionStep: PartitionLogOptions['compactionStep'];
  private readonly compactionTasks: CompactionTasks | undefined;
  private readonly readCheck: ReadCheck | undefined;
  /** `topic-partition` (or the directory name) for messages. */
  readonly name: string;

  private constructor(
    readonly dir: string,
    private config: LogConfig,
    opts: PartitionLogOptions,
    readonly recovery: RecoveryReport,
  ) {
    this.clock = opts.clock ?? Date.now;
    this.offsetMapBytes = opts.offsetMapBytes ?? DEFAULT_OFFSET_MAP_BYTES;
    this.recoveryGate = opts.recoveryGate;
    this.compactionStep = opts.compactionStep;
    this.compactionTasks = opts.compactionTasks;
    this.readCheck = opts.readCheck;
    this.name = opts.topic !== undefined ? `${opts.topic}-${opts.partition ?? 0}` : basename(dir);
    this.settings = {
      indexIntervalBytes: config.indexIntervalBytes,
      onIndexRebuilt: (file) => {
        if (!recovery.rebuiltIndexes.includes(file)) recovery.rebuiltIndexes.push(file);
      },
      onCorruption: opts.onCorruption,
      openFiles: opts.openFiles,
    };
  }

  /**
   * Opens (creating if needed) the partition log in `dir` and recovers it: without a
   * clean-shutdown marker, every segment from the one holding the recovery point on is
   * validated batch by batch and truncated at the first invalid byte (later segments are
   * deleted); indexes found missing or corrupt are rebuilt. Throws INVALID_CONFIG for a bad
   * config, IO_ERROR-like Node errors for unreadable directories.
   */
  static async open(
    dir: string,
    config: LogConfig,
    opts: PartitionLogOptions = {},
  ): Promise<PartitionLog> {
    validateLogConfig(config);
    const report: RecoveryReport = {
      recovered: false,
      truncatedBytes: 0,
      truncatedAt: null,
      rebuiltIndexes: [],
    };
    const log = new PartitionLog(dir, config, opts, report);
    if (opts.loadInBackground) {
      log.loadLater(opts.loadDelayMs ?? 0);
      return log;
    }
    await log.load();
    log.recovered = log.scan;
    if (!opts.recoverInBackground) await log.recovered;
    return log;
  }

  /** Queues the load (see loadInBackground); what waits for `recovered` waits for it. */
  private loadLater(delayMs: number): void {
    const needed = new Promise<void>((resolve) => (this.needed = resolve));
    const queued = backgroundLoads.schedule(this.name, async () => {
      if (delayMs > 0) await Promise.race([sleep(delayMs, undefined, { ref: false }), needed]);
      try {
        await this.load();
      } catch (err) {
        if (err instanceof LogdockError) throw err;
        // Its reads and appends fail with this: it names the partition and the directory.
        throw new LogdockError(
          'IO_ERROR',
          `cannot load partition ${this.name} from ${this.dir}: ${(err as Error).message}`,
        );
      }
    });
    this.queuedLoad = queued;
    this.loaded = queued.done.finally(() => (this.queuedLoad = null));
    // Appends and reads wait for the load too; a failed load fails them (enqueue's gate).
    this.recovered = this.loaded.then(() => this.scan);
    this.recovered.catch(() => undefined);
  }

  /** True until the background load is done (loadInBackground); see whenLoaded. */
  get loading(): boolean {
    return this.queuedLoad !== null;
  }

  /**
   * Resolves once the directory is loaded (at once unless loadInBackground): the offsets
   * and sizes are then known, or lower bounds while `recovering`. Rejects when it failed.
   */
  whenLoaded(): Promise<void> {
    return this.loaded;
  }

  /** As whenLoaded, starting a load still waiting its turn at once (someone asked for it). */
  loadNow(): Promise<void> {
    this.hurry();
    return this.loaded;
  }

  /** Someone needs the log now: a load still waiting its turn starts at once. */
  private hurry(): void {
    this.needed?.();
    this.queuedLoad?.hurry();
  }

  /**
   * Loads the directory (log-loader.ts), then starts the flush timer and summaries. A log
   * that needs recovery opens at once and recovers in the background: reads, appends and
   * maintenance wait for it (`recovered`), and the end offset until then is the recovery
   * point.
   */
  private async load(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const loaded = await loadLog(this.dir, this.settings, this.recovery, this.clock());
    this.segs = loaded.segments;
    this.cleanMarker = loaded.cleanMarker;
    this.adopt(loaded);
    if (loaded.recovery) {
      this.recoveringNow = true;
      // Appends and reads wait for it (`recovered`); a failed scan fails them too.
      this.scan = this.recoverInBackground(loaded).finally(() => {
        this.recoveringNow = false;
      });
      this.scan.catch(() => undefined); // handled by whoever waits for `recovered`
    } else if (loaded.metaStale) {
      // On a full disk the log opens anyway (reads work; appends fail until space returns).
      await this.persistMeta({ optional: true });
    }
    this.startFlushTimer();
  }

  private adopt(loaded: LoadedLog): void {
    this.startOffset = loaded.logStartOffset;
    this.endOffset = loaded.logEndOffset;
    this.recoveryPoint = loaded.recoveryPoint;
    this.firstDirtyOffset = loaded.cleanerPoint;
  }

  private async recoverInBackground(loaded: LoadedLog): Promise<void> {
    // The test seam holds a scan before it takes a slot: a held partition must never keep
    // another (one the start waits for, as __consumer_offsets) from its scan.
    await this.recoveryGate?.(this.name);
    const slot = bytesToRecover(loaded) >= SMALL_SCAN_BYTES;
    if (slot) await recoverySlots.acquire();
    try {
      await recoverLog(loaded, this.settings, this.recovery, this.clock());
      this.tail.clear();
      this.segs = loaded.segments;
      this.adopt(loaded);
      await this.persistMeta({ optional: true });
    } finally {
      if (slot) recoverySlots.release();
    }
  }

  /** True while the background recovery scan runs or waits its turn. */
  get recovering(): boolean {
    return this.recoveringNow;
  }

  /**
   * Resolves once loaded and recovered (starting a queued background load at once);
   * rejects when either failed (the log then serves nothing).
   */
  whenRecovered(): Promise<void> {
    this.hurry();
    return this.recovered;
  }

  /**
   * Removes the clean-shutdown marker before the first change to the log's files since it
   * was opened: from then on a crash makes the next open recover. A log nobody changes keeps
   * it, so it needs no recovery after a crash (only what was written is scanned).
   */
  private async markChanged(): Promise<void> {
    if (!this.cleanMarker) return;
    await fs.rm(join(this.dir, CLEAN_SHUTDOWN_FILE), { force: true });
    await syncDir(this.dir);
    this.cleanMarker = false;
  }

  /**
   * Loads timestamps of sealed segments in the background, once, when segments() is first
   * asked: not on open, where thousands of partitions would read every index file at once
   * (and keep them in memory) before anyone looks.
   */
  private startSummaries(): void {
    if (this.summariesStarted || this.closing) return;
    this.summariesStarted = true;
    this.summaries = this.recovered.then(
      () => this.loadSummaries(),
      () => undefined,
    );
  }

  private async loadSummaries(): Promise<void> {
    for (const seg of this.segs) {
      if (this.closing) return;
      try {
        await seg.loadSummary();
      } catch {
        // A corrupt sealed segment is reported when it is read; nothing to do here.
      }
    }
  }

  private get active(): LogSegment {
    return this.segs[this.segs.length - 1];
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  /** Offsets below this were cleaned by compaction (Kafka's cleaner checkpoint); 0: none. */
  get cleanerPoint(): number {
    return this.firstDirtyOffset;
  }

  get logEndOffset(): number {
    return this.endOffset;
  }

  /** Total bytes of all segment files (.log only). */
  sizeBytes(): number {
    let total = 0;
    for (const s of this.segs) total += s.size;
    return total;
  }

  /**
   * The newest record timestamp (of the last segment holding records), or null when the log
   * is empty or that segment's summary is not loaded yet (loading it then starts, in the
   * background). Unlike segments() it loads no other segment's indexes.
   */
  lastTimestamp(): number | null {
    if (this.recoveringNow) return null;
    for (let i = this.segs.length - 1; i >= 0; i--) {
      const seg = this.segs[i];
      if (seg.size === 0) continue;
      if (!seg.summaryLoaded) {
        void seg.loadSummary().catch(() => undefined); // a corrupt one is reported on read
        return null;
      }
      return seg.maxTimestamp >= 0 ? seg.maxTimestamp : null;
    }
    return null;
  }

  /**
   * Describes the segments, oldest first; timestamps of sealed segments are null until
   * loaded (the first call starts loading them in the background).
   */
  segments(): SegmentInfo[] {
    this.startSummaries();
    return this.segs.map((s, i) => {
      const known = s.summaryLoaded && s.size > 0;
      return {
        baseOffset: s.baseOffset,
        nextOffset: s.nextOffset,
        sizeBytes: s.size,
        firstTimestamp: known ? s.firstTimestamp : null,
        maxTimestamp: known && s.maxTimestamp >= 0 ? s.maxTimestamp : null,
        active: i === this.segs.length - 1,
      };
    });
  }

  private ensureOpen(): void {
    if (this.closing) throw new LogdockError('CLOSED', `partition log ${this.name} is closed`);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    this.hurry();
    // Nothing is written to a log whose recovery failed.
    const gated = () => this.recovered.then(task);
    const run = this.chain.then(gated, gated);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private enqueueMaintenance<T>(task: () => Promise<T>): Promise<T> {
    // Maintenance deletes and replaces segment files: let the background summary loader,
    // which may rewrite index files, finish first.
    const afterSummaries = () => this.summaries.then(() => this.recovered).then(task);
    const run = this.maintenanceChain.then(afterSummaries, afterSummaries);
    this.maintenanceChain = run.catch(() => undefined);
    return run;
  }

  /**
   * Appends one or more RecordBatch v2 batches (e.g. a produce request's records). Every
   * batch is checked first (header, length, CRC, record structure when uncompressed,
   * max.message.bytes); nothing is written if one fails: CORRUPT_RECORD or
   * MESSAGE_TOO_LARGE. Offsets are assigned by patching baseOffset in `batches` in place
   * (outside the CRC); with LogAppendTime the maxTimestamp, timestamp-type bit and CRC are
   * patched too. With `fsync` it resolves once the data is fdatasynced. `check` replaces the
   * inline validateClientBatches with one that must do the same (the broker's off-thread
   * check of a Kafka client's Produce). Safe concurrently
   * (appends are serialised); throws CLOSED after close().
   */
  append(
    batches: Buffer,
    opts: { fsync?: boolean; check?: AppendCheck } = {},
  ): Promise<AppendResult> {
    try {
      this.ensureOpen();
    } catch (err) {
      return Promise.reject(err);
    }
    // Checked now (by `check` elsewhere if given), queued now: appends stay in call order.
    const checked = opts.check
      ? opts.check(batches, this.config, this.name)
      : Promise.resolve().then(() => validateClientBatches(batches, this.config, this.name));
    checked.catch(() => undefined); // the queued task below takes the rejection
    return this.enqueue(async () => this.appendValidated(batches, await checked)).then(
      async ({ result, seg, end }) => {
        if (opts.fsync) await seg.syncTo(end);
        return result;
      },
    );
  }

  private async appendValidated(
    batches: Buffer,
    locations: BatchLocation[],
  ): Promise<{ result: AppendResult; seg: LogSegment; end: number }> {
    await this.markChanged();
    const baseOffset = this.endOffset;
    const appendTime = this.config.messageTimestampType === 'LogAppendTime' ? this.clock() : -1;
    let next = baseOffset;
    let records = 0;
    for (const loc of locations) {
      writeInt64(batches, loc.position, next);
      loc.header.baseOffset = next;
      if (appendTime >= 0) {
        writeInt64(batches, loc.position + MAX_TIMESTAMP_OFFSET, appendTime);
        batches.writeInt16BE(
          batches.readInt16BE(loc.position + ATTRIBUTES_OFFSET) | 0x08,
          loc.position + ATTRIBUTES_OFFSET,
        );
        writeBatchCrc(batches, loc.position);
        loc.header.maxTimestamp = appendTime;
        loc.header.timestampType = 'LogAppendTime';
      }
      next += loc.header.lastOffsetDelta + 1;
      records += loc.header.recordCount;
    }
    // Write runs of batches that fit in the active segment, rolling between them.
    let i = 0;
    let lastRun = { bytes: batches, run: locations };
    while (i < locations.length) {
      await this.maybeRoll(locations[i].size);
      const seg = this.active;
      let j = i;
      let bytes = 0;
      while (
        j < locations.length &&
        (j === i || seg.size + bytes + locations[j].size <= this.config.segmentBytes)
      ) {
        bytes += locations[j].size;
        j++;
      }
      const start = locations[i].position;
      const run = locations.slice(i, j).map((l) => ({ ...l, position: l.position - start }));
      const end = lastOffsetOf(locations[j - 1].header) + 1;
      lastRun = { bytes: batches.subarray(start, start + bytes), run };
      await seg.append(lastRun.bytes, run, () => {
        this.endOffset = end;
      });
      i = j;
    }
    const lastOffset = next - 1;
    // What went into the active segment (a roll cleared what the one before holds).
    this.tail.add(lastRun.bytes, lastRun.run);
    this.unflushedMessages += records;
    for (const l of this.listeners) {
      try {
        l(baseOffset, lastOffset);
      } catch {
        // A listener's failure must not fail the append that already happened.
      }
    }
    if (
      this.config.flushMessages !== undefined &&
      this.unflushedMessages >= this.config.flushMessages
    ) {
      await this.flushNow();
    }
    // A small append writes on this thread (segment.ts INLINE_WRITE_MAX_BYTES), so nothing
    // above need have waited for I/O: one turn of the event loop before the caller goes on,
    // or a loop of appends (and of reads of them, from memory) would hold it. The waiting
    // consumers were woken above, before it.
    await nextTurn();
    const seg = this.active;
    return {
      result: { baseOffset, lastOffset, logAppendTime: appendTime, recordCount: records },
      seg,
      end: seg.size,
    };
  }

  /** Rolls to a new segment when `nextBatch` bytes would overflow it or it is too old. */
  private async maybeRoll(nextBatch: number): Promise<void> {
    const seg = this.active;
    if (seg.size === 0) return;
    const full = seg.size + nextBatch > this.config.segmentBytes;
    const old = this.clock() - seg.rollStartMs >= this.config.segmentMs;
    if (!full && !old) return;
    await seg.flush(false);
    const created = await LogSegment.create(this.dir, this.endOffset, this.settings, this.clock());
    this.segs.push(created);
    // Reads from memory stay within one segment, as reads of the files do.
    this.tail.clear();
    // Kafka flushes a rolled segment asynchronously; the recovery point follows it.
    const rolledTo = this.endOffset;
    this.backgroundFlush = this.backgroundFlush
      .then(async () => {
        await seg.flush(true);
        if (rolledTo > this.recoveryPoint) {
          this.recoveryPoint = rolledTo;
          await this.persistMeta({ optional: true });
        }
      })
      .catch(() => undefined);
  }

  /**
   * Encodes `records` as one batch (split in halves while larger than max.message.bytes)
   * and appends it. See `append` for errors and concurrency.
   */
  async appendRecords(
    records: RecordInput[],
    opts: { compression?: CompressionCodec; fsync?: boolean } = {},
  ): Promise<AppendResult> {
    this.ensureOpen();
    if (records.length === 0)
      throw new LogdockError('INVALID_ARGUMENT', `appendRecords to ${this.name} with no records`);
    const now = this.clock();
    const withTime = records.map((r) => (r.timestamp === undefined ? { ...r, timestamp: now } : r));
    const parts = this.encodeFitting(withTime, opts.compression ?? 'none');
    const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    return this.append(buf, { fsync: opts.fsync });
  }

  private encodeFitting(records: RecordInput[], compression: CompressionCodec): Buffer[] {
    const batch = encodeRecordBatch(records, { compression });
    if (batch.length <= this.config.maxMessageBytes || records.length === 1) return [batch];
    const mid = records.length >>> 1;
    return [
      ...this.encodeFitting(records.slice(0, mid), compression),
      ...this.encodeFitting(records.slice(mid), compression),
    ];
  }

  private outOfRange(offset: number): LogdockError {
    return new LogdockError(
      'OFFSET_OUT_OF_RANGE',
      `offset ${offset} is outside [${this.startOffset}, ${this.endOffset}] of ${this.name}`,
    );
  }

  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segs.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segs[mid].baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /**
   * Returns whole batches, as stored, starting with the one holding `offset` (or the first
   * after it when compaction removed it), up to `maxBytes` but always at least one batch.
   * `offset == logEndOffset` gives an empty buffer; outside [logStart, logEnd] throws
   * OFFSET_OUT_OF_RANGE; a corrupt batch throws CORRUPT_RECORD naming the file and position.
   * Safe concurrently with appends and other reads. With `into`, a buffer the caller reuses
   * from read to read (see readAhead), the bytes land in it when they fit (overwriting it,
   * the result a view of it, possibly shorter than `maxBytes`): no fresh memory to fault in.
   */
  read(offset: number, maxBytes: number, into?: Buffer, opts?: ReadOptions): Promise<ReadResult> {
    return this.retryOnRemovedSegment(() => this.readOnce(offset, maxBytes, into, opts));
  }

  /**
   * Runs `task` again, once, when a segment it used was deleted or replaced by retention or
   * compaction in the meantime (NOT_FOUND from the segment): the retry sees the new
   * segment list, or fails with OFFSET_OUT_OF_RANGE when the offset is gone.
   */
  private async retryOnRemovedSegment<T>(task: () => Promise<T>): Promise<T> {
    this.hurry();
    await this.recovered;
    try {
      return await task();
    } catch (err) {
      if (!(err instanceof LogdockError) || err.code !== 'NOT_FOUND') throw err;
      return task();
    }
  }

  private async readOnce(
    offset: number,
    maxBytes: number,
    into?: Buffer,
    opts?: ReadOptions,
  ): Promise<ReadResult> {
    this.ensureOpen();
    if (!Number.isFinite(maxBytes) || maxBytes < 0) {
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `read from ${this.name}: maxBytes ${maxBytes} is not a size`,
      );
    }
    const leo = this.endOffset;
    const start = this.startOffset;
    if (!Number.isInteger(offset) || offset < start || offset > leo) throw this.outOfRange(offset);
    const empty = { records: Buffer.alloc(0), logStartOffset: start, highWatermark: leo };
    if (offset === leo) return empty;
    const recent = this.tail.read(offset, maxBytes);
    if (recent) {
      // Into the caller's buffer when it fits, as a read of the file would be (a copy of a few KiB).
      const records =
        into && into.length >= recent.length ? into.subarray(0, recent.copy(into)) : recent;
      return { records, logStartOffset: start, highWatermark: leo };
    }
    const segs = this.segs;
    for (let i = this.segmentIndexFor(offset); i < segs.length; i++) {
      const seg = segs[i];
      seg.acquire();
      try {
        const found = await seg.readBatchesFrom(offset, maxBytes, into);
        if (!found) continue;
        const whole = wholeBatches(found.buf, found.firstSize);
        // Batches appended during the read may be included: report the end as of now.
        if (opts?.callerChecks) {
          const unchecked = seg.uncheckedRead(whole, found.position) ?? undefined;
          return {
            records: whole,
            logStartOffset: start,
            highWatermark: this.endOffset,
            unchecked,
          };
        }
        const records = await checkRead(seg, whole, found.position, this.readCheck);
        return { records, logStartOffset: start, highWatermark: this.endOffset };
      } finally {
        seg.release();
      }
    }
    return empty;
  }

  /**
   * Reads and decodes records from `offset` (records below it in the first batch are
   * dropped): up to `maxRecords` (default: what one read of `maxBytes` returns; its default
   * is 1 MiB, or 64 KiB for a lookup of at most LOOKUP_RECORDS). Errors as `read`: stops
   * before a corrupt batch, and fails with CORRUPT_RECORD only when the first batch it reads
   * is corrupt.
   */
  async readRecords(
    offset: number,
    opts: { maxRecords?: number; maxBytes?: number } = {},
  ): Promise<StoredRecord[]> {
    // A lookup of a record or two (a message shown, a time or offset located) needs the batch
    // holding them, which read() returns whole however small maxBytes is: not a megabyte
    // after it, read and CRC-checked for nothing.
    const lookup = opts.maxRecords !== undefined && opts.maxRecords <= LOOKUP_RECORDS;
    const maxBytes = opts.maxBytes ?? (lookup ? LOOKUP_READ_BYTES : 1024 * 1024);
    const want = opts.maxRecords ?? 1;
    const out: StoredRecord[] = [];
    let cur = offset;
    while (out.length < want) {
      let read: ReadResult;
      try {
        read = await this.read(cur, maxBytes);
      } catch (err) {
        // As read(): the good records before a corrupt batch; the next call starts at it.
        if (out.length > 0 && err instanceof LogdockError && err.code === 'CORRUPT_RECORD')
          return out;
        throw err;
      }
      const { records, highWatermark } = read;
      if (records.length === 0) break;
      // read() checked every batch's CRC: decode without checking again, and only the
      // records wanted (a lookup of one record would otherwise decode its whole batch).
      let decoded: StoredRecord[];
      try {
        const limit = opts.maxRecords === undefined ? Infinity : want - out.length;
        decoded = decodeFrom(records, cur, limit);
      } catch (err) {
        throw new LogdockError('CORRUPT_RECORD', `${this.name}: ${(err as Error).message}`);
      }
      for (const r of decoded) out.push(r);
      if (opts.maxRecords !== undefined && out.length >= opts.maxRecords) return out;
      for (const { header } of iterateBatches(records)) cur = lastOffsetOf(header) + 1;
      if (cur >= highWatermark) break;
    }
    return out;
  }

  /**
   * The first offset whose record timestamp is >= `timestamp`, or null when none is.
   * Safe concurrently.
   */
  offsetForTimestamp(timestamp: number): Promise<number | null> {
    return this.retryOnRemovedSegment(() => this.offsetForTimestampOnce(timestamp));
  }

  private async offsetForTimestampOnce(timestamp: number): Promise<number | null> {
    this.ensureOpen();
    if (!Number.isFinite(timestamp)) {
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `offsetForTimestamp on ${this.name}: ${timestamp} is not a timestamp`,
      );
    }
    const start = this.startOffset;
    for (const seg of this.segs) {
      if (seg.nextOffset <= start && seg !== this.active) continue;
      seg.acquire();
      try {
        await seg.loadSummary();
        if (seg.maxTimestamp < timestamp) continue;
        const found = await seg.findTimestamp(timestamp, start);
        if (found !== null && found < this.endOffset) return found;
      } finally {
        seg.release();
      }
    }
    return null;
  }

  /**
   * Checks every sealed segment from disk (see LogSegment.scrub), oldest first, awaiting
   * `pace(bytes)` after each chunk read. Returns the bad batches found (each also reported
   * through onCorruption), at most one per segment. Segments deleted meanwhile are skipped.
   * The active segment is left out: what it holds was checked when it was appended or
   * recovered. Safe concurrently with appends, reads and maintenance.
   */
  async scrub(pace: (bytes: number) => Promise<void>): Promise<CorruptionFinding[]> {
    const found: CorruptionFinding[] = [];
    await this.recovered;
    for (const seg of this.segs.slice(0, -1)) {
      if (this.closing) break;
      seg.acquire();
      try {
        const bad = await seg.scrub(pace);
        if (bad) found.push(bad);
      } catch (err) {
        if (!(err instanceof LogdockError) || err.code !== 'NOT_FOUND') throw err;
      } finally {
        seg.release();
      }
    }
    return found;
  }

  /** Registers a listener called after every append with its first and last offsets. */
  onAppend(listener: (baseOffset: number, lastOffset: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Writes pending index entries and fsyncs the active segment and its indexes, then moves
   * the recovery point to the log end offset. Serialised with appends.
   */
  flush(): Promise<void> {
    return this.enqueue(() => this.flushNow());
  }

  private async flushNow(): Promise<void> {
    const target = this.endOffset;
    this.unflushedMessages = 0;
    await this.active.flush(true);
    await this.backgroundFlush;
    if (target > this.recoveryPoint) {
      this.recoveryPoint = target;
      await this.persistMeta({ optional: true });
    }
  }

  /**
   * Writes partition.meta. With `optional`, a full disk skips the write instead of failing:
   * for what may lag safely (the recovery point: more is recovered after a crash; the
   * cleaner point: more is cleaned again; a start offset that the deletion of whole
   * segments implies anyway). deleteRecords' start offset is never optional.
   */
  private persistMeta(opts: { optional?: boolean } = {}): Promise<void> {
    if (opts.optional) return unlessNoSpace(() => this.persistMeta()).then(() => undefined);
    const run = this.metaChain.then(() =>
      writeMeta(this.dir, {
        logStartOffset: this.startOffset,
        recoveryPoint: this.recoveryPoint,
        cleanerPoint: this.firstDirtyOffset,
      }),
    );
    this.metaChain = run.catch(() => undefined);
    return run;
  }

  /**
   * One maintenance pass, as its one scheduler (LogMaintenance) runs it: retention, then
   * compaction when it is due — a segment rolled since the last pass, a pass whose offset
   * map filled left part of the sealed segments dirty, or tombstones may have expired
   * (delete.retention.ms) — or always with `force`. The log runs no timer of its own.
   */
  async maintain(opts: { force?: boolean } = {}): Promise<void> {
    await this.applyRetention();
    if (!this.config.cleanupPolicy.includes('compact')) return;
    const now = this.clock();
    const rolled = this.lastCompaction.active !== this.active;
    const behind = this.firstDirtyOffset < this.active.baseOffset;
    const expired = now - this.lastCompaction.at >= this.config.deleteRetentionMs;
    if (opts.force || rolled || behind || expired) {
      this.lastCompaction = { active: this.active, at: now };
      await this.compact();
    }
  }

  private startFlushTimer(): void {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = null;
    if (this.config.flushMs === undefined) return;
    this.flushTimer = setInterval(() => {
      if (this.unflushedMessages > 0 && !this.closing) void this.flush().catch(() => undefined);
    }, this.config.flushMs);
    this.flushTimer.unref();
  }

  /**
   * Advances the log start offset to `beforeOffset` (persisted) and deletes the segments
   * wholly below it. Returns the new log start offset. Throws OFFSET_OUT_OF_RANGE beyond the
   * log end offset. Safe concurrently with appends and reads.
   */
  deleteRecords(beforeOffset: number): Promise<number> {
    return this.enqueueMaintenance(async () => {
      this.ensureOpen();
      if (!Number.isInteger(beforeOffset) || beforeOffset < 0 || beforeOffset > this.endOffset) {
        throw this.outOfRange(beforeOffset);
      }
      if (beforeOffset > this.startOffset) {
        this.startOffset = beforeOffset;
        await this.persistMeta();
        await this.dropSegments((s) => s.nextOffset <= this.startOffset);
      }
      return this.startOffset;
    });
  }

  /** Removes leading sealed segments while `doomed` holds; advances the start offset. */
  private async dropSegments(doomed: (s: LogSegment, index: number) => boolean): Promise<number> {
    const victims: LogSegment[] = [];
    for (let i = 0; i < this.segs.length - 1; i++) {
      if (!doomed(this.segs[i], i)) break;
      victims.push(this.segs[i]);
    }
    if (victims.length === 0) return 0;
    await this.markChanged();
    // Synchronously: appends may push a new segment at any await.
    this.segs = this.segs.slice(victims.length);
    if (this.segs[0].baseOffset > this.startOffset) {
      this.startOffset = this.segs[0].baseOffset;
    }
    // Optional: the deleted files imply the new start, and on a full disk this is what
    // frees space.
    await this.persistMeta({ optional: true });
    for (const v of victims) await v.deleteFiles();
    return victims.length;
  }

  /**
   * Deletes sealed segments (never the active one) whose newest record is older than
   * retention.ms by the injected clock, then the oldest while the log exceeds
   * retention.bytes, and those below the log start offset. Only with cleanup.policy
   * containing `delete` for the first two. Safe concurrently with appends and reads.
   */
  applyRetention(): Promise<{ deletedSegments: number; newLogStartOffset: number }> {
    return this.enqueueMaintenance(async () => {
      this.ensureOpen();
      let deleted = await this.dropSegments((s) => s.nextOffset <= this.startOffset);
      if (this.config.cleanupPolicy.includes('delete')) {
        if (this.config.retentionMs >= 0) {
          const limit = this.clock() - this.config.retentionMs;
          for (const s of this.segs.slice(0, -1)) await s.loadSummary().catch(() => undefined);
          deleted += await this.dropSegments((s) => s.summaryLoaded && s.maxTimestamp < limit);
        }
        if (this.config.retentionBytes >= 0) {
          let excess = this.sizeBytes() - this.config.retentionBytes;
          deleted += await this.dropSegments((s) => {
            if (excess < s.size) return false;
            excess -= s.size;
            return true;
          });
        }
      }
      return { deletedSegments: deleted, newLogStartOffset: this.startOffset };
    });
  }

  /**
   * Runs one compaction pass over the sealed segments (cleanup.policy compact or
   * compact,delete; see compaction.ts): keeps the newest record of each key, drops
   * tombstones older than delete.retention.ms, keeps offsets, and merges adjacent small
   * segments into one. When the dirty range holds more keys than the offset map, the pass
   * cleans up to where the map filled and the next pass goes on from there. Cleaned
   * segments replace the old ones atomically; appends and reads continue meanwhile.
   * Returns the number of records removed (0 with policy delete) and what the pass did.
   */
  compact(): Promise<CompactionResult> {
    return this.enqueueMaintenance(async () => {
      this.ensureOpen();
      if (!this.config.cleanupPolicy.includes('compact')) return { removedRecords: 0 };
      await this.markChanged();
      const result = await compactLog({
        segments: () => this.segs,
        replace: (old, cleaned) => {
          const i = this.segs.indexOf(old[0]);
          if (i < 0 || old.some((s, k) => this.segs[i + k] !== s)) return false;
          this.tail.clear();
          this.segs = [...this.segs.slice(0, i), cleaned, ...this.segs.slice(i + old.length)];
          return true;
        },
        settings: this.settings,
        now: this.clock(),
        deleteRetentionMs: this.config.deleteRetentionMs,
        segmentBytes: this.config.segmentBytes,
        firstDirtyOffset: this.firstDirtyOffset,
        offsetMapBytes: this.offsetMapBytes,
        name: this.name,
        tasks: this.compactionTasks,
        afterStep: this.compactionStep,
      });
      if (result.pass) {
        this.firstDirtyOffset = result.pass.cleanedUpTo;
        await this.persistMeta({ optional: true });
      }
      return result;
    });
  }

  /** Replaces the config (validated: INVALID_CONFIG); applies to the next append/roll. */
  updateConfig(config: LogConfig): void {
    validateLogConfig(config);
    this.config = config;
    this.settings.indexIntervalBytes = config.indexIntervalBytes;
    this.startFlushTimer();
  }

  /**
   * Waits for pending appends and maintenance, flushes everything, writes the
   * clean-shutdown marker and closes the files. Idempotent; later calls return the same
   * promise.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown(true);
    return this.closing;
  }

  private async shutdown(writeMarker: boolean): Promise<void> {
    // A log closed before its background load started was never touched: its files, clean
    // marker included, stay as they are (recovered then rejects with CLOSED: no new marker).
    if (!this.queuedLoad?.cancel()) this.needed?.(); // (and a started one ends its seam's pause)
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = null;
    await this.chain;
    await this.maintenanceChain;
    await this.summaries;
    // A log whose recovery failed gets no marker: the next open tries again.
    if (
      !(await this.recovered.then(
        () => true,
        () => false,
      ))
    )
      writeMarker = false;
    if (writeMarker && this.cleanMarker) {
      // Nothing changed since the marker was written: nothing to flush, the marker stands.
      await this.metaChain;
    } else if (writeMarker) {
      await this.flushNow();
      await this.metaChain;
      // On a full disk even the empty marker may be refused: the next open then recovers.
      await unlessNoSpace(async () => {
        const fh = await fs.open(join(this.dir, CLEAN_SHUTDOWN_FILE), 'w');
        await fh.sync();
        await fh.close();
        await syncDir(this.dir);
      });
    } else {
      await this.backgroundFlush;
      await this.metaChain;
    }
    for (const s of this.segs) await s.closeHandle();
  }

  /** Closes the log (without marker) and removes its directory. */
  async deleteFiles(): Promise<void> {
    if (!this.closing) this.closing = this.shutdown(false);
    await this.closing.catch(() => undefined);
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

/** Cuts `buf` after its last complete batch (the first, `firstSize` bytes, always stays). */
function wholeBatches(buf: Buffer, firstSize: number): Buffer {
  let pos = firstSize;
  while (pos + 12 <= buf.length) {
    const size = LOG_OVERHEAD + buf.readInt32BE(pos + 8);
    if (size < 61 || pos + size > buf.length) break;
    pos += size;
  }
  return pos === buf.length ? buf : buf.subarray(0, pos);
}
