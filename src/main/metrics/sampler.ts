import type { Cluster, TopicDescription } from '../cluster';
import { Series, type Point } from './series';

export interface MetricsOptions {
  /** Time between samples; default 5 s. */
  intervalMs?: number;
  /** How much history to keep; default 15 minutes. */
  windowMs?: number;
  /** Clock, for tests that need to control time between samples. */
  now?: () => number;
}

/**
 * Samples the cluster at a fixed interval and keeps, in memory only, each consumer group's
 * total lag and each topic's message rate (messages/s from the growth of the log end offsets).
 * Memory is bounded by windowMs / intervalMs points per group and per topic; series of groups
 * and topics that disappear are dropped. History is lost on restart, by design: it is a
 * debugging aid, not a monitoring system. Reading the series is synchronous; samples are
 * taken one at a time, in the order asked for.
 */
export class MetricsSampler {
  readonly intervalMs: number;
  private readonly capacity: number;
  private readonly now: () => number;
  private readonly lag = new Map<string, Series>();
  private readonly rates = new Map<string, Series>();
  private readonly lastEnd = new Map<string, { timestamp: number; endOffsets: number }>();
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly cluster: Cluster,
    options: MetricsOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5000;
    this.capacity = Math.max(2, Math.ceil((options.windowMs ?? 15 * 60_000) / this.intervalMs));
    this.now = options.now ?? Date.now;
  }

  /** Starts sampling (one sample now, then every intervalMs). Safe to call twice. */
  start(): void {
    if (this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    // Sampling must never keep a process (or a test) alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Takes one sample of every group's lag and every topic's rate. Errors of single groups or
   * topics (deleted between listing and reading) skip that series; it never rejects. The
   * time is taken at the call; the sample is recorded after the ones asked for before it.
   */
  sample(): Promise<void> {
    const timestamp = this.now();
    const run = async (): Promise<void> => {
      await this.sampleLag(timestamp);
      await this.sampleRates(timestamp);
    };
    this.sampling = this.sampling.then(run, run);
    return this.sampling;
  }

  /** Total lag of a group over the window, oldest first. */
  lagHistory(groupId: string): Point[] {
    return this.lag.get(groupId)?.since() ?? [];
  }

  /** Messages per second per topic over the window, oldest first. */
  rateHistory(): { topic: string; points: Point[] }[] {
    return [...this.rates.entries()]
      .map(([topic, series]) => ({ topic, points: series.since() }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
  }

  private async sampleLag(timestamp: number): Promise<void> {
    const seen = new Set<string>();
    let groups: { groupId: string }[] = [];
    try {
      groups = await this.cluster.listGroups();
    } catch {
      return;
    }
    for (const { groupId } of groups) {
      let total = 0;
      try {
        for (const p of await this.cluster.groupLag(groupId)) total += p.lag ?? 0;
      } catch {
        continue;
      }
      seen.add(groupId);
      this.seriesOf(this.lag, groupId).push(timestamp, total);
    }
    for (const id of this.lag.keys()) if (!seen.has(id)) this.lag.delete(id);
  }

  private async sampleRates(timestamp: number): Promise<void> {
    const seen = new Set<string>();
    let topics: TopicDescription[] = [];
    try {
      topics = await this.cluster.listTopics();
    } catch {
      return;
    }
    for (const topic of topics) {
      seen.add(topic.name);
      const endOffsets = topic.partitions.reduce((sum, p) => sum + p.logEndOffset, 0);
      const previous = this.lastEnd.get(topic.name);
      this.lastEnd.set(topic.name, { timestamp, endOffsets });
      if (!previous || timestamp <= previous.timestamp) continue;
      const rate =
        (Math.max(0, endOffsets - previous.endOffsets) * 1000) / (timestamp - previous.timestamp);
      this.seriesOf(this.rates, topic.name).push(timestamp, rate);
    }
    for (const name of this.lastEnd.keys()) {
      if (seen.has(name)) continue;
      this.lastEnd.delete(name);
      this.rates.delete(name);
    }
  }

  private seriesOf(map: Map<string, Series>, key: string): Series {
    let series = map.get(key);
    if (!series) map.set(key, (series = new Series(this.capacity)));
    return series;
  }
}
