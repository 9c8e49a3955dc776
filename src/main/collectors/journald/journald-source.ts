/**
 * A journald source: runs `journalctl --output=export --follow` (on the system journal, a
 * directory or files) and produces one record per entry, in order, into partition 0 of
 * its topic. The checkpoint is the cursor carried by each record (cursor.ts): on start
 * journalctl resumes `--after-cursor` the last one stored, so a restart or a SIGKILL
 * neither loses nor repeats an entry. Records go out with one `send` in flight; while
 * too much is queued, journalctl's stdout is paused (its pipe, then the journal, is the
 * buffer). A failed append or an exit of journalctl restarts it after `RESTART_MS` from
 * the last stored (resp. read) cursor; what was queued after a failed append is dropped
 * and read again. The last error is cleared once journalctl reads again (a run read to its
 * end, or an append); a missing file of `files` is reported while it is missing.
 *
 * A file of `files` that appears once reading has begun is read from its start on its own
 * first (journalctl --after-cursor over all the files would skip each of its entries older
 * than the position reached: a second host's journal copied in later lost them all); then
 * the merged stream goes on after its last cursor before, dropping the entries that catch-up
 * read (seqnums.ts).
 *
 * Catching up: with a cursor (or reading from the beginning) journalctl first runs without
 * `--follow`, reads what the journal holds and exits; then a `--follow` one goes on after
 * the last cursor read. journalctl 252 writes and flushes entry by entry under `--follow`,
 * which caps a backlog at the pipe's per-write cost (bench journald: about 58 k entries/s
 * only reading its output, against 85 k without `--follow`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { JournaldSourceConfig } from '../../../common/collectors/config';
import { QueuedSource } from '../queued-source';
import type { SourceDeps } from '../source-deps';
import type { Source, SourceStatus } from '../status';
import { ensureTopic } from '../topic';
import { journalctlArgs, startAt } from './args';
import { lastCursor } from './cursor';
import { missingFiles, missingFilesError } from './missing-files';
import { SeqnumMarks, cursorOf, storedSince } from './seqnums';
import { JournalEntryError } from './entry';
import { EntryBatchEncoder } from './entry-batches';
import { ExportFormatError, ExportScanner, type FieldTable } from './export-format';
import { ReadAhead } from './read-ahead';
import { bufferedStdoutEnv } from './stdout-buffer';

const RESTART_MS = 1000;
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
const KILL_GRACE_MS = 5000;
const MAX_BATCH_BYTES = 1024 * 1024;
/** Longest wait between two looks for missing journal files (from RESTART_MS, doubling). */
const MAX_MISSING_CHECK_MS = 30_000;

export class JournaldSource extends QueuedSource<JournaldSourceConfig> implements Source {
  private child: ChildProcess | null = null;
  /** Increases with every journalctl started; output of an older one is ignored. */
  private generation = 0;
  /** Entries read and not yet appended, already as record batches. */
  private encoder: EntryBatchEncoder;
  private sending: Promise<void> | null = null;
  /** Cursor of the last entry read (queued) and of the last one appended. */
  private readCursor: string | null = null;
  private storedCursor: string | null = null;
  private scanner = new ExportScanner();
  /** Output read and not yet scanned, of the current journalctl only. */
  private readonly ahead = new ReadAhead((chunk) => this.onData(chunk));
  private restartTimer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  private stderrTail = '';
  private readonly onEntry = (t: FieldTable) => this.addEntry(t);
  private now = 0;
  /** Files of `files` that did not exist at the last look, and when to look again. */
  private missing: string[] = [];
  private missingTimer: NodeJS.Timeout | null = null;
  private missingDelay = RESTART_MS;
  private missingError: string | null = null;
  /** The last error is journalctl's or an append's: cleared once reading works again. */
  private readerFailed = false;
  /** Files of `files` that appeared after reading began, to be read from their start. */
  private appeared: string[] = [];
  /** Entries such a catch-up read (after a failed append: stored since it began), dropped from the merged stream. */
  private marks = new SeqnumMarks();
  /** Whether the running journalctl is such a catch-up, whose entries are noted in `marks`. */
  private noting = false;
  /** The merged stream's last cursor when the latest catch-up began: it goes on after it. */
  private resumeAt: string | null = null;
  /** The topic's end when the first catch-up began. */
  private marksFrom = -1;

