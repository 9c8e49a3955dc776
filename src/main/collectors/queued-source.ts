/**
 * What the command and syslog sources share: records go through one RecordQueue to the
 * broker, the line counters and rate feed the same status fields, and an error is kept as
 * the last error and logged. (A file source keeps these per file and has its own status.)
 */
import type { Logger } from '../logger';
import type { SourceDeps } from './source-deps';
import { sampleLineRate, type LineRate } from './line-rate';
import { RecordQueue } from './queue';
import type { SourceStatus } from './status';
import type { StreamCounters } from './stream-lines';

export abstract class QueuedSource<Config extends { id: string; topic: string }> {
  readonly id: string;
  protected readonly queue: RecordQueue;
  protected readonly log: Logger;
  protected readonly counters: StreamCounters = { lines: 0, cutLines: 0, parseErrors: 0 };
  protected state: SourceStatus['state'] = 'stopped';
  private readonly rate: LineRate;
  private lastError: string | null = null;

  constructor(
    readonly config: Config,
    protected readonly deps: SourceDeps,
  ) {
    this.id = config.id;
    this.log = deps.logger.child(`collector:${config.id}`);
    this.rate = { at: deps.clock(), lines: 0, perSec: 0 };
    this.queue = new RecordQueue(deps.cluster, {
      onError: (err) => this.fail(`producing to ${config.topic}: ${err.message}`),
    });
  }

  /** The status fields every queued source reports alike; `detail` is the source's own. */
  protected baseStatus(type: SourceStatus['type'], detail: string | null): SourceStatus {
    sampleLineRate(this.rate, this.counters.lines, this.deps.clock());
    return {
      id: this.id,
      type,
      topic: this.config.topic,
      state: this.state,
      lines: this.counters.lines,
      linesPerSecond: this.rate.perSec,
      cutLines: this.counters.cutLines,
      parseErrors: this.counters.parseErrors,
      bytesBehind: 0,
      lastError: this.lastError ?? this.queue.lastError,
      detail,
      files: [],
    };
  }

  /** The problem of the last error is over (the queue's own last error stays). */
  protected clearError(): void {
    this.lastError = null;
  }

  protected fail(message: string): void {
    this.lastError = message;
    this.log.warn(message);
  }
}
