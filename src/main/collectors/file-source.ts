/**
 * A file source: tails every file its globs match into one topic. Files are found by a
 * directory walk at start, by file-system events on the walked directories, and by a
 * periodic reconcile pass (events can be missed or coalesced). Each file is read by its
 * own FileWatcher (file-watcher.ts: the read / rotation / truncation loop); this module
 * decides which files exist and when each watcher runs, and keeps the checkpoint cache.
 * Positions survive restarts through the records themselves (checkpoint.ts).
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LogdockError } from '../../common/errors';
import type { Cluster } from '../cluster';
import type { Logger } from '../logger';
import { RotationOrder } from './rotation-order';
import { readCheckpoint, scanTopic, writeCheckpoint, type RecoveredFile } from './checkpoint';
import type { FileSourceConfig } from '../../common/collectors/config';
import { PastGenerations, PrefixIndex, type PastGeneration } from './copies';
import { DescriptorPool } from './descriptor-pool';
import { GlobMatcher, findByKey, type Discovered } from './discovery';
import { FileWatcher, type WatcherHost } from './file-watcher';
import { fileKey, identityString, type Fingerprint } from './identity';
import type { TrackedFile } from './tracked-file';
import { createParser, type Parser } from './parsers';
import { Semaphore } from '../../common/semaphore';
import type { SourceDeps } from './source-deps';
import type { FileStatus, Source, SourceStatus } from './status';
import { ensureTopic } from './topic';

export type { SourceDeps } from './source-deps';

const TICK_MS = 100;
/** The reconcile walk may take at most 1/this of the time: with thousands of files it runs less often. */
const SCAN_SHARE = 100;
/** A copy smaller than the content it copies is placed once its size has not moved for this long. */
const COPY_SETTLE_MS = 1000;
/** Pumps reading at once across all files of a source. */
const READ_SLOTS = 8;

export class FileSource implements Source, WatcherHost {
  readonly id: string;
  readonly sourceId: string;
  readonly cluster: Cluster;
  readonly parser: Parser | null;
  readonly log: Logger;
  readonly clock: () => number;
  readonly slots = new Semaphore(READ_SLOTS);
  readonly inflight = new Set<Promise<void>>();
  readonly pool: DescriptorPool;
  /** Largest batch the topic accepts (max.message.bytes), capped for latency. */
  maxBatchBytes = 1024 * 1024;
  closing = false;
  private readonly files = new Map<string, FileWatcher>();
  /** The watcher each tracked path leads to, for file-system events. */
  private readonly byPath = new Map<string, FileWatcher>();
  /** Watchers the short tick looks at (see FileWatcher.needsPolling); the rest wait for events. */
  private readonly active = new Set<FileWatcher>();
  /** Rotated families, read oldest first; readers waiting for an older relative. */
  private readonly order = new RotationOrder<FileWatcher>();
  private readonly waiting = new Set<FileWatcher>();
  /** How long the last reconcile walk took. */
  private scanMs = 0;
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly pumping = new Map<FileWatcher, Promise<void>>();
  private readonly again = new Set<FileWatcher>();
  /** Files being read, by their first bytes, and content that ended: to recognise copies. */
  private readonly heads = new PrefixIndex<TrackedFile>();
  private past = new PastGenerations();
  /** Possible copies of a file still being read, by key: decided once it has caught up. */
  private readonly maybeCopies = new Map<string, { seen: number; size: number; moved: number }>();
  private readonly matcher: GlobMatcher;
  private readonly checkpointPath: string;
  private partitions = 1;
  private initialized = false;
  /** The first scan's files are placed: from then on a checkpoint describes them. */
  private placed = false;
  private closed: Promise<void> | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private lastScan = 0;
  private scanning: Promise<void> | null = null;
  private scanAgain = false;
  private checkpointing: Promise<void> = Promise.resolve();
  private checkpointDirty = false;
  private state: SourceStatus['state'] = 'stopped';
  private lastError: string | null = null;
  /** Rejects with CLOSED when close() is called: each step of start() races it. */
  private readonly closedSignal: Promise<never>;
  private signalClosed: () => void = () => {};