  constructor(config: JournaldSourceConfig, deps: SourceDeps) {
    super(config, deps);
    this.encoder = new EntryBatchEncoder(config.id, config.fields, MAX_BATCH_BYTES);
  }

  /** Creates the topic, finds the last stored cursor and starts journalctl. */
  async start(): Promise<void> {
    await ensureTopic(this.deps.cluster, this.config.topic);
    const { configs } = await this.deps.cluster.describeTopic(this.config.topic);
    const limit = Number(configs['max.message.bytes']);
    if (Number.isFinite(limit) && limit > 0 && limit < MAX_BATCH_BYTES)
      this.encoder = new EntryBatchEncoder(this.config.id, this.config.fields, limit);
    this.storedCursor = await lastCursor(this.deps.cluster, this.config.topic, this.id);
    this.readCursor = this.storedCursor;
    this.state = 'running';
    this.spawnReader();
  }

  /** Stops journalctl and waits for what it produced to be appended. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.restartTimer) clearTimeout(this.restartTimer);
      if (this.missingTimer) clearTimeout(this.missingTimer);
      await this.stopReader();
      await this.sending;
      this.state = 'stopped';
    })();
    return this.closing;
  }

  status(): SourceStatus {
    const pid = this.child?.exitCode === null ? (this.child.pid ?? null) : null;
    const where = this.config.directory ?? (this.config.files.join(', ') || 'system journal');
    const status = this.baseStatus(
      'journald',
      `${where}${pid ? ` (journalctl pid ${pid})` : ''}; cursor ${this.storedCursor ?? 'none'}`,
    );
    return { ...status, lastError: status.lastError ?? this.missingError };
  }

  /**
   * Starts journalctl after the last cursor read. Catches up without `--follow` first when
   * there is a place to start from (a cursor, or the beginning); from the end of the system
   * journal it must follow at once, or entries written between the two runs would be lost.
   */
  private spawnReader(follow = this.readCursor === null && startAt(this.config) === 'end'): void {
    if (this.closing) return;
    const files = this.existingFiles();
    if (files.length === 0 && this.config.files.length > 0 && !this.config.directory) return;
    // Without a position yet the merged run reads them from the start anyway; from the end,
    // their past is not wanted.
    if (this.readCursor === null || startAt(this.config) === 'end') this.appeared = [];
    if (this.appeared.length > 0) {
      void this.catchUpAppeared();
      return;
    }
    const args = journalctlArgs({ ...this.config, files }, this.readCursor, follow);
    this.runJournalctl(args, follow ? null : () => this.spawnReader(true), false);
  }

  /**
   * Reads the files that appeared from their start, on their own, noting their entries in
   * `marks`; then the merged stream goes on after the last cursor read before (`resumeAt`).
   * What was read before is appended first, so that a failed append afterwards concerns
   * only what came after `resumeAt`.
   */
  private async catchUpAppeared(): Promise<void> {
    const gen = this.nextGeneration();
    while (this.sending || this.encoder.records > 0) await (this.sending ??= this.flush());
    if (gen !== this.generation || this.closing) return;
    if (this.marksFrom < 0) {
      const p = (await this.deps.cluster.describeTopic(this.config.topic)).partitions[0];
      if (gen !== this.generation || this.closing) return;
      this.marksFrom = p?.logEndOffset ?? 0;
    }
    this.resumeAt = this.readCursor;
    // journalctl 252 --after-cursor over files merged gives the cursor's own entry again
    // when entries of another file sort around it (seen with two systemd-journal-remote files).
    if (this.resumeAt) this.marks.note(this.resumeAt);
    const files = [...this.appeared];
    this.log.info(`reading ${files.join(', ')} from its start: it appeared after reading began`);
    const args = journalctlArgs({ ...this.config, directory: undefined, files }, null, false);
    this.runJournalctl(
      args,
      () => {
        this.appeared = this.appeared.filter((f) => !files.includes(f));
        this.readCursor = this.resumeAt;
        this.spawnReader();
      },
      true,
    );
  }

