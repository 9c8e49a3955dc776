/**
 * The read loop of one file of a file source (Vector's `file_watcher`): read a chunk →
 * split into lines → join multi-line events → parse → append → only then move the
 * committed position, so the broker's pace is the reading pace and the file itself is the
 * buffer (backpressure). It notices rotation (the path leads elsewhere: drain, then let go
 * once idle `rotateWaitMs`) and truncation (size below the read position or a changed
 * fingerprint: restart at 0, counting the bytes never read). The file source decides which
 * files exist and when each watcher runs; the watcher's state is its TrackedFile.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Cluster, ProduceRecord } from '../cluster';
import type { Logger } from '../logger';
import { BufferPool } from '../buffer-pool';
import { LineBatchEncoder } from './batch-encoder';
import type { RecoveredFile } from './checkpoint';
import {
  countEvents,
  encodeLinesOffThread,
  lineTimes,
  offThreadReady,
  sharedBuffers,
  type LineCounts,
} from './encode-lines';
import type { FileSourceConfig } from '../../common/collectors/config';
import type { DescriptorHolder, DescriptorPool } from './descriptor-pool';
import { findByKey } from './discovery';
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
import type { Parser } from './parsers';
import { H, buildRecord, fixedHeader } from './record';
import type { Semaphore } from '../../common/semaphore';
import { SendChain } from './send-chain';
import { TrackedFile } from './tracked-file';
import { lineLimitFor } from './line-limit';

const CHUNK_BYTES = 512 * 1024;
/**
 * Chunks of one file read and sent before the oldest one's append is waited for (SendChain):
 * enough that the ingest thread has the next chunk to encode while the main thread appends.
 */
const SENDS_IN_FLIGHT = 4;
/**
 * Reads at least this large go to the ingest thread to be split and encoded (encode-lines.ts);
 * smaller ones, a few lines written just now, are encoded inline: the hop to the thread and
 * back would only add to their latency.
 */
const OFF_THREAD_BYTES = 64 * 1024;
/** An unfinished line held inline up to this long is read again to start an off-thread chunk. */
const REREAD_BYTES = 16 * 1024;
const LF = 0x0a;
/**
 * Read chunks and encoded batches of all file sources, reused: a fresh half-megabyte
 * buffer per chunk is memory the kernel must fault in page by page (~0.5 ms each on the
 * shared test machine), twice per chunk, and garbage for V8 to collect.
 */
const buffers = new BufferPool(2 * 1024 * 1024, 16 * 1024 * 1024);

/** What a watcher needs from its file source. */
export interface WatcherHost {
  readonly sourceId: string;
  readonly config: FileSourceConfig;
  readonly cluster: Cluster;
  readonly parser: Parser | null;
  readonly log: Logger;
  readonly clock: () => number;
  /** Read slots shared by all files of the source. */
  readonly slots: Semaphore;
  /** The bound on open descriptors, shared by every file source of the process. */
  readonly pool: DescriptorPool;
  /** Whether a path is one the source's globs select. */
  matches(path: string): boolean;
  /** Largest batch the topic accepts (max.message.bytes), capped for latency. */
  readonly maxBatchBytes: number;
  readonly closing: boolean;
  /** The path no longer leads to this file: look for what it leads to now. */
  rotated(w: FileWatcher): void;
  /** A rotated file went quiet and was closed: forget it. */
  finished(w: FileWatcher): void;
  /** The file's first bytes (fingerprint) changed. */
  fingerprinted(w: FileWatcher): void;
  /**
   * Content starting with `fp` was produced up to `position` and is gone from this file;
   * `path` is where it was when it ended by a truncation (a copy of it is named after it).
   */
  ended(fp: Fingerprint, position: number, path?: string): void;
  /** Positions or identity changed: the checkpoint cache is out of date. */
  dirty(): void;
  /** Something worth a status refresh happened. */
  changed(): void;
  /** Appends in flight, so a checkpoint can wait for them. */
  readonly inflight: Set<Promise<void>>;
}