  constructor(
    readonly config: FileSourceConfig,
    private readonly deps: SourceDeps,
  ) {
    this.id = config.id;
    this.sourceId = config.id;
    this.cluster = deps.cluster;
    this.clock = deps.clock;
    this.pool = deps.pool ?? new DescriptorPool(256, 30_000);
    this.matcher = new GlobMatcher(config.include, config.exclude);
    this.parser = createParser(config.parser, config.timezone);
    this.checkpointPath = join(deps.dataDir, 'collectors', 'checkpoints', `${config.id}.json`);
    this.log = deps.logger.child(`collector:${config.id}`);
    this.closedSignal = new Promise<never>((_resolve, reject) => {
      this.signalClosed = () =>
        reject(
          new LogdockError(
            'CLOSED',
            `file source ${this.id}: closed during its start (topic ${config.topic}, ${config.include.join(', ')})`,
          ),
        );
    });
    this.closedSignal.catch(() => {});
  }

  /**
   * Recovers positions (checkpoint cache + topic scan), places every matching file and
   * starts watching. @throws LogdockError when the topic cannot be created or read.
   */
  async start(): Promise<void> {
    const { cluster } = this.deps;
    // Each step ends at once when the source is closed meanwhile: the topic's partitions may
    // be recovering after a crash (describeTopic and its reads wait for that, minutes for a
    // large log), the topic scan and the walk may be long.
    const step = <T>(p: Promise<T>): Promise<T> => Promise.race([p, this.closedSignal]);
    this.partitions = await step(ensureTopic(cluster, this.config.topic));
    const { configs } = await step(cluster.describeTopic(this.config.topic));
    const limit = Number(configs['max.message.bytes']);
    if (Number.isFinite(limit) && limit > 0) this.maxBatchBytes = Math.min(limit, 1024 * 1024);
    await step(mkdir(dirname(this.checkpointPath), { recursive: true }));
    let cp = await step(readCheckpoint(this.checkpointPath, this.log));
    // Positions belong to a topic: a source sent elsewhere starts over there.
    if (cp && cp.topic !== this.config.topic) cp = null;
    const recovered = new Map<string, RecoveredFile>();
    const past: PastGeneration[] = [];
    if (cp && (await step(cacheFits(cluster, this.config.topic, cp.scanFrom)))) {
      for (const f of cp.files) recovered.set(f.key, { ...f });
      past.push(...cp.past);
    } else if (cp) {
      // The log is shorter than when the cache was written (its tail was lost, or the
      // topic was recreated): the cache may be ahead of what the topic holds, so only the
      // topic is trusted.
      this.log.warn(
        `checkpoint of ${this.id} is ahead of topic ${this.config.topic}; rebuilding it from the topic`,
      );
      cp.scanFrom = {};
    }
    const scanFrom = cp?.scanFrom ?? {};
    const stop = () => this.closing;
    await step(scanTopic(cluster, this.config.topic, this.id, scanFrom, recovered, past, stop));
    this.past = new PastGenerations(past);
    this.initialized = (cp?.initialized ?? false) || recovered.size > 0;
    const found = await step(this.matcher.discover());
    await step(this.placeAtStart(found, recovered));
    this.placed = true;
    this.initialized = true;
    this.watchDirs(found.dirs);
    await step(this.writeCheckpoint());
    this.state = 'running';
    this.lastScan = this.clock();
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
    this.tickTimer.unref();
    for (const w of this.files.values()) this.kick(w);
  }

  /** A start in progress ends at once with CLOSED, its first scan cut short. */
  abortStart(): void {
    void this.close();
  }

