/**
 * A file source: tails every file its globs match into one topic. Files are found by a
 * directory walk at start, by file-system events on the walked directories, and by a
 * periodic reconcile pass (events can be missed or coalesced). Each file is read by its
 * own FileWatcher (file-watcher.ts: the read / rotation / truncation loop); this module
 * decides which files exist and when each watcher runs, and keeps the checkpoint cache.
 * Positions survive restarts through the records themselves (checkpoint.ts).
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BrokerApi } from '../broker/api';
import type { Logger } from '../logger';
import { readCheckpoint, scanTopic, writeCheckpoint, type RecoveredFile } from './checkpoint';
import type { FileSourceConfig } from './config';
import { PastGenerations, PrefixIndex, type PastGeneration } from './copies';
import { GlobMatcher, type Discovered } from './discovery';
import { FileWatcher, type WatcherHost } from './file-watcher';
import { fileKey, identityString, type Fingerprint } from './identity';
import type { TrackedFile } from './tracked-file';
import { createParser, type Parser } from './parsers';
import { Semaphore } from './semaphore';
import type { SourceDeps } from './source-deps';
import type { FileStatus, Source, SourceStatus } from './status';
import { ensureTopic } from './topic';

export type { SourceDeps } from './source-deps';

const TICK_MS = 100;
/** Pumps reading at once across all files of a source. */
const READ_SLOTS = 8;

export class FileSource implements Source, WatcherHost {
  readonly id: string;
  readonly sourceId: string;
  readonly broker: BrokerApi;
  readonly parser: Parser | null;
  readonly log: Logger;
  readonly clock: () => number;
  readonly slots = new Semaphore(READ_SLOTS);
  readonly inflight = new Set<Promise<void>>();
  /** Largest batch the topic accepts (max.message.bytes), capped for latency. */
  maxBatchBytes = 1024 * 1024;
  closing = false;
  private readonly files = new Map<string, FileWatcher>();
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly pumping = new Map<FileWatcher, Promise<void>>();
  private readonly again = new Set<FileWatcher>();
  /** Files being read, by their first bytes, and content that ended: to recognise copies. */
  private readonly heads = new PrefixIndex<TrackedFile>();
  private past = new PastGenerations();
  /** Possible copies of a file still being read, by key: decided once it has caught up. */
  private readonly maybeCopies = new Map<string, number>();
  private readonly matcher: GlobMatcher;
  private readonly checkpointPath: string;
  private partitions = 1;
  private initialized = false;
  private closed: Promise<void> | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private lastScan = 0;
  private scanning: Promise<void> | null = null;
  private scanAgain = false;
  private checkpointing: Promise<void> = Promise.resolve();
  private checkpointDirty = false;
  private state: SourceStatus['state'] = 'stopped';
  private lastError: string | null = null;

  constructor(
    readonly config: FileSourceConfig,
    private readonly deps: SourceDeps,
  ) {
    this.id = config.id;
    this.sourceId = config.id;
    this.broker = deps.broker;
    this.clock = deps.clock;
    this.matcher = new GlobMatcher(config.include, config.exclude);
    this.parser = createParser(config.parser, config.timezone);
    this.checkpointPath = join(deps.dataDir, 'collectors', 'checkpoints', `${config.id}.json`);
    this.log = deps.logger.child(`collector:${config.id}`);
  }