/** Where a new watcher starts, and why. */
export interface Placement {
  /** The file's recovered checkpoint, if any. */
  rec: RecoveredFile | null;
  /** Found under another name after a restart: finish it, never read it from 0. */
  rotated: boolean;
  /** A file never seen before starts at its end (startAt: end, first scan). */
  atEnd: boolean;
  partition: number | undefined;
  /**
   * For a file with no checkpoint: where it starts given its first bytes and size (a copy
   * of content already read), 'wait' to decide later, or null for the usual start.
   */
  resume?: (prefix: Buffer, size: number) => number | 'wait' | null;
}

export class FileWatcher implements DescriptorHolder {
  /**
   * Set once the file is finished (gone, or rotated and quiet). A pump asked for meanwhile
   * must not reopen it by path: the inode may already belong to the next file there
   * (delete-and-recreate often reuses it), which would then be read twice.
   */
  private over = false;

  private constructor(
    readonly file: TrackedFile,
    private readonly host: WatcherHost,
  ) {}

  /**
   * Opens `path` (expected to be `dev:ino`) and places it. Null when it cannot be opened,
   * was replaced meanwhile, or is a rotated file whose content is no longer what we read.
   */
  static async open(
    path: string,
    dev: number,
    ino: number,
    at: Placement,
    host: WatcherHost,
  ): Promise<FileWatcher | 'wait' | null> {
    let fh: FileHandle;
    await host.pool.acquire();
    try {
      fh = await open(path, 'r');
    } catch (err) {
      host.pool.release();
      host.log.warn(`cannot open ${path}: ${(err as Error).message}`);
      return null;
    }
    const give = async () => {
      host.pool.release();
      await fh.close().catch(() => {});
    };
    try {
      const st = await fh.stat();
      if (st.dev !== dev || st.ino !== ino) {
        // Replaced between the walk and the open: the next pass sees the new file.
        await give();
        return null;
      }
      const { rec } = at;
      let position = 0;
      let replaced = false;
      const prefix = await readPrefix(fh, Math.min(st.size, FINGERPRINT_BYTES));
      if (rec) {
        const sameStart =
          prefix.length >= rec.fp.length &&
          hashBytes(prefix.subarray(0, rec.fp.length)) === rec.fp.hash;
        if (!sameStart || st.size < rec.position) {
          host.ended(rec.fp, rec.position, rec.path);
          if (at.rotated) {
            await give();
            return null;
          }
          host.log.warn(
            `${path} was truncated or replaced while stopped (was at byte ${rec.position})`,
          );
          replaced = true;
        } else {
          position = rec.position;
        }
      } else if (at.atEnd) {
        position = st.size;
      }
      // A file under a known dev:ino with other content is a new file, as one never seen:
      // it may be a copy (copytruncate's `rotate 1` deletes the old copy, and the next copy
      // often gets its inode number).
      if (((!rec && !at.atEnd) || replaced) && at.resume) {
        const copied = at.resume(prefix, st.size);
        if (copied === 'wait') {
          await give();
          return 'wait';
        }
        if (copied !== null) {
          position = copied;
          host.log.debug(`${path} is a copy of content read up to byte ${copied}`);
        }
      }
      const { config } = host;
      const limit = lineLimit(config, host.maxBatchBytes);
      const t = new TrackedFile(
        fileKey(dev, ino),
        path,
        dev,
        ino,
        new LineSplitter(config.encoding, limit, position),
        config.multiline
          ? new MultilineJoiner({
              ...config.multiline,
              maxBytes: Math.min(config.multiline.maxBytes, limit),
            })
          : null,
        at.partition,
        position,
        host.clock(),
      );
      t.fh = fh;
      t.size = st.size;
      t.mtimeMs = st.mtimeMs;
      t.rotated = at.rotated;
      if (replaced) t.stats.truncations = 1;
      const w = new FileWatcher(t, host);
      w.setFingerprint(prefix);
      // A rotated file is reachable only through this descriptor: it keeps it.
      if (!t.rotated) host.pool.idle(w, position >= st.size, host.clock());
      host.log.debug(
        `tracking ${path} (${t.key}) from byte ${position}${at.rotated ? ', rotated' : ''}`,
      );
      return w;
    } catch (err) {
      await give();
      host.log.warn(`cannot read ${path}: ${(err as Error).message}`);
      return null;
    }
  }