  /** Stops reading, waits for records in flight and writes the checkpoint. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      this.signalClosed();
      this.matcher.abort();
      if (this.tickTimer) clearInterval(this.tickTimer);
      for (const w of this.watchers.values()) w.close();
      this.watchers.clear();
      if (this.scanning) await this.scanning.catch(() => {});
      await Promise.allSettled([...this.pumping.values()]);
      // Closed before its files were placed (a start aborted or failed): a checkpoint now
      // would list no files, and the next start would trust it over the topic.
      if (this.placed) {
        await this.writeCheckpoint().catch((err: Error) =>
          this.log.error(`final checkpoint failed: ${err.message}`),
        );
      }
      for (const w of this.files.values()) await w.close();
      this.state = 'stopped';
    })();
    return this.closed;
  }

  status(): SourceStatus {
    const files: FileStatus[] = [];
    let lines = 0;
    let rate = 0;
    let cut = 0;
    let parseErrors = 0;
    let behind = 0;
    const now = this.clock();
    for (const { file: t } of this.files.values()) {
      t.sampleRate(now);
      lines += t.stats.lines;
      rate += t.rate.perSec;
      cut += t.stats.linesCut;
      parseErrors += t.stats.parseErrors;
      behind += Math.max(0, t.size - t.committed);
      files.push({
        path: t.path,
        identity: identityString(t.key, t.fp),
        position: t.committed,
        size: t.size,
        bytesBehind: Math.max(0, t.size - t.committed),
        linesPerSec: t.rate.perSec,
        ...t.stats,
        rotated: t.rotated,
        lastError: t.lastError,
      });
    }
    return {
      id: this.id,
      type: 'file',
      topic: this.config.topic,
      state: this.state,
      lines,
      linesPerSecond: rate,
      cutLines: cut,
      parseErrors,
      bytesBehind: behind,
      lastError: this.lastError,
      detail: `${files.length} file(s)`,
      files,
    };
  }

  // ---- what watchers report (WatcherHost) ----

  rotated(): void {
    this.rescan();
  }

  matches(path: string): boolean {
    return this.matcher.matches(path);
  }

  finished(w: FileWatcher): void {
    this.files.delete(w.file.key);
    this.active.delete(w);
    const relatives = this.order.relatives(w);
    this.order.delete(w);
    this.wake(relatives);
    if (this.byPath.get(w.file.path) === w) this.byPath.delete(w.file.path);
    this.heads.delete(w.file);
    this.past.add(w.file.fp, w.file.committed);
    this.checkpointDirty = true;
    this.deps.onChange?.();
  }

  fingerprinted(w: FileWatcher): void {
    this.heads.set(w.file);
  }

  ended(fp: Fingerprint, position: number, path?: string): void {
    this.past.add(fp, position, path);
    this.checkpointDirty = true;
  }

  dirty(): void {
    this.checkpointDirty = true;
  }

  changed(): void {
    this.deps.onChange?.();
  }

  // ---- placing files ----

  private async placeAtStart(
    found: Discovered,
    recovered: Map<string, RecoveredFile>,
  ): Promise<void> {
    // Known files first: what they held before a truncation while we were stopped is
    // what new files may be copies of.
    const unknown: [string, { dev: number; ino: number }][] = [];
    for (const [path, st] of found.files) {
      if (this.closing) return;
      const key = fileKey(st.dev, st.ino);
      const rec = recovered.get(key);
      recovered.delete(key);
      if (rec) await this.track(path, st.dev, st.ino, rec, false);
      else unknown.push([path, st]);
    }
    // Files we were reading that no glob path leads to any more were rotated while we
    // were stopped: find them by inode near their last path and finish them.
    for (const rec of recovered.values()) {
      if (this.closing) return;
      const at = await findByKey(rec.key, [dirname(rec.path), ...found.dirs]);
      if (at) await this.track(at.path, at.dev, at.ino, rec, true);
      else this.past.add(rec.fp, rec.position);
    }
    for (const [path, st] of unknown) {
      if (this.closing) return;
      await this.track(path, st.dev, st.ino, null, false);
    }
  }

  /** Opens and registers a file. `rec` is its recovered checkpoint, if any. */
  private async track(
    path: string,
    dev: number,
    ino: number,
    rec: RecoveredFile | null,
    rotated: boolean,
  ): Promise<FileWatcher | null> {
    const key = fileKey(dev, ino);
    if (this.files.has(key)) return null;
    const w = await FileWatcher.open(
      path,
      dev,
      ino,
      {
        rec,
        rotated,
        atEnd: !rec && !this.initialized && this.config.startAt === 'end',
        partition: this.partitionFor(key),
        resume: (prefix, size) => this.copiedUpTo(key, path, prefix, size),
      },
      this,
    );
    if (w === 'wait' || !w) return null;
    if (this.closing || this.files.has(key)) {
      this.heads.delete(w.file);
      await w.close();
      return null;
    }
    this.files.set(key, w);
    this.byPath.set(path, w);
    this.order.set(w);
    this.checkpointDirty = true;
    return w;
  }

