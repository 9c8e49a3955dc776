/**
 * What the broker knows is wrong with its storage, for the log and the UI: corrupt batches
 * readers or the scrub met, and whether writes are refused because the disk is full. Each
 * change is logged once and announced to listeners (the API's `system.storage` stream).
 */
import { statfs } from 'node:fs/promises';
import type { Logger } from '../logger';
import type { CorruptionFinding, ScrubReport } from '../storage';

export interface CorruptBatch extends CorruptionFinding {
  topic: string;
  partition: number;
  /** When it was first met (clock ms). */
  detectedAt: number;
}

export interface StorageHealthState {
  corrupt: CorruptBatch[];
  /** Set while appends are refused for lack of space: since when and the last error. */
  diskFull: { since: number; message: string } | null;
  lastScrub: { finishedAt: number; partitions: number; bytes: number; corrupt: number } | null;
  /** Partitions recovering in the background (see PartitionLog.recovering), or null. */
  recovery: BackgroundProgress | null;
  /** Partitions still loading in the background after startup (PartitionLog.loading), or null. */
  loading: BackgroundProgress | null;
}

/** Partitions going through background work: `total` this run, `done` finished. */
export interface BackgroundProgress {
  since: number;
  total: number;
  done: number;
  /** Some of those not done (`topic-partition`). */
  pending: string[];
}

/** Findings kept; older ones make room (the log has them all). */
const MAX_FINDINGS = 100;
/** Below this much free space the disk counts as full (a batch and its index entries). */
const MIN_FREE_BYTES = 1024 * 1024;
/** How often free space is checked while the disk is full. */
const SPACE_POLL_MS = 2000;
/** Pending partitions named in the state (the count says how many there are). */
const PENDING_SHOWN = 10;
/** Progress is announced at most this often while partitions recover or load. */
const PROGRESS_EMIT_MS = 250;

/**
 * One kind of background work over partitions (recovery scans, startup loads): counts
 * them from the first started until the last finished, announcing progress at most every
 * PROGRESS_EMIT_MS, and logs the end of the run.
 */
export class BackgroundRun {
  private readonly pending = new Set<string>();
  private run: { since: number; total: number; done: number; emittedAt: number } | null = null;

  constructor(
    /** For the log: "background recovery", "partition loading". */
    private readonly what: string,
    private readonly logger: Logger,
    private readonly clock: () => number,
    private readonly emit: () => void,
  ) {}

  /** `name` (topic-partition) started. */
  started(name: string): void {
    const now = this.clock();
    this.run ??= { since: now, total: 0, done: 0, emittedAt: now };
    this.run.total++;
    this.pending.add(name);
    if (this.run.total === 1) this.emit();
  }

  /** `name` finished (or failed: `error`, logged). The end of the run is logged. */
  finished(name: string, error?: Error): void {
    const run = this.run;
    if (!run || !this.pending.delete(name)) return;
    run.done++;
    if (error) this.logger.error(`${this.what} of ${name} failed: ${error.message}`);
    const now = this.clock();
    if (this.pending.size === 0) {
      this.logger.info(`${this.what} finished: ${run.total} partitions in ${now - run.since} ms`);
      this.run = null;
    } else if (now - run.emittedAt < PROGRESS_EMIT_MS) {
      return;
    }
    run.emittedAt = now;
    this.emit();
  }

  state(): BackgroundProgress | null {
    const run = this.run;
    if (!run) return null;
    const pending: string[] = [];
    for (const name of this.pending) {
      if (pending.length === PENDING_SHOWN) break;
      pending.push(name);
    }
    return { since: run.since, total: run.total, done: run.done, pending };
  }
}

export class StorageHealth {
  private corrupt: CorruptBatch[] = [];
  private diskFull: StorageHealthState['diskFull'] = null;
  private lastScrub: StorageHealthState['lastScrub'] = null;
  private readonly listeners = new Set<() => void>();
  private spacePoll: NodeJS.Timeout | null = null;
  /** Partitions recovering in the background after an unclean shutdown. */
  readonly recovery: BackgroundRun;
  /** Partitions found on disk at startup, loading in the background. */
  readonly loading: BackgroundRun;