  /** The same file now has another matching name: keep reading it there. */
  renamed(path: string): void {
    this.file.path = path;
    this.file.rotated = false;
    this.refreshHeaders();
  }

  /** A read failed: forget what was read but not produced; the next pump reads it again. */
  failed(err: Error): void {
    const t = this.file;
    t.lastError = err.message;
    this.host.log.warn(`reading ${t.path} failed: ${err.message}`);
    t.splitter.reset(t.committed);
    t.joiner?.reset();
  }

  async close(): Promise<void> {
    const fh = this.file.fh;
    if (!fh) return;
    this.file.fh = null;
    this.host.pool.release(this);
    await fh.close().catch(() => {});
  }

  /** The pool needs the descriptor back; the file is reopened by path when it changes. */
  evict(): void {
    const fh = this.file.fh;
    this.file.fh = null;
    void fh?.close().catch(() => {});
  }

  /**
   * Whether the source should look at this file on its short tick besides file-system
   * events (and the reconcile walk, for events lost): while it drains after a rotation
   * (no event tells when it went quiet), holds an open multi-line event, or failed.
   */
  needsPolling(): boolean {
    const t = this.file;
    return (
      t.rotated || t.lastError !== null || (t.joiner !== null && t.joiner.pendingStart !== null)
    );
  }

  /** Reads the file to its current end, then flushes what is due. */
  async pump(): Promise<void> {
    if (this.over || !(await this.reopen())) return;
    try {
      await this.readToEnd();
    } finally {
      const t = this.file;
      if (t.fh && !t.rotated) this.host.pool.idle(this, t.committed >= t.size, this.host.clock());
    }
  }

  /**
   * Takes the file's descriptor out of the pool's idle set, or reopens the file by path
   * (or, renamed meanwhile, by inode beside it). False when it is gone: then it is
   * finished, read up to where it was closed.
   */
  private async reopen(): Promise<boolean> {
    const t = this.file;
    const pool = this.host.pool;
    if (t.fh) {
      pool.busy(this);
      return true;
    }
    await pool.acquire();
    let fh: FileHandle | null;
    try {
      fh = await openSame(t.path, t.dev, t.ino);
      if (!fh) {
        const at = await findByKey(t.key, [dirname(t.path)]);
        fh = at && (await openSame(at.path, t.dev, t.ino));
        if (fh && at) {
          t.path = at.path;
          t.rotated = !this.host.matches(at.path);
          t.lastGrowth = this.host.clock();
          this.refreshHeaders();
        }
      }
    } catch (err) {
      pool.release();
      throw err;
    }
    if (fh) {
      t.fh = fh;
      return true;
    }
    pool.release();
    const unread = Math.max(0, t.size - t.committed);
    const log = unread > 0 ? this.host.log.warn : this.host.log.debug;
    log.call(
      this.host.log,
      `${t.path} (${t.key}) is gone; it was read up to byte ${t.committed}` +
        (unread > 0 ? `, ${unread} bytes were never read` : ''),
    );
    this.finish();
    return false;
  }

  private finish(): void {
    this.over = true;
    this.host.finished(this);
  }

