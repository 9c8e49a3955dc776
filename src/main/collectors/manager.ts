/**
 * CollectorManager: the sources of this process. It persists their configs in
 * `<dataDir>/collectors.json`, runs one Source per config that is not paused, and answers
 * the API (list/add/update/pause/resume/remove/status/preview). The mutations of one source
 * run one at a time, in call order, so concurrent API calls are safe; those of different
 * sources run side by side, so that a source's long start (a first scan walking a large
 * tree, a topic recovering after a crash) holds back no other source. Pausing, editing or
 * removing a source whose start is under way cuts that start short.
 */
import { join } from 'node:path';
import { LogdockError } from '../../common/errors';
import type { Cluster } from '../cluster';
import { silentLogger, type Logger } from '../logger';
import { CommandSource } from './command-source';
import { readSourcesFile, parseSourceConfig, parseTailSpec } from './config-file';
import type { SourceConfig } from '../../common/collectors/config';
import { DescriptorPool } from './descriptor-pool';
import { abandonable } from './abandoned-cluster';
import { FileSource } from './file-source';
import type { SourceDeps } from './source-deps';
import { previewFileSource, type PreviewResult } from './preview';
import { previewContainers, previewJournald, previewOtlp } from './service-preview';
import type { Source, SourceStatus } from './status';
import { SourceStore } from './store';
import { SyslogSource } from './syslog-source';
import { OtlpSource } from './otlp/otlp-source';
import { JournaldSource } from './journald/journald-source';
import { ContainersSource } from './containers/containers-source';

export interface CollectorManagerOptions {
  /** The cluster the sources produce into. */
  cluster: Cluster;
  dataDir: string;
  logger?: Logger;
  /** Add the default source (Logdock's own log) when no collectors.json exists. Default true. */
  defaultSource?: boolean;
  /** Milliseconds since the epoch, for sources' timestamps and timers. Default Date.now. */
  clock?: () => number;
  /** Most descriptors all file sources hold at once. Default 256 (a process may have only 1024). */
  maxOpenFiles?: number;
  /** A file read to its end is closed after this long without change (reopened on change). Default 30 s. */
  closeInactiveMs?: number;
}

export interface SourceView {
  config: SourceConfig;
  status: SourceStatus;
}

export const DEFAULT_SOURCE_ID = 'logdock-logs';
export const DEFAULT_SOURCE_TOPIC = 'logdock.logs';

/** The source that ships Logdock's own log (`<dataDir>/logs/logdock.log`) on first start. */
export function defaultSourceConfig(dataDir: string): SourceConfig {
  return parseSourceConfig({
    type: 'file',
    id: DEFAULT_SOURCE_ID,
    topic: DEFAULT_SOURCE_TOPIC,
    include: [join(dataDir, 'logs', 'logdock.log*')],
    exclude: [join(dataDir, 'logs', '*.gz')],
    parser: {
      type: 'regex',
      pattern: '^(?<timestamp>\\S+) (?<level>[A-Z]+) (?:\\[(?<scope>[^\\]]+)\\] )?(?<message>.*)$',
    },
  });
}

export class CollectorManager {
  private readonly configs = new Map<string, SourceConfig>();
  private readonly running = new Map<string, Source>();
  private readonly failures = new Map<string, string>();
  private readonly store: SourceStore;
  private readonly log: Logger;
  private readonly deps: SourceDeps;
  private readonly listeners = new Set<(statuses: SourceView[]) => void>();
  private statusTimer: NodeJS.Timeout | null = null;
  private lastEmitted = '';
  /** Each source's mutations, chained in call order (by id); the entry is the chain's tail. */
  private readonly lanes = new Map<string, Promise<unknown>>();
  /** The load of collectors.json: every mutation waits for it. */
  private loaded: Promise<unknown> = Promise.resolve();
  /** collectors.json writes, one at a time (each writes every source as it is then). */
  private saving: Promise<unknown> = Promise.resolve();
  private closed = false;
  private closing: Promise<void> | null = null;
  /** close() was called: sources not started yet stay stopped. */
  private closeRequested = false;
  /** Sources whose start() is running, by id, which a later change or close() may cut short. */
  private readonly starting = new Map<string, Source>();
  /** Starts cut short by a later change of the same source (not a failure: the change wins). */
  private readonly superseded = new WeakSet<Source>();
  /** Ends the wait for a start under way at once (see startSource). */
  private readonly cutters = new WeakMap<Source, () => void>();
  /** Per source, changes asked for and not begun yet: a start queued before them is skipped. */
  private readonly cuts = new Map<string, number>();
  private offStorageHealth: (() => void) | undefined;