  constructor(
    private readonly logger: Logger,
    private readonly clock: () => number,
    private readonly dataDir: string,
  ) {
    const emit = () => this.emit();
    this.recovery = new BackgroundRun('background recovery', logger, clock, emit);
    this.loading = new BackgroundRun('partition loading', logger, clock, emit);
  }

  /**
   * Checks the data directory's free space (statfs): below 1 MiB the disk counts as full
   * (shown at once, before any write fails); while full, checks every 2 s and clears the
   * state when space returns, even if nothing tries to write.
   */
  async checkSpace(): Promise<void> {
    let free: number;
    try {
      const s = await statfs(this.dataDir);
      free = s.bavail * s.bsize;
    } catch {
      return; // statfs unsupported here: appends' failures still tell
    }
    if (free < MIN_FREE_BYTES) this.reportDiskFull(`${free} bytes free on ${this.dataDir}`);
    else this.reportDiskSpaceBack();
  }

  /** A corrupt batch met in `topic`-`partition`: logged and shown once per file position. */
  reportCorruption(topic: string, partition: number, f: CorruptionFinding): void {
    if (this.corrupt.some((c) => c.file === f.file && c.position === f.position)) return;
    const offsets = f.baseOffset === null ? '' : ` (offsets ${f.baseOffset}..${f.lastOffset})`;
    this.logger.error(
      `corrupt batch in ${topic}-${partition}: ${f.file} position ${f.position}${offsets}: ${f.reason}`,
    );
    this.corrupt = [...this.corrupt, { ...f, topic, partition, detectedAt: this.clock() }].slice(
      -MAX_FINDINGS,
    );
    this.emit();
  }

  scrubFinished(r: ScrubReport): void {
    this.logger.info(
      `scrub pass: ${r.partitions} partitions, ${Math.round(r.bytes / 1024)} KiB read in ${r.finishedAt - r.startedAt} ms, ${r.corrupt.length} corrupt batches`,
    );
    this.lastScrub = {
      finishedAt: r.finishedAt,
      partitions: r.partitions,
      bytes: r.bytes,
      corrupt: r.corrupt.length,
    };
    this.emit();
  }

  /** Appends failed for lack of space (ENOSPC/EDQUOT): logged once until space returns. */
  reportDiskFull(message: string): void {
    if (this.diskFull) {
      this.diskFull = { ...this.diskFull, message };
      return;
    }
    this.logger.error(`disk full: writes are refused until space returns: ${message}`);
    this.diskFull = { since: this.clock(), message };
    this.spacePoll = setInterval(() => void this.checkSpace(), SPACE_POLL_MS);
    this.spacePoll.unref();
    this.emit();
  }

  /** An append succeeded again after the disk was full. */
  reportDiskSpaceBack(): void {
    if (!this.diskFull) return;
    this.logger.info(`disk space is back: writes resumed`);
    this.diskFull = null;
    this.stop();
    this.emit();
  }

  /** Stops the free-space checks (on close). */
  stop(): void {
    if (this.spacePoll) clearInterval(this.spacePoll);
    this.spacePoll = null;
  }

  get isDiskFull(): boolean {
    return this.diskFull !== null;
  }

  /**
   * The current state; findings whose batch is gone (topic deleted, retention or
   * deleteRecords past it: `stillStored` false) are dropped.
   */
  state(stillStored: (c: CorruptBatch) => boolean): StorageHealthState {
    this.corrupt = this.corrupt.filter(stillStored);
    return {
      corrupt: [...this.corrupt],
      diskFull: this.diskFull,
      lastScrub: this.lastScrub,
      recovery: this.recovery.state(),
      loading: this.loading.state(),
    };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch (err) {
        this.logger.warn(`storage health listener failed: ${(err as Error).message}`);
      }
    }
  }
}