  /**
   * Recovers positions (checkpoint cache + topic scan), places every matching file and
   * starts watching. @throws LogdockError when the topic cannot be created or read.
   */
  async start(): Promise<void> {
    const { broker } = this.deps;
    this.partitions = await ensureTopic(broker, this.config.topic);
    const limit = Number(broker.describeTopic(this.config.topic).configs['max.message.bytes']);
    if (Number.isFinite(limit) && limit > 0) this.maxBatchBytes = Math.min(limit, 1024 * 1024);
    await mkdir(dirname(this.checkpointPath), { recursive: true });
    let cp = await readCheckpoint(this.checkpointPath, this.log);
    // Positions belong to a topic: a source sent elsewhere starts over there.
    if (cp && cp.topic !== this.config.topic) cp = null;
    const recovered = new Map<string, RecoveredFile>();
    const past: PastGeneration[] = [];
    if (cp && cacheFits(broker, this.config.topic, cp.scanFrom)) {
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
    await scanTopic(broker, this.config.topic, this.id, cp?.scanFrom ?? {}, recovered, past);
    this.past = new PastGenerations(past);
    this.initialized = (cp?.initialized ?? false) || recovered.size > 0;
    const found = await this.matcher.discover();
    await this.placeAtStart(found, recovered);
    this.initialized = true;
    this.watchDirs(found.dirs);
    await this.writeCheckpoint();
    this.state = 'running';
    this.lastScan = this.clock();
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
    this.tickTimer.unref();
    for (const w of this.files.values()) this.kick(w);
  }

  /** Stops reading, waits for records in flight and writes the checkpoint. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      if (this.tickTimer) clearInterval(this.tickTimer);
      for (const w of this.watchers.values()) w.close();
      this.watchers.clear();
      if (this.scanning) await this.scanning.catch(() => {});
      await Promise.allSettled([...this.pumping.values()]);
      await this.writeCheckpoint().catch((err: Error) =>
        this.log.error(`final checkpoint failed: ${err.message}`),
      );
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

  finished(w: FileWatcher): void {
    this.files.delete(w.file.key);
    this.heads.delete(w.file);
    this.past.add(w.file.fp, w.file.committed);
    this.checkpointDirty = true;
    this.deps.onChange?.();
  }

  fingerprinted(w: FileWatcher): void {
    this.heads.set(w.file);
  }

  ended(fp: Fingerprint, position: number): void {
    this.past.add(fp, position);
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
      const key = fileKey(st.dev, st.ino);
      const rec = recovered.get(key);
      recovered.delete(key);
      if (rec) await this.track(path, st.dev, st.ino, rec, false);
      else unknown.push([path, st]);
    }
    // Files we were reading that no glob path leads to any more were rotated while we
    // were stopped: find them by inode near their last path and finish them.
    for (const rec of recovered.values()) {
      const at = await findByKey(rec.key, [dirname(rec.path), ...found.dirs]);
      if (at) await this.track(at.path, at.dev, at.ino, rec, true);
      else this.past.add(rec.fp, rec.position);
    }
    for (const [path, st] of unknown) await this.track(path, st.dev, st.ino, null, false);
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
        resume: (prefix, size) => this.copiedUpTo(key, prefix, size),
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
    this.checkpointDirty = true;
    return w;
  }

  /**
   * Where a new file `key` starts if it is a copy of content already read (copies.ts):
   * the position reached in a file being read that it begins with, once that file has
   * caught up with it ('wait' until then), or in an ended generation; else null.
   */
  private copiedUpTo(key: string, prefix: Buffer, size: number): number | 'wait' | null {
    const now = this.clock();
    const seen = this.maybeCopies.get(key) ?? now;
    const of = this.heads.find(prefix);
    const w = of && this.files.get(of.key);
    if (of && w) {
      // A copy taken while the original had unread bytes: let the original read on, or
      // show its truncation, before deciding where the copy starts.
      if (of.committed < size && (this.pumping.has(w) || of.pumpedAt <= seen)) {
        this.maybeCopies.set(key, seen);
        this.kick(w);
        return 'wait';
      }
      this.maybeCopies.delete(key);
      return Math.min(of.committed, size);
    }
    this.maybeCopies.delete(key);
    const read = this.past.match(prefix);
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
    if (now - this.lastScan >= this.config.scanIntervalMs) {
      this.lastScan = now;
      this.rescan();
      if (this.checkpointDirty)
        void this.writeCheckpoint().catch((err: Error) => this.fail(`checkpoint: ${err.message}`));
    }
    if (this.maybeCopies.size > 0) this.rescan();
    for (const w of this.files.values()) this.kick(w);
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
        const found = await this.matcher.discover();
        if (this.closing) return;
        this.watchDirs(found.dirs);
        for (const [path, st] of found.files) {
          const key = fileKey(st.dev, st.ino);
          const w = this.files.get(key);
          if (w) {
            if (w.file.path !== path) w.renamed(path);
            this.kick(w);
            continue;
          }
          const added = await this.track(path, st.dev, st.ino, null, false);
          if (added) this.kick(added);
        }
      } while (this.scanAgain && !this.closing);
    })()
      .catch((err: Error) => this.fail(`discovery: ${err.message}`))
      .finally(() => (this.scanning = null));
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
    const path = name ? join(dir, name.toString()) : null;
    let known = false;
    for (const w of this.files.values()) {
      if (path === null || w.file.path === path) {
        known = true;
        this.kick(w);
      }
    }
    if (!known && (path === null || this.matcher.matches(path))) this.rescan();
  }

  // ---- scheduling reads ----

  /** Runs `w`'s pump, or asks the running one to go round once more. */
  private kick(w: FileWatcher): void {
    if (this.closing || !w.file.fh) return;
    if (this.pumping.has(w)) {
      this.again.add(w);
      return;
    }
    const run = (async () => {
      do {
        this.again.delete(w);
        await w.pump();
      } while (this.again.has(w) && !this.closing);
    })()
      .catch((err: Error) => w.failed(err))
      .finally(() => this.pumping.delete(w));
    this.pumping.set(w, run);
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
      for (const p of this.deps.broker.describeTopic(this.config.topic).partitions) {
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

function cacheFits(broker: BrokerApi, topic: string, scanFrom: Record<string, number>): boolean {
  return broker
    .describeTopic(topic)
    .partitions.every((p) => p.logEndOffset >= (scanFrom[String(p.partition)] ?? 0));
}

/** Looks for the file `dev:ino` in the given directories (not recursively). */
async function findByKey(
  key: string,
  dirs: Iterable<string>,
): Promise<{ path: string; dev: number; ino: number } | null> {
  const seen = new Set<string>();
  for (const dir of dirs) {
    if (seen.has(dir)) continue;
    seen.add(dir);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      try {
        const st = await stat(path);
        if (st.isFile() && fileKey(st.dev, st.ino) === key)
          return { path, dev: st.dev, ino: st.ino };
      } catch {
        // vanished
      }
    }
  }
  return null;
}