  private async readToEnd(): Promise<void> {
    const t = this.file;
    const fh = t.fh!;
    const host = this.host;
    if (!t.rotated) await this.checkRotation();
    const chain = new SendChain(SENDS_IN_FLIGHT);
    try {
      await this.readChunks(fh, chain);
    } catch (err) {
      // The chunks already sent land (or fail) first: the position the failed pump leaves
      // is then final, and the next pump reads again nothing that is appended after all.
      await chain.settle();
      throw err;
    }
    await chain.drain();
    if (host.closing) return;
    t.pumpedAt = host.clock();
    await this.flushIfDue();
  }

  /** Reads chunks up to the file's end and sends them, their appends in `chain`. */
  private async readChunks(fh: FileHandle, chain: SendChain): Promise<void> {
    const t = this.file;
    const host = this.host;
    // Size from this pump's last fstat while it is still ahead of the read position: no
    // fstat per chunk. A shrink shows as a short read and forces a fresh fstat.
    let known = -1;
    while (!host.closing) {
      let size = known;
      const fresh = size <= t.readPos;
      if (fresh) {
        const st = await fh.stat();
        size = st.size;
        t.mtimeMs = st.mtimeMs;
        if (size < t.readPos) {
          await chain.drain();
          this.truncated(size);
          known = -1;
          continue;
        }
        if (size > t.size) t.size = size;
        if (size === t.readPos) break;
      }
      known = size;
      await host.slots.acquire();
      try {
        if (host.closing) return;
        if (this.encodesOffThread(size)) {
          const read = await this.readOffThread(fh, size, chain.last);
          if (read === 'truncated') {
            await chain.drain();
            this.truncated((await fh.stat()).size);
            known = -1;
            continue;
          }
          if (read === 'empty') {
            if (fresh) break;
            known = -1;
            continue;
          }
          await chain.add(read.sending);
          continue;
        }
        const start = t.readPos;
        const length = Math.min(CHUNK_BYTES, size - start);
        // The plain fast path encodes a chunk's lines before produce() returns, and the
        // splitter copies an unfinished line: then nothing refers to the chunk after it.
        const reusable = this.encodesAtOnce();
        const buf = reusable ? buffers.acquire(length) : Buffer.allocUnsafe(length);
        const { bytesRead } = await fh.read(buf, 0, length, start);
        if (bytesRead === 0) {
          if (reusable) buffers.release(buf);
          if (fresh) break;
          known = -1;
          continue;
        }
        // Verified after the read: a truncation before it would show here, so the chunk
        // cannot come from content that replaced the file we think we read.
        if (!(await this.verifyFingerprint(size))) {
          if (reusable) buffers.release(buf);
          await chain.drain();
          this.truncated((await fh.stat()).size);
          known = -1;
          continue;
        }
        t.lastGrowth = host.clock();
        const lines = t.splitter.push(buf.subarray(0, bytesRead));
        const sending = this.produce(this.join(lines), chain.last);
        if (reusable) buffers.release(buf);
        await chain.add(sending);
      } finally {
        host.slots.release();
      }
    }
  }

  /**
   * Whether the next read goes to the ingest thread: the plain fast path, a one-byte
   * newline, enough unread bytes to be worth the hop, and no unfinished line held inline
   * (or one short enough to read again from its start instead), and the thread is up.
   */
  private encodesOffThread(size: number): boolean {
    const t = this.file;
    const { config } = this.host;
    if (!this.encodesAtOnce() || (config.encoding !== 'utf8' && config.encoding !== 'latin1'))
      return false;
    const s = t.splitter;
    // A long unfinished line stays with the splitter, which may be cutting it.
    if (s.pendingBytes > REREAD_BYTES) return false;
    const from = s.pendingBytes > 0 ? s.pendingStart : s.expected;
    return size - from >= OFF_THREAD_BYTES && offThreadReady();
  }