  constructor(private readonly options: CollectorManagerOptions) {
    this.store = new SourceStore(options.dataDir);
    this.log = (options.logger ?? silentLogger).child('collectors');
    this.deps = {
      cluster: options.cluster,
      dataDir: options.dataDir,
      logger: options.logger ?? silentLogger,
      clock: options.clock ?? Date.now,
      pool: new DescriptorPool(options.maxOpenFiles ?? 256, options.closeInactiveMs ?? 30_000),
      onChange: () => this.emitSoon(),
    };
  }

  /**
   * Loads collectors.json (creating it with the default source on first start) and starts
   * every source that is not paused. A source that fails to start is reported in its
   * status; a malformed collectors.json is moved aside and reported, and the manager
   * starts with no sources rather than failing the process.
   */
  async start(): Promise<void> {
    const load = async (): Promise<SourceConfig[]> => {
      let sources: SourceConfig[] | null = null;
      try {
        sources = await this.store.load();
      } catch (err) {
        this.log.error((err as Error).message);
        sources = [];
      }
      if (sources === null) {
        sources =
          this.options.defaultSource === false ? [] : [defaultSourceConfig(this.options.dataDir)];
        // A first start on a full disk runs the default source anyway; saved next change.
        await this.store
          .save(sources)
          .catch((err: Error) => this.log.error(`cannot save the sources: ${err.message}`));
      }
      for (const s of sources) this.configs.set(s.id, s);
      return sources;
    };
    const loading = load();
    this.loaded = loading.catch(() => {});
    const sources = await loading;
    // Side by side: one source's long start delays no other.
    await Promise.all(
      sources
        .filter((s) => !s.paused)
        .map((s) =>
          this.serial(s.id, async () => {
            // A change made meanwhile (through the API) decides.
            const config = this.configs.get(s.id);
            if (config && !config.paused && !this.running.has(s.id))
              await this.startSource(config, false);
          }).catch(() => {}),
        ),
    );
    // Closed meanwhile: close() has already run its unsubscribe.
    if (this.closeRequested) return;
    this.offStorageHealth = this.options.cluster.local?.onStorageHealth(() =>
      this.retryAfterDiskFull(),
    );
  }

  /**
   * A source that could not start while the disk was full (its topic could not be created,
   * its checkpoint not read) starts again once the broker says space has returned, as the
   * sources already running resume by themselves.
   */
  private retryAfterDiskFull(): void {
    const local = this.options.cluster.local;
    if (!local || this.failures.size === 0) return;
    void local.storageHealth().then((health) => {
      if (health.diskFull !== null || this.closed) return;
      for (const id of [...this.failures.keys()]) {
        void this.serial(id, async () => {
          const config = this.configs.get(id);
          if (config && !config.paused && !this.running.has(id) && this.failures.has(id))
            await this.startSource(config, false);
        }).catch(() => {});
      }
    });
  }

  /** Every source with its config and status, in insertion order. */
  list(): SourceView[] {
    return [...this.configs.values()].map((config) => ({ config, status: this.statusOf(config) }));
  }

  /** Status of every source (and of each file of file sources). */
  status(): SourceStatus[] {
    return this.list().map((v) => v.status);
  }

