/**
 * A file source: tails every file its globs match into one topic. Files are found by a
 * directory walk at start, by file-system events on the walked directories, and by a
 * periodic reconcile pass (events can be missed or coalesced). Each file is read by its
 * own sequential pump: read a chunk → split into lines → join multi-line events → parse →
 * `broker.send` → only then move the committed position, so the broker's pace is the
 * reading pace and the file itself is the buffer (backpressure).
 *
 * Rotation: a path that no longer leads to the open inode (rename, delete) makes the file
 * "rotated": it is drained to its end and closed once it has been idle `rotateWaitMs`.
 * A size below the read position or a changed fingerprint is a truncation (copytruncate
 * or plain): reading restarts at 0 and the bytes that were seen but not read are counted
 * as missed. Positions survive restarts through the records themselves (checkpoint.ts).
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BrokerApi, ProduceRecord } from '../broker/api';
import type { Logger } from '../logger';
import { readCheckpoint, scanTopic, writeCheckpoint, type RecoveredFile } from './checkpoint';
import type { FileSourceConfig } from './config';
import { LineBatchEncoder } from './batch-encoder';
import { GlobMatcher, type Discovered } from './discovery';
import {
  FINGERPRINT_BYTES,
  fileKey,
  hashBytes,
  identityString,
  readPrefix,
  type Fingerprint,
} from './identity';
import { LineSplitter, type Line } from './lines';
import { MultilineJoiner, type EventLines } from './multiline';
import { createParser, type Parser } from './parsers';
import { H, buildRecord, fixedHeader } from './record';
import { Semaphore } from './semaphore';
import type { FileStatus, Source, SourceStatus } from './status';
import { ensureTopic } from './topic';
import { TrackedFile } from './tracked-file';

const CHUNK_BYTES = 512 * 1024;
const TICK_MS = 100;
/** Pumps reading at once across all files of a source. */
const READ_SLOTS = 8;

export interface SourceDeps {
  broker: BrokerApi;
  dataDir: string;
  logger: Logger;
  /** Called when something worth a status refresh happened. */
  onChange?: () => void;
}

export class FileSource implements Source {
  readonly id: string;
  private readonly files = new Map<string, TrackedFile>();
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly slots = new Semaphore(READ_SLOTS);
  private readonly matcher: GlobMatcher;
  private readonly parser: Parser | null;
  private readonly checkpointPath: string;
  private partitions = 1;
  /** Largest batch the topic accepts (max.message.bytes), capped for latency. */
  private maxBatchBytes = 1024 * 1024;
  private initialized = false;
  private closing = false;
  private closed: Promise<void> | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private lastScan = 0;
  private scanning: Promise<void> | null = null;
  private scanAgain = false;
  private checkpointing: Promise<void> = Promise.resolve();
  private checkpointDirty = false;
  private state: SourceStatus['state'] = 'stopped';
  private lastError: string | null = null;
  private readonly log: Logger;

  constructor(
    readonly config: FileSourceConfig,
    private readonly deps: SourceDeps,
  ) {
    this.id = config.id;
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
    if (cp && cacheFits(broker, this.config.topic, cp.scanFrom)) {
      for (const f of cp.files) recovered.set(f.key, { ...f });
    } else if (cp) {
      // The log is shorter than when the cache was written (its tail was lost, or the
      // topic was recreated): the cache may be ahead of what the topic holds, so only the
      // topic is trusted.
      this.log.warn(
        `checkpoint of ${this.id} is ahead of topic ${this.config.topic}; rebuilding it from the topic`,
      );
      cp.scanFrom = {};
    }
    await scanTopic(broker, this.config.topic, this.id, cp?.scanFrom ?? {}, recovered);
    this.initialized = (cp?.initialized ?? false) || recovered.size > 0;
    const found = await this.matcher.discover();
    await this.placeAtStart(found, recovered);
    this.initialized = true;
    this.watchDirs(found.dirs);
    await this.writeCheckpoint();
    this.state = 'running';
    this.lastScan = Date.now();
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
    this.tickTimer.unref();
    for (const t of this.files.values()) this.kick(t);
  }