  /**
   * Reads the next chunk up to its last newline and sends it to the ingest thread to be
   * split and encoded; returns the append of its batches (wrapped: awaiting the read must not await it) (committing the position after its
   * last line; a chunk with no newline goes to the inline splitter instead), 'truncated'
   * when the file's start changed, or 'empty' when nothing was read.
   */
  private async readOffThread(
    fh: FileHandle,
    size: number,
    previous: Promise<void>,
  ): Promise<{ sending: Promise<void> } | 'truncated' | 'empty'> {
    const t = this.file;
    const host = this.host;
    // Bytes of an unfinished line held inline are read again, so the chunk starts a line.
    if (t.splitter.pendingBytes > 0) t.splitter.reset(t.splitter.pendingStart);
    const start = t.readPos;
    const length = Math.min(CHUNK_BYTES, size - start);
    const chunk = sharedBuffers.acquire(length);
    let sent = false;
    try {
      const { bytesRead } = await fh.read(chunk, 0, length, start);
      if (bytesRead === 0) return 'empty';
      if (!(await this.verifyFingerprint(size))) return 'truncated';
      t.lastGrowth = host.clock();
      const nl = chunk.lastIndexOf(LF, bytesRead - 1);
      if (nl < 0) {
        // One line longer than the chunk: the splitter holds and cuts it.
        const lines = t.splitter.push(chunk.subarray(0, bytesRead));
        return { sending: this.produce(this.join(lines), previous) };
      }
      const end = start + nl + 1;
      // The bytes after the last newline are read again with the next chunk.
      t.splitter.reset(end);
      sent = true;
      return { sending: this.produceOffThread(chunk, nl + 1, start, end, previous) };
    } finally {
      if (!sent) sharedBuffers.release(chunk);
    }
  }

  /**
   * The ingest thread's half of the fast path: `chunk[0, length)` (file bytes from `start`,
   * ending with a newline) is encoded there, its batches appended after `gate`, and the
   * committed position moved to `end`. Gives `chunk` back to the pool once encoded.
   */
  private produceOffThread(
    chunk: Buffer,
    length: number,
    start: number,
    end: number,
    gate: Promise<void>,
  ): Promise<void> {
    const t = this.file;
    const { config, cluster } = this.host;
    const key = config.key.type === 'path' ? t.pathKey : null;
    // Room for the lines and their headers as in the last chunk, with a margin; the thread
    // makes a larger buffer if need be.
    const out = sharedBuffers.acquire(Math.ceil(length * t.batchRatio * 1.1) + 64 * 1024);
    const encoded = encodeLinesOffThread({
      chunk: chunk.subarray(0, length),
      start,
      encoding: config.encoding,
      maxLineBytes: lineLimit(config, this.host.maxBatchBytes),
      fixedHeaders: t.fixedHeaders,
      key,
      now: this.host.clock(),
      timeFromLine: config.timeFromLine,
      timezone: config.timezone,
      maxBatchBytes: this.host.maxBatchBytes,
      out,
    }).finally(() => sharedBuffers.release(chunk));
    const append = encoded.then(async ({ batches, counts }) => {
      t.batchRatio = batches.length / length;
      try {
        await gate;
        await cluster.appendBatches(
          config.topic,
          key ? await cluster.partitionFor(config.topic, key) : (t.partition ?? 0),
          batches,
          { acks: 1, encodedHere: true },
        );
        return counts;
      } finally {
        sharedBuffers.release(out);
      }
    });
    return this.commitAfter(append, end);
  }

  /** Marks the file rotated when its path leads elsewhere (rename or delete). */
  private async checkRotation(): Promise<void> {
    const t = this.file;
    try {
      const st = await stat(t.path);
      if (st.dev === t.dev && st.ino === t.ino) return;
    } catch {
      // Gone: deleted or renamed away.
    }
    t.rotated = true;
    t.lastGrowth = this.host.clock();
    this.host.log.debug(`${t.path} (${t.key}) rotated away; draining it`);
    this.host.rotated(this);
  }