  /**
   * Validates, persists and starts a source.
   * @throws LogdockError INVALID_CONFIG, ALREADY_EXISTS, or the start error (nothing persisted then).
   */
  async add(input: unknown): Promise<SourceView> {
    const config = parseSourceConfig(input);
    return this.serial(config.id, async () => {
      if (this.configs.has(config.id))
        throw new LogdockError('ALREADY_EXISTS', `source "${config.id}" already exists`);
      // Listed (as starting) at once, so that it can be paused or removed during its start.
      this.configs.set(config.id, config);
      if (!config.paused) {
        try {
          await this.startSource(config, true);
        } catch (err) {
          if (this.configs.get(config.id) === config) this.configs.delete(config.id);
          this.emitSoon();
          throw err;
        }
      }
      await this.persist();
      return this.view(config.id);
    });
  }

  /**
   * Replaces a source's config (same id) and restarts it from its checkpoints.
   * @throws LogdockError NOT_FOUND, INVALID_CONFIG, INVALID_ARGUMENT (id changed).
   */
  async update(id: string, input: unknown): Promise<SourceView> {
    const config = parseSourceConfig(input);
    if (config.id !== id)
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `source id cannot change ("${id}" → "${config.id}")`,
      );
    return this.cutting(id, async () => {
      this.need(id);
      await this.stopSource(id);
      this.configs.set(id, config);
      await this.persist();
      if (!config.paused) await this.startSource(config, false);
      return this.view(id);
    });
  }

  /** Stops reading a source and keeps its position. @throws LogdockError NOT_FOUND. */
  pause(id: string): Promise<SourceView> {
    return this.cutting(id, async () => {
      const config = this.need(id);
      await this.stopSource(id);
      this.configs.set(id, { ...config, paused: true });
      await this.persist();
      return this.view(id);
    });
  }

  /** Resumes a paused source from its checkpoints. @throws LogdockError NOT_FOUND. */
  resume(id: string): Promise<SourceView> {
    return this.serial(id, async () => {
      const config = { ...this.need(id), paused: false };
      this.configs.set(id, config);
      await this.persist();
      if (!this.running.has(id)) await this.startSource(config, false);
      return this.view(id);
    });
  }

  /** Stops and forgets a source; its topic and records stay. @throws LogdockError NOT_FOUND. */
  remove(id: string): Promise<void> {
    return this.cutting(id, async () => {
      this.need(id);
      await this.stopSource(id);
      this.configs.delete(id);
      this.failures.delete(id);
      await this.persist();
    });
  }

  /**
   * Adds or replaces the sources of a YAML/JSON config file (`serve --config`).
   * @throws LogdockError NOT_FOUND or INVALID_CONFIG naming the file and field.
   */
  async applyConfigFile(path: string): Promise<SourceView[]> {
    return this.apply(await readSourcesFile(path));
  }

  /** Adds or replaces each source (by id), persisting them. @throws as add/update. */
  async apply(sources: SourceConfig[]): Promise<SourceView[]> {
    const out: SourceView[] = [];
    for (const s of sources) out.push(await this.upsert(s));
    return out;
  }

  /** `serve --tail TOPIC=GLOB`: adds (or replaces) a file source. @throws LogdockError INVALID_ARGUMENT. */
  async addTail(spec: string, cwd?: string): Promise<SourceView> {
    return this.upsert(parseTailSpec(spec, cwd));
  }

  /**
   * How the first events of the first file matching a file source would look (for journald,
   * containers and OTLP sources: see service-preview.ts); nothing is produced.
   * @throws LogdockError INVALID_CONFIG, UNAVAILABLE (journalctl failed). Command sources
   * preview nothing (the command is not run), syslog ones their address.
   */
  async preview(input: unknown, opts: { lines?: number } = {}): Promise<PreviewResult> {
    const config = parseSourceConfig(input);
    const lines = opts.lines ?? 20;
    switch (config.type) {
      case 'file':
        return previewFileSource(config, lines);
      case 'journald':
        return previewJournald(config, lines);
      case 'containers':
        return previewContainers(config, lines);
      case 'otlp':
        return previewOtlp(config);
      case 'syslog':
        return {
          file: `syslog ${config.protocol} 127.0.0.1:${config.port}`,
          matchedFiles: [],
          events: [],
        };
      case 'command':
        // Running the command to show its output could have effects: nothing to show.
        return { file: null, matchedFiles: [], events: [] };
    }
  }

  /** Calls `listener` with every source's status whenever it changes (at most ~4 times a second). */
  onStatus(listener: (sources: SourceView[]) => void): () => void {
    this.listeners.add(listener);
    if (!this.statusTimer) {
      this.statusTimer = setInterval(() => this.emit(false), 1000);
      this.statusTimer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.statusTimer) {
        clearInterval(this.statusTimer);
        this.statusTimer = null;
      }
    };
  }

  /** Stops every source, flushing what is in flight and writing checkpoints. Idempotent. */
  close(): Promise<void> {
    // A source still starting (a file source walking `/**`) would hold the close back for
    // as long as its first scan takes.
    this.closeRequested = true;
    for (const source of this.starting.values()) {
      source.abortStart?.();
      this.cutters.get(source)?.();
    }
    this.closing ??= (async () => {
      // The changes asked for before close() end first (sources not started stay stopped).
      await this.loaded;
      while (this.lanes.size > 0) await Promise.all([...this.lanes.values()]);
      this.closed = true;
      this.offStorageHealth?.();
      if (this.statusTimer) clearInterval(this.statusTimer);
      this.listeners.clear();
      await Promise.all([...this.running.keys()].map((id) => this.stopSource(id)));
    })();
    return this.closing;
  }

  // ---- internals ----

  private upsert(config: SourceConfig): Promise<SourceView> {
    return this.configs.has(config.id) ? this.update(config.id, config) : this.add(config);
  }

  /** Runs `fn` after the earlier mutations of source `id` (and the load), none of the others. */
  private serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    if (this.closeRequested)
      return Promise.reject(new LogdockError('CLOSED', 'collectors are closed'));
    const before = this.lanes.get(id) ?? this.loaded;
    const run = () => fn();
    const p = before.then(run, run);
    const tail = p.catch(() => {});
    this.lanes.set(id, tail);
    void tail.then(() => {
      if (this.lanes.get(id) === tail) this.lanes.delete(id);
    });
    return p;
  }

  /**
   * Runs `fn`, a change of source `id` that stops it (pause, update, remove), in its lane;
   * a start of it under way (a first scan, a topic that is recovering) ends now rather than
   * after its scan, and one queued before `fn` is skipped: the change then applies.
   */
  private cutting<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const source = this.starting.get(id);
    if (source) {
      this.superseded.add(source);
      source.abortStart?.();
      this.cutters.get(source)?.();
    }
    this.cuts.set(id, (this.cuts.get(id) ?? 0) + 1);
    let begun = false;
    const begin = () => {
      begun = true;
      const left = (this.cuts.get(id) ?? 1) - 1;
      if (left > 0) this.cuts.set(id, left);
      else this.cuts.delete(id);
    };
    const p = this.serial(id, () => {
      begin();
      return fn();
    });
    // Refused before it began (collectors closing): its cut is no longer pending either.
    if (this.closeRequested && !begun) begin();
    return p;
  }

  private need(id: string): SourceConfig {
    const c = this.configs.get(id);
    if (!c) throw new LogdockError('NOT_FOUND', `no source "${id}"`);
    return c;
  }

  private create(config: SourceConfig, deps: SourceDeps): Source {
    switch (config.type) {
      case 'file':
        return new FileSource(config, deps);
      case 'command':
        return new CommandSource(config, deps);
      case 'syslog':
        return new SyslogSource(config, deps);
      case 'otlp':
        return new OtlpSource(config, deps);
      case 'journald':
        return new JournaldSource(config, deps);
      case 'containers':
        return new ContainersSource(config, deps);
    }
  }

  private async startSource(config: SourceConfig, rethrow: boolean): Promise<void> {
    if (this.closeRequested) {
      if (rethrow)
        throw new LogdockError('CLOSED', `collectors are closing: source ${config.id} not started`);
      return;
    }
    if (this.cuts.has(config.id)) {
      // A pause, edit or removal asked for after this start: it decides, not this start.
      this.log.info(`source ${config.id}: start skipped for a change asked for since`);
      return;
    }
    const guard = abandonable(this.deps.cluster, `source ${config.id}`);
    const source = this.create(config, { ...this.deps, cluster: guard.cluster });
    this.starting.set(config.id, source);
    this.emitSoon();
    let cut = () => {};
    const cutShort = new Promise<'cut'>((resolve) => (cut = () => resolve('cut')));
    this.cutters.set(source, cut);
    let abandoned = false;
    try {
      const started = source.start();
      if ((await Promise.race([started, cutShort])) === 'cut') {
        // Cut short by a change or close(): a source with no abortStart (its topic still
        // recovering after a crash) ends its start in the background and is closed then.
        abandoned = true;
        guard.abandon();
        const closeIt = () => source.close().catch(() => {});
        void started.then(closeIt, closeIt);
        throw new LogdockError('CLOSED', `source ${config.id}: its start was cut short`);
      }
      guard.started();
      this.running.set(config.id, source);
      this.failures.delete(config.id);
      this.log.info(`source ${config.id} (${config.type}) collecting into ${config.topic}`);
    } catch (err) {
      if (!abandoned) await source.close().catch(() => {});
      if (this.superseded.has(source)) {
        this.log.info(`source ${config.id}: start cut short by a change of the source`);
        return;
      }
      const message = (err as Error).message;
      this.log.error(`source ${config.id} failed to start: ${message}`);
      if (rethrow) throw err;
      this.failures.set(config.id, message);
    } finally {
      this.starting.delete(config.id);
      this.emitSoon();
    }
  }

  private async stopSource(id: string): Promise<void> {
    const source = this.running.get(id);
    if (!source) return;
    this.running.delete(id);
    await source.close();
    this.emitSoon();
  }

  /** Writes collectors.json after any write under way, with every source as it is then. */
  private persist(): Promise<void> {
    const save = () => this.store.save([...this.configs.values()]);
    const p = this.saving.then(save, save);
    this.saving = p.catch(() => {});
    return p;
  }

  private view(id: string): SourceView {
    const config = this.need(id);
    return { config, status: this.statusOf(config) };
  }

  private statusOf(config: SourceConfig): SourceStatus {
    const running = this.running.get(config.id);
    if (running) return running.status();
    const failure = this.failures.get(config.id) ?? null;
    const starting = this.starting.has(config.id);
    return {
      id: config.id,
      type: config.type,
      topic: config.topic,
      state: starting ? 'starting' : failure ? 'failed' : config.paused ? 'paused' : 'stopped',
      lines: 0,
      linesPerSecond: 0,
      cutLines: 0,
      parseErrors: 0,
      bytesBehind: 0,
      lastError: failure,
      detail: null,
      files: [],
    };
  }

  private emitTimer: NodeJS.Timeout | null = null;

  private emitSoon(): void {
    if (this.listeners.size === 0 || this.emitTimer) return;
    this.emitTimer = setTimeout(() => {
      this.emitTimer = null;
      this.emit(true);
    }, 250);
    this.emitTimer.unref();
  }

  private emit(force: boolean): void {
    if (this.listeners.size === 0) return;
    const views = this.list();
    const text = JSON.stringify(views);
    if (!force && text === this.lastEmitted) return;
    this.lastEmitted = text;
    for (const l of this.listeners) {
      try {
        l(views);
      } catch (err) {
        this.log.warn(`status listener failed: ${(err as Error).message}`);
      }
    }
  }
}