  /** Stops reading, waits for records in flight and writes the checkpoint. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      if (this.tickTimer) clearInterval(this.tickTimer);
      for (const w of this.watchers.values()) w.close();
      this.watchers.clear();
      if (this.scanning) await this.scanning.catch(() => {});
      await Promise.allSettled([...this.files.values()].map((t) => t.pumping));
      await this.writeCheckpoint().catch((err: Error) =>
        this.log.error(`final checkpoint failed: ${err.message}`),
      );
      for (const t of this.files.values()) await t.fh?.close().catch(() => {});
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
    const now = Date.now();
    for (const t of this.files.values()) {
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

  // ---- placing files ----

  private async placeAtStart(
    found: Discovered,
    recovered: Map<string, RecoveredFile>,
  ): Promise<void> {
    for (const [path, st] of found.files) {
      const key = fileKey(st.dev, st.ino);
      const rec = recovered.get(key);
      recovered.delete(key);
      await this.track(path, st.dev, st.ino, rec ?? null, false);
    }
    // Files we were reading that no glob path leads to any more were rotated while we
    // were stopped: find them by inode near their last path and finish them.
    for (const rec of recovered.values()) {
      const at = await findByKey(rec.key, [dirname(rec.path), ...found.dirs]);
      if (at) await this.track(at.path, at.dev, at.ino, rec, true);
    }
  }

  /** Opens and registers a file. `rec` is its recovered checkpoint, if any. */
  private async track(
    path: string,
    dev: number,
    ino: number,
    rec: RecoveredFile | null,
    rotated: boolean,
  ): Promise<void> {
    const key = fileKey(dev, ino);
    if (this.files.has(key)) return;
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      this.log.warn(`cannot open ${path}: ${(err as Error).message}`);
      return;
    }
    try {
      const st = await fh.stat();
      if (st.dev !== dev || st.ino !== ino) {
        // Replaced between the walk and the open: the next pass sees the new file.
        await fh.close();
        return;
      }
      let position = 0;
      let replaced = false;
      const prefix = await readPrefix(fh, Math.min(st.size, FINGERPRINT_BYTES));
      if (rec) {
        const sameStart =
          prefix.length >= rec.fp.length &&
          hashBytes(prefix.subarray(0, rec.fp.length)) === rec.fp.hash;
        if (!sameStart || st.size < rec.position) {
          if (rotated) {
            await fh.close();
            return;
          }
          this.log.warn(
            `${path} was truncated or replaced while stopped (was at byte ${rec.position}); reading from 0`,
          );
          replaced = true;
        } else {
          position = rec.position;
        }
      } else if (!this.initialized && this.config.startAt === 'end') {
        position = st.size;
      }
      const t = new TrackedFile(
        key,
        path,
        dev,
        ino,
        new LineSplitter(this.config.encoding, this.lineLimit(), position),
        this.config.multiline
          ? new MultilineJoiner({
              ...this.config.multiline,
              maxBytes: Math.min(this.config.multiline.maxBytes, this.lineLimit()),
            })
          : null,
        this.partitionFor(key),
        position,
      );
      t.fh = fh;
      t.size = st.size;
      t.rotated = rotated;
      if (replaced) t.stats.truncations = 1;
      this.setFingerprint(t, prefix);
      this.files.set(key, t);
      this.checkpointDirty = true;
      this.log.debug(
        `tracking ${path} (${key}) from byte ${position}${rotated ? ', rotated' : ''}`,
      );
    } catch (err) {
      await fh.close().catch(() => {});
      this.log.warn(`cannot read ${path}: ${(err as Error).message}`);
    }
  }

  /** A line or event must fit in one batch the topic accepts, headers included. */
  private lineLimit(): number {
    return Math.max(16, Math.min(this.config.maxLineBytes, this.maxBatchBytes - 4096));
  }

  private partitionFor(key: string): number | undefined {
    if (this.partitions <= 1) return undefined;
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
    return Math.abs(h) % this.partitions;
  }

  private setFingerprint(t: TrackedFile, prefix: Buffer): void {
    t.fpBytes = Buffer.from(prefix);
    t.fp = { length: prefix.length, hash: prefix.length > 0 ? hashBytes(prefix) : '' };
    this.refreshHeaders(t);
  }

  private refreshHeaders(t: TrackedFile): void {
    t.encoder = null;
    t.pathKey = Buffer.from(t.path);
    t.fixedHeaders = [
      fixedHeader(H.source, this.id),
      fixedHeader(H.file, t.path),
      fixedHeader(H.identity, identityString(t.key, t.fp)),
    ];
  }

  // ---- discovery while running ----

  private tick(): void {
    if (this.closing) return;
    const now = Date.now();
    if (now - this.lastScan >= this.config.scanIntervalMs) {
      this.lastScan = now;
      this.rescan();
      if (this.checkpointDirty)
        void this.writeCheckpoint().catch((err: Error) => this.fail(`checkpoint: ${err.message}`));
    }
    for (const t of this.files.values()) this.kick(t);
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
          const t = this.files.get(key);
          if (t) {
            if (t.path !== path) {
              // Renamed to another matching name: same file, keep reading it there.
              t.path = path;
              t.rotated = false;
              this.refreshHeaders(t);
            }
            this.kick(t);
            continue;
          }
          await this.track(path, st.dev, st.ino, null, false);
          const added = this.files.get(key);
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
    for (const t of this.files.values()) {
      if (path === null || t.path === path) {
        known = true;
        this.kick(t);
      }
    }
    if (!known && (path === null || this.matcher.matches(path))) this.rescan();
  }

  // ---- reading ----

  private kick(t: TrackedFile): void {
    if (this.closing || !t.fh) return;
    if (t.pumping) {
      t.again = true;
      return;
    }
    t.pumping = (async () => {
      do {
        t.again = false;
        await this.pump(t);
      } while (t.again && !this.closing);
    })()
      .catch((err: Error) => {
        t.lastError = err.message;
        this.log.warn(`reading ${t.path} failed: ${err.message}`);
        // Forget what was read but not produced; the next pump reads it again.
        t.splitter.reset(t.committed);
        t.joiner?.reset();
      })
      .finally(() => (t.pumping = null));
  }

  private async pump(t: TrackedFile): Promise<void> {
    const fh = t.fh!;
    if (!t.rotated) await this.checkRotation(t);
    let previous: Promise<void> = Promise.resolve();
    // Size from this pump's last fstat while it is still ahead of the read position: no
    // fstat per chunk. A shrink shows as a short read and forces a fresh fstat.
    let known = -1;
    while (!this.closing) {
      let size = known;
      const fresh = size <= t.readPos;
      if (fresh) {
        size = (await fh.stat()).size;
        if (size < t.readPos) {
          await previous;
          this.truncated(t, size);
          known = -1;
          continue;
        }
        if (size > t.size) t.size = size;
        if (size === t.readPos) break;
      }
      known = size;
      await this.slots.acquire();
      try {
        if (this.closing) return;
        const start = t.readPos;
        const buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - start));
        const { bytesRead } = await fh.read(buf, 0, buf.length, start);
        if (bytesRead === 0) {
          if (fresh) break;
          known = -1;
          continue;
        }
        // Verified after the read: a truncation before it would show here, so the chunk
        // cannot come from content that replaced the file we think we read.
        if (!(await this.verifyFingerprint(t, size))) {
          await previous;
          this.truncated(t, (await fh.stat()).size);
          known = -1;
          continue;
        }
        t.lastGrowth = Date.now();
        const lines = t.splitter.push(buf.subarray(0, bytesRead));
        // One append in flight while the next chunk is read: appends to a partition are
        // applied in call order, so positions still advance in order.
        const sending = this.produceLines(t, lines, previous);
        sending.catch(() => {});
        await previous;
        previous = sending;
      } finally {
        this.slots.release();
      }
    }
    await previous;
    if (this.closing) return;
    await this.flushIfDue(t);
  }

  /** Marks the file rotated when its path leads elsewhere (rename or delete). */
  private async checkRotation(t: TrackedFile): Promise<void> {
    try {
      const st = await stat(t.path);
      if (st.dev === t.dev && st.ino === t.ino) return;
    } catch {
      // Gone: deleted or renamed away.
    }
    t.rotated = true;
    t.lastGrowth = Date.now();
    this.log.debug(`${t.path} (${t.key}) rotated away; draining it`);
    this.rescan();
  }

  /** Grows a short fingerprint or re-checks a full one. False when the start changed. */
  private async verifyFingerprint(t: TrackedFile, size: number): Promise<boolean> {
    const fh = t.fh!;
    if (t.fp.length < FINGERPRINT_BYTES && size > t.fp.length) {
      const prefix = await readPrefix(fh, Math.min(size, FINGERPRINT_BYTES));
      if (!prefix.subarray(0, t.fp.length).equals(t.fpBytes)) return false;
      this.setFingerprint(t, prefix);
      return true;
    }
    if (t.fp.length === 0) return true;
    const prefix = await readPrefix(fh, t.fp.length);
    return prefix.equals(t.fpBytes);
  }

  private truncated(t: TrackedFile, size: number): void {
    const missed = Math.max(0, t.size - t.readPos);
    t.stats.truncations++;
    t.stats.missedBytes += missed;
    this.log.warn(
      `${t.path} was truncated (read up to byte ${t.readPos}, size now ${size}); reading from 0` +
        (missed > 0
          ? `; ${missed} bytes were never read`
          : '; lines written just before the truncation may be lost'),
    );
    t.splitter.reset(0);
    t.joiner?.reset();
    t.committed = 0;
    t.size = size;
    t.fpBytes = Buffer.alloc(0);
    t.fp = { length: 0, hash: '' };
    this.refreshHeaders(t);
    this.checkpointDirty = true;
    this.deps.onChange?.();
  }

  /** Sends a multi-line event that timed out, or finishes a rotated file gone quiet. */
  private async flushIfDue(t: TrackedFile): Promise<void> {
    const now = Date.now();
    const quietRotated = t.rotated && now - t.lastGrowth >= this.config.rotateWaitMs;
    const events: EventLines[] = [];
    if (quietRotated) {
      const partial = t.splitter.flushPartial();
      if (partial) events.push(...this.join(t, [partial]));
    }
    if (
      t.joiner &&
      t.joiner.pendingStart !== null &&
      (quietRotated || now - t.joiner.lastGrowth >= this.config.multiline!.flushMs)
    ) {
      const ev = t.joiner.flush();
      if (ev) events.push(ev);
    }
    if (events.length > 0) await this.produce(t, events);
    if (quietRotated) {
      this.files.delete(t.key);
      await t.fh?.close().catch(() => {});
      t.fh = null;
      this.checkpointDirty = true;
      this.log.debug(`finished rotated file ${t.path} (${t.key}) at byte ${t.committed}`);
      this.deps.onChange?.();
    }
  }

  private join(t: TrackedFile, lines: Line[]): EventLines[] {
    if (!t.joiner) return lines as unknown as EventLines[];
    const out: EventLines[] = [];
    for (const l of lines) out.push(...t.joiner.push(l));
    return out;
  }

  private async produceLines(t: TrackedFile, lines: Line[], gate: Promise<void>): Promise<void> {
    await this.produce(t, this.join(t, lines), gate);
  }

  /**
   * Sends events as records; moves the committed position only once they are appended.
   * The append itself waits for `gate` (the previous append of this file) and is skipped
   * if that failed, so a failed chunk can never be followed by a later one in the topic.
   */
  private async produce(
    t: TrackedFile,
    events: EventLines[],
    gate: Promise<void> = Promise.resolve(),
  ): Promise<void> {
    const after = t.pendingStart();
    if (events.length === 0) {
      await gate;
      t.committed = after;
      return;
    }
    const now = Date.now();
    if (!this.parser && this.config.key.type !== 'field') {
      await this.produceFast(t, events, after, now, gate);
      return;
    }
    const ctx = {
      topic: this.config.topic,
      fixedHeaders: t.fixedHeaders,
      parser: this.parser,
      fields: this.config.fields,
      key: this.config.key,
      pathKey: t.pathKey,
      partition: t.partition,
      now,
    };
    const records: ProduceRecord[] = new Array(events.length);
    let cut = 0;
    let invalid = 0;
    let parseErrors = 0;
    let lineCount = 0;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i];
      const built = buildRecord(ev, ctx);
      records[i] = built.record;
      if (built.parseError) parseErrors++;
      if (ev.cutFrom !== undefined) cut++;
      invalid += ev.invalid;
      lineCount += ev.lines ?? 1;
    }
    await this.commitAfter(
      t,
      gate.then(() => this.deps.broker.send(records, { acks: 1 })),
      after,
      { lines: lineCount, cut, invalid, parseErrors },
    );
  }

  /** Plain lines: encoded straight into record batches and appended to the partition. */
  private async produceFast(
    t: TrackedFile,
    events: EventLines[],
    after: number,
    now: number,
    gate: Promise<void>,
  ): Promise<void> {
    const key = this.config.key.type === 'path' ? t.pathKey : null;
    t.encoder ??= new LineBatchEncoder(t.fixedHeaders, key);
    const partition = key
      ? this.deps.broker.partitionFor(this.config.topic, key)
      : (t.partition ?? 0);
    const batches = t.encoder.encode(events, now, this.maxBatchBytes);
    let lineCount = 0;
    let cut = 0;
    let invalid = 0;
    for (const ev of events) {
      lineCount += ev.lines ?? 1;
      if (ev.cutFrom !== undefined) cut++;
      invalid += ev.invalid;
    }
    await this.commitAfter(
      t,
      gate.then(() =>
        this.deps.broker.appendBatches(this.config.topic, partition, batches, { acks: 1 }),
      ),
      after,
      { lines: lineCount, cut, invalid, parseErrors: 0 },
    );
  }

  /**
   * The end of both produce paths: once `append` succeeds, moves `t`'s committed position to
   * `after` and adds the chunk's counts to its stats; while it runs it is in `inflight`, so
   * close() waits for it. The first await comes after the add, so the caller's append is
   * tracked from the moment it is made.
   */
  private async commitAfter(
    t: TrackedFile,
    append: Promise<unknown>,
    after: number,
    n: { lines: number; cut: number; invalid: number; parseErrors: number },
  ): Promise<void> {
    const sent = append.then(() => {
      t.committed = after;
      t.stats.lines += n.lines;
      t.stats.linesCut += n.cut;
      t.stats.invalidBytes += n.invalid;
      t.stats.parseErrors += n.parseErrors;
      t.lastError = null;
      this.checkpointDirty = true;
    });
    this.inflight.add(sent);
    try {
      await sent;
    } finally {
      this.inflight.delete(sent);
    }
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
        files: [...this.files.values()].map((t) => ({
          key: t.key,
          path: t.path,
          fp: t.fp satisfies Fingerprint,
          position: t.committed,
        })),
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