  /** Grows a short fingerprint or re-checks a full one. False when the start changed. */
  private async verifyFingerprint(size: number): Promise<boolean> {
    const t = this.file;
    const fh = t.fh!;
    if (t.fp.length < FINGERPRINT_BYTES && size > t.fp.length) {
      const prefix = await readPrefix(fh, Math.min(size, FINGERPRINT_BYTES));
      if (!prefix.subarray(0, t.fp.length).equals(t.fpBytes)) return false;
      this.setFingerprint(prefix);
      return true;
    }
    if (t.fp.length === 0) return true;
    const prefix = await readPrefix(fh, t.fp.length);
    return prefix.equals(t.fpBytes);
  }

  private truncated(size: number): void {
    const t = this.file;
    const missed = Math.max(0, t.size - t.readPos);
    t.stats.truncations++;
    t.stats.missedBytes += missed;
    if (t.fp.length > 0) this.host.ended(t.fp, t.committed, t.path);
    this.host.log.warn(
      `${t.path} was truncated (read up to byte ${t.readPos}, size now ${size}); reading from 0` +
        (missed > 0
          ? `; ${missed} bytes were never read`
          : '; lines written just before the truncation may be lost'),
    );
    t.splitter.reset(0);
    t.joiner?.reset();
    t.committed = 0;
    t.size = size;
    this.setFingerprint(Buffer.alloc(0));
    this.host.dirty();
    this.host.changed();
  }

  /** Sends a multi-line event that timed out, or finishes a rotated file gone quiet. */
  private async flushIfDue(): Promise<void> {
    const t = this.file;
    const { config } = this.host;
    const now = this.host.clock();
    const quietRotated = t.rotated && now - t.lastGrowth >= config.rotateWaitMs;
    const events: EventLines[] = [];
    if (quietRotated) {
      const partial = t.splitter.flushPartial();
      if (partial) events.push(...this.join([partial]));
    }
    if (
      t.joiner &&
      t.joiner.pendingStart !== null &&
      (quietRotated || now - t.joiner.lastGrowth >= config.multiline!.flushMs)
    ) {
      const ev = t.joiner.flush();
      if (ev) events.push(ev);
    }
    if (events.length > 0) await this.produce(events);
    if (quietRotated) {
      this.over = true; // before the await: no pump may reopen it meanwhile
      await this.close();
      this.host.log.debug(`finished rotated file ${t.path} (${t.key}) at byte ${t.committed}`);
      this.finish();
    }
  }

  private setFingerprint(prefix: Buffer): void {
    const t = this.file;
    t.fpBytes = Buffer.from(prefix);
    t.fp = { length: prefix.length, hash: prefix.length > 0 ? hashBytes(prefix) : '' };
    this.refreshHeaders();
    this.host.fingerprinted(this);
  }

  private refreshHeaders(): void {
    const t = this.file;
    t.encoder = null;
    t.pathKey = Buffer.from(t.path);
    t.fixedHeaders = [
      fixedHeader(H.source, this.host.sourceId),
      fixedHeader(H.file, t.path),
      fixedHeader(H.identity, identityString(t.key, t.fp)),
    ];
  }

  private join(lines: Line[]): EventLines[] {
    const joiner = this.file.joiner;
    if (!joiner) return lines as unknown as EventLines[];
    const out: EventLines[] = [];
    for (const l of lines) out.push(...joiner.push(l, this.host.clock()));
    return out;
  }