  /**
   * Where a new file `key` starts if it is a copy of content already read (copies.ts):
   * the position reached in a file being read that it begins with, once that file has
   * caught up with it ('wait' until then), or in an ended generation; else null. An
   * empty file waits, and so does a copy smaller than that position while its size still
   * moves (cp is filling it).
   */
  private copiedUpTo(
    key: string,
    path: string,
    prefix: Buffer,
    size: number,
  ): number | 'wait' | null {
    // Nothing to read yet, and `cp` creates its copy empty before it fills it: placed once
    // it has bytes (its next change event or the reconcile walk finds it again).
    if (size === 0) return 'wait';
    const now = this.clock();
    const before = this.maybeCopies.get(key);
    const seen = before?.seen ?? now;
    // When its size last moved: a copy smaller than what was read may still be written.
    const moved = before && before.size === size ? before.moved : now;
    const wait = (): 'wait' => {
      this.maybeCopies.set(key, { seen, size, moved });
      return 'wait';
    };
    const of = this.heads.find(prefix, undefined, path);
    const w = of && this.files.get(of.key);
    let read: number | null;
    if (of && w) {
      // A copy taken while the original had unread bytes: let the original read on, or
      // show its truncation, before deciding where the copy starts.
      if (of.committed < size && (this.pumping.has(w) || of.pumpedAt <= seen)) {
        this.kick(w);
        return wait();
      }
      read = of.committed;
    } else {
      read = this.past.match(prefix, path);
    }
    if (read !== null && size < read && now - moved < COPY_SETTLE_MS) return wait();
    this.maybeCopies.delete(key);
    return read === null ? null : Math.min(read, size);
  }

  private partitionFor(key: string): number | undefined {
    if (this.partitions <= 1) return undefined;
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
    return Math.abs(h) % this.partitions;
  }

  // ---- discovery while running ----

  private tick(): void {
    if (this.closing) return;
    const now = this.clock();
    if (now - this.lastScan >= Math.max(this.config.scanIntervalMs, this.scanMs * SCAN_SHARE)) {
      this.lastScan = now;
      this.rescan();
      if (this.checkpointDirty)
        void this.writeCheckpoint().catch((err: Error) => this.fail(`checkpoint: ${err.message}`));
    }
    if (this.maybeCopies.size > 0) this.rescan();
    // A pump still running (waiting for a descriptor or the broker) is not asked again.
    for (const w of this.active) if (!this.pumping.has(w)) this.kick(w);
    this.pool.closeInactive(now);
  }

  private rescan(): void {
    if (this.closing) return;
    if (this.scanning) {
      this.scanAgain = true;
      return;
    }
    this.scanning = (async () => {
      do {
        this.scanAgain = false;
        const t0 = performance.now();
        const found = await this.matcher.discover();
        this.scanMs = performance.now() - t0;
        if (this.closing) return;
        this.watchDirs(found.dirs);
        const seen = new Set<string>();
        for (const [path, st] of found.files) {
          const key = fileKey(st.dev, st.ino);
          seen.add(key);
          const w = this.files.get(key);
          if (w) {
            if (w.file.path !== path || this.byPath.get(path) !== w) this.moved(w, path);
            // Only files whose size moved: events normally wake them before this.
            if (st.size !== w.file.size || w.file.committed < st.size) this.kick(w);
            continue;
          }
          const added = await this.track(path, st.dev, st.ino, null, false);
          if (added) this.kick(added);
        }
        // A file no matching path leads to any more: its pump notices the rotation.
        for (const w of this.files.values()) if (!seen.has(w.file.key)) this.kick(w);
      } while (this.scanAgain && !this.closing);
    })()
      .catch((err: Error) => this.fail(`discovery: ${err.message}`))
      .finally(() => (this.scanning = null));
  }