  /**
   * Runs journalctl with `args`. `caughtUp`, for a run without --follow, is called once it
   * exited 0 and every entry of its output is scanned; `noting`: a catch-up of files that
   * appeared, whose entries go into `marks`.
   */
  private runJournalctl(args: string[], caughtUp: (() => void) | null, noting: boolean): void {
    const gen = this.nextGeneration();
    this.scanner = new ExportScanner();
    this.stderrTail = '';
    this.noting = noting;
    const child = spawn(this.config.journalctl, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: bufferedStdoutEnv(),
    });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => {
      if (gen !== this.generation) return;
      this.ahead.push(chunk);
      if (this.ahead.bytes + this.encoder.bytes >= MAX_QUEUED_BYTES) child.stdout.pause();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000);
    });
    child.on('error', (err) => {
      if (gen === this.generation)
        this.readerEnded(`cannot run ${this.config.journalctl}: ${err.message}`);
    });
    child.on('close', (code) => {
      // Caught up, every byte of its output read: follow from the last cursor read.
      if (!caughtUp || code !== 0 || gen !== this.generation || this.closing) return;
      // Every entry of its output scanned first: the follow one starts after the last.
      this.ahead.whenScanned(() => {
        if (gen !== this.generation || this.closing) return;
        this.child = null;
        this.recovered();
        caughtUp();
      });
    });
    child.on('exit', (code, signal) => {
      if (gen !== this.generation || this.closing || (caughtUp && code === 0)) return;
      const why = this.stderrTail.trim().split('\n').pop() ?? '';
      this.readerEnded(`journalctl exited (${signal ?? `code ${code}`})${why ? `: ${why}` : ''}`);
    });
  }

  /**
   * The files of `files` that exist; the missing ones are reported (once per change, not at
   * every look) and looked for again with a growing delay, see `checkMissing`.
   */
  private existingFiles(): string[] {
    const missing = missingFiles(this.config.files);
    if (missing.join('\n') !== this.missing.join('\n')) {
      for (const f of this.missing)
        if (!missing.includes(f) && !this.appeared.includes(f)) this.appeared.push(f);
      this.missing = missing;
      this.missingDelay = RESTART_MS;
      this.missingError =
        missing.length > 0
          ? missingFilesError(missing, this.config.files.length - missing.length).message
          : null;
      if (this.missingError) this.log.warn(this.missingError);
    }
    if (missing.length > 0) this.watchMissing();
    return this.config.files.filter((f) => !missing.includes(f));
  }

  private watchMissing(): void {
    if (this.closing || this.missingTimer) return;
    this.missingTimer = setTimeout(() => this.checkMissing(), this.missingDelay);
    this.missingTimer.unref();
    this.missingDelay = Math.min(this.missingDelay * 2, MAX_MISSING_CHECK_MS);
  }

  /**
   * A missing file that appeared is read by a new journalctl over all the files there are,
   * after the last cursor read (a pending restart does the same, so it is left to it).
   */
  private checkMissing(): void {
    this.missingTimer = null;
    if (this.closing) return;
    const appeared = missingFiles(this.missing).length < this.missing.length;
    if (!appeared) this.watchMissing();
    else if (!this.restartTimer) void this.stopReader().then(() => this.spawnReader());
  }

  private readerEnded(message: string): void {
    this.fail(message);
    this.readerFailed = true;
    this.child = null;
    this.nextGeneration();
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.closing || this.restartTimer) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.spawnReader();
    }, RESTART_MS);
    this.restartTimer.unref();
  }

  private async stopReader(): Promise<void> {
    const child = this.child;
    this.child = null;
    this.nextGeneration();
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  /** Output of older journalctls is dropped: reading goes on after the last cursor read. */
  private nextGeneration(): number {
    this.ahead.clear();
    return ++this.generation;
  }

  private resumeIfRoom(): void {
    const stdout = this.child?.stdout;
    if (stdout?.isPaused() && this.ahead.bytes + this.encoder.bytes < MAX_QUEUED_BYTES)
      stdout.resume();
  }

  private onData(chunk: Buffer): void {
    this.now = Date.now();
    try {
      this.scanner.push(chunk, this.onEntry);
    } catch (err) {
      if (!(err instanceof ExportFormatError)) throw err;
      // The stream cannot be followed past bytes that are not export format.
      this.readerEnded(`journalctl wrote something that is not export format: ${err.message}`);
      return;
    }
    this.readCursor = this.encoder.lastCursor() ?? this.readCursor;
    this.counters.cutLines = this.encoder.cutEntries;
    if (this.encoder.records > 0) this.sending ??= this.flush();
    // Chunks that completed no entry (a huge field) may be what paused the stream.
    else this.resumeIfRoom();
  }

  private addEntry(t: FieldTable): void {
    if (this.marks.size > 0 || this.noting) {
      const cursor = cursorOf(t);
      // Read already, by the catch-up of a file that appeared (or stored since it began).
      if (cursor && this.marks.covers(cursor)) return;
      if (cursor && this.noting) this.marks.note(cursor);
    }
    try {
      this.encoder.add(t, this.now);
    } catch (err) {
      if (!(err instanceof JournalEntryError)) throw err;
      this.counters.parseErrors++;
      this.fail(`skipped a journal entry: ${err.message}`);
    }
  }

  /**
   * Appends what was read, one append at a time, until nothing is left; each append's last
   * record carries the cursor that becomes the checkpoint.
   */
  private async flush(): Promise<void> {
    // Let the rest of the current chunk be read first: bigger appends, fewer of them.
    await new Promise((r) => setImmediate(r));
    try {
      for (;;) {
        const taken = this.encoder.take();
        if (!taken) return;
        this.resumeIfRoom();
        try {
          // entry-batches.ts wrote every byte (CRCs included): headers are checked, not records.
          await this.deps.cluster.appendBatches(this.config.topic, 0, taken.batches, {
            acks: 1,
            encodedHere: true,
          });
        } catch (err) {
          this.failedAppend(err as Error);
          return;
        }
        this.encoder.release(taken);
        this.storedCursor = taken.cursor;
        this.counters.lines += taken.records;
        this.recovered();
      }
    } finally {
      this.sending = null;
    }
  }

  /** Drops what was read after the last stored entry and reads it again after a pause. */
  private failedAppend(err: Error): void {
    this.fail(
      `producing to ${this.config.topic}: ${err.message}; reading again after ${this.storedCursor ?? 'the start'}`,
    );
    this.readerFailed = true;
    this.encoder.clear();
    this.readCursor = this.storedCursor;
    void this.stopReader()
      .then(() => this.forgetUnstored())
      .then(() => this.scheduleRestart());
  }

  /**
   * After a failed append, once files that appeared were caught up: the marks hold entries
   * read but dropped, which must be read again. The merged stream goes on again after
   * `resumeAt` (all that was read before it is stored), the marks now what was stored since
   * the first catch-up began (the catch-up of files still pending is read again too).
   */
  private async forgetUnstored(): Promise<void> {
    if (this.marksFrom < 0) return;
    this.readCursor = this.resumeAt;
    const { cluster } = this.deps;
    this.marks = await storedSince(cluster, this.config.topic, this.id, this.marksFrom).catch(
      (e: Error) => {
        this.log.warn(`cannot read back what was stored (${e.message}): entries may repeat`);
        return new SeqnumMarks();
      },
    );
    if (this.resumeAt) this.marks.note(this.resumeAt);
  }

  /** journalctl reads again: an error of its own or of an append is over. */
  private recovered(): void {
    if (!this.readerFailed) return;
    this.readerFailed = false;
    this.clearError();
  }
}