  /**
   * Sends events as records; moves the committed position only once they are appended.
   * The append itself waits for `gate` (the previous append of this file) and is skipped
   * if that failed, so a failed chunk can never be followed by a later one in the topic.
   */
  private async produce(
    events: EventLines[],
    gate: Promise<void> = Promise.resolve(),
  ): Promise<void> {
    const t = this.file;
    const { config, cluster } = this.host;
    const after = t.pendingStart();
    if (events.length === 0) {
      await gate;
      t.committed = after;
      return;
    }
    const now = this.host.clock();
    if (this.encodesAtOnce()) {
      await this.produceFast(events, after, now, gate);
      return;
    }
    const ctx = {
      topic: config.topic,
      fixedHeaders: t.fixedHeaders,
      parser: this.host.parser,
      fields: config.fields,
      key: config.key,
      pathKey: t.pathKey,
      partition: t.partition,
      now,
      timeFromLine: config.timeFromLine,
      timezone: config.timezone,
    };
    const records: ProduceRecord[] = new Array(events.length);
    let parseErrors = 0;
    for (let i = 0; i < events.length; i++) {
      const built = buildRecord(events[i], ctx);
      records[i] = built.record;
      if (built.parseError) parseErrors++;
    }
    const counts = countEvents(events, parseErrors);
    await this.commitAfter(
      gate.then(() => cluster.send(records, { acks: 1 }).then(() => counts)),
      after,
    );
  }

  /**
   * True when produce() takes the fast path with single lines: it has encoded the lines
   * (copied their bytes) by the time it returns, and no multi-line joiner holds any.
   */
  private encodesAtOnce(): boolean {
    return !this.host.parser && this.host.config.key.type !== 'field' && !this.file.joiner;
  }

  /** Plain lines: encoded straight into record batches and appended to the partition. */
  private async produceFast(
    events: EventLines[],
    after: number,
    now: number,
    gate: Promise<void>,
  ): Promise<void> {
    const t = this.file;
    const { config, cluster } = this.host;
    const key = config.key.type === 'path' ? t.pathKey : null;
    t.encoder ??= new LineBatchEncoder(t.fixedHeaders, key);
    const times = config.timeFromLine ? lineTimes(events, config.timezone, now) : undefined;
    let lent: Buffer | null = null;
    const batches = t.encoder.encode(events, now, this.host.maxBatchBytes, times, (n) => {
      lent = buffers.acquire(n);
      return lent;
    });
    const counts = countEvents(events, 0);
    // The partition is asked for inside the chain, so the append is tracked from this call.
    await this.commitAfter(
      gate.then(async () => {
        await cluster.appendBatches(
          config.topic,
          key ? await cluster.partitionFor(config.topic, key) : (t.partition ?? 0),
          batches,
          { acks: 1, encodedHere: true },
        );
        return counts;
      }),
      after,
    );
    // Appended: the batches were written (a failed append throws above and keeps them).
    if (lent) buffers.release(lent);
  }

  /**
   * The end of every produce path: once `append` succeeds with the chunk's counts, moves the
   * committed position to `after` and adds the counts to the file's stats; while it runs it
   * is in the host's `inflight`, so a checkpoint or close waits for it. The first await
   * comes after the add, so the caller's append is tracked from the moment it is made.
   */
  private async commitAfter(append: Promise<LineCounts>, after: number): Promise<void> {
    const t = this.file;
    const sent = append.then((n) => {
      t.committed = after;
      t.stats.lines += n.lines;
      t.stats.linesCut += n.cut;
      t.stats.invalidBytes += n.invalid;
      t.stats.parseErrors += n.parseErrors;
      t.lastError = null;
      this.host.dirty();
    });
    this.host.inflight.add(sent);
    try {
      await sent;
    } finally {
      this.host.inflight.delete(sent);
    }
  }
}

/**
 * Opens `path` if it still is the file `dev:ino`; null when it is not or no longer exists.
 * @throws other open errors (e.g. EMFILE): the pump fails and is retried.
 */
async function openSame(path: string, dev: number, ino: number): Promise<FileHandle | null> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
  try {
    const st = await fh.stat();
    if (st.dev === dev && st.ino === ino) return fh;
  } catch {
    // fall through
  }
  await fh.close().catch(() => {});
  return null;
}

/** A line or event must fit in one batch the topic accepts, headers included. */
function lineLimit(config: FileSourceConfig, maxBatchBytes: number): number {
  return lineLimitFor(config.maxLineBytes, maxBatchBytes);
}