  /** The same file now has another matching name. */
  private moved(w: FileWatcher, path: string): void {
    if (this.byPath.get(w.file.path) === w) this.byPath.delete(w.file.path);
    w.renamed(path);
    this.byPath.set(path, w);
    this.order.set(w);
  }

  private watchDirs(dirs: Set<string>): void {
    for (const dir of dirs) {
      if (this.watchers.has(dir) || this.closing) continue;
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => this.onFsEvent(dir, name));
        w.on('error', () => {
          w.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, w);
      } catch {
        // Directory vanished or cannot be watched: the reconcile pass still covers it.
      }
    }
  }

  private onFsEvent(dir: string, name: string | Buffer | null): void {
    if (this.closing) return;
    if (!name) {
      // The event queue overflowed: anything may have changed.
      for (const w of this.files.values()) this.kick(w);
      this.rescan();
      return;
    }
    const path = join(dir, name.toString());
    const w = this.byPath.get(path);
    if (w) this.kick(w);
    else if (this.matcher.matches(path)) this.rescan();
  }

  // ---- scheduling reads ----

  /** Runs `w`'s pump, or asks the running one to go round once more. */
  private kick(w: FileWatcher): void {
    if (this.closing || this.files.get(w.file.key) !== w) return;
    if (this.pumping.has(w)) {
      this.again.add(w);
      return;
    }
    if (this.order.olderUnread(w)) {
      this.waiting.add(w);
      return;
    }
    this.waiting.delete(w);
    const run = (async () => {
      do {
        this.again.delete(w);
        await w.pump();
      } while (this.again.has(w) && !this.closing && this.files.get(w.file.key) === w);
    })()
      .catch((err: Error) => w.failed(err))
      .finally(() => {
        this.pumping.delete(w);
        if (this.files.get(w.file.key) === w && w.needsPolling()) this.active.add(w);
        else this.active.delete(w);
        this.wake(this.order.relatives(w));
      });
    this.pumping.set(w, run);
  }

  /** Kicks those of `relatives` that waited for an older file of their family. */
  private wake(relatives: FileWatcher[]): void {
    for (const r of relatives) if (this.waiting.has(r)) this.kick(r);
  }

  // ---- checkpoint cache ----

  /**
   * Writes the checkpoint cache. The partitions' end offsets are taken first, then the
   * sends already in flight are awaited, so every record of this source below those
   * offsets is reflected in the positions written (see checkpoint.ts).
   */
  private writeCheckpoint(): Promise<void> {
    const run = async () => {
      this.checkpointDirty = false;
      const scanFrom: Record<string, number> = {};
      for (const p of (await this.deps.cluster.describeTopic(this.config.topic)).partitions) {
        scanFrom[String(p.partition)] = p.logEndOffset;
      }
      await Promise.allSettled([...this.inflight]);
      await writeCheckpoint(this.checkpointPath, {
        version: 1,
        source: this.id,
        topic: this.config.topic,
        initialized: this.initialized,
        scanFrom,
        files: [...this.files.values()].map(({ file: t }) => ({
          key: t.key,
          path: t.path,
          fp: t.fp satisfies Fingerprint,
          position: t.committed,
        })),
        past: this.past.list(),
      });
    };
    this.checkpointing = this.checkpointing.then(run, run);
    return this.checkpointing;
  }

  private fail(message: string): void {
    this.lastError = message;
    this.log.warn(message);
  }
}

async function cacheFits(
  cluster: Cluster,
  topic: string,
  scanFrom: Record<string, number>,
): Promise<boolean> {
  return (await cluster.describeTopic(topic)).partitions.every(
    (p) => p.logEndOffset >= (scanFrom[String(p.partition)] ?? 0),
  );
}
