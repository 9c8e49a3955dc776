import type { Cluster, TopicDescription } from '../cluster';
import { ConsumptionTracker } from './consumption';
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
 * total lag, each topic's produce rate (messages/s from the growth of the log end offsets)
 * and consume rate (from the growth of the groups' committed offsets, `consumption.ts`), and
 * both rates summed over all topics. Memory is bounded by windowMs / intervalMs points per
 * group and per topic; series of groups and topics that disappear are dropped. History is lost on restart, by design: it is a
 * debugging aid, not a monitoring system. Reading the series is synchronous; samples are
 * taken one at a time, in the order asked for.
 */
export class MetricsSampler {
  readonly intervalMs: number;
  private readonly capacity: number;
  private readonly now: () => number;
  private readonly lag = new Map<string, Series>();
  private readonly rates = new Map<string, Series>();
  private readonly consumed = new Map<string, { series: Series; groups: string[] }>();
  private readonly consumption = new ConsumptionTracker();
  private readonly producedTotal: Series;
  private readonly consumedTotal: Series;
  private lastSampleAt: number | undefined;
  private readonly lastEnd = new Map<string, { timestamp: number; endOffsets: number }>();
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();
  /** Samples asked for and not finished. */
  private pending = 0;

  constructor(
    private readonly cluster: Cluster,
    options: MetricsOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5000;
    this.capacity = Math.max(2, Math.ceil((options.windowMs ?? 15 * 60_000) / this.intervalMs));
    this.now = options.now ?? Date.now;
    this.producedTotal = new Series(this.capacity);
    this.consumedTotal = new Series(this.capacity);
  }

  /** Starts sampling (one sample now, then every intervalMs). Safe to call twice. */
  start(): void {
    if (this.timer) return;
    void this.sample();
    // A tick while a sample is still running (a slow or unreachable remote cluster) is
    // skipped: queued samples would pile up without bound, each stamped before it ran.
    this.timer = setInterval(() => {
      if (this.pending === 0) void this.sample();
    }, this.intervalMs);
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
      const consumed = await this.sampleLag(timestamp);
      const produced = await this.sampleRates(timestamp);
      // Totals from the second sample on: the first only sets every baseline.
      if (this.lastSampleAt !== undefined && timestamp > this.lastSampleAt) {
        this.producedTotal.push(timestamp, produced);
        this.consumedTotal.push(timestamp, (consumed * 1000) / (timestamp - this.lastSampleAt));
      }
      this.lastSampleAt = Math.max(timestamp, this.lastSampleAt ?? timestamp);
    };
    this.pending++;
    const done = () => void this.pending--;
    this.sampling = this.sampling.then(run, run).finally(done);
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

  /** Messages consumed per second per topic, over the window, oldest first. */
  consumeHistory(): { topic: string; groups: string[]; points: Point[] }[] {
    return [...this.consumed.entries()]
      .map(([topic, { series, groups }]) => ({
        topic,
        groups: [...groups],
        points: series.since(),
      }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
  }

  /** Produce and consume rates summed over every topic, over the window, oldest first. */
  totalHistory(): { produced: Point[]; consumed: Point[] } {
    return { produced: this.producedTotal.since(), consumed: this.consumedTotal.since() };
  }

  /** Samples every group's lag and committed offsets; returns the messages all consumed. */
  private async sampleLag(timestamp: number): Promise<number> {
    const seen = new Set<string>();
    let groups: { groupId: string }[] = [];
    try {
      groups = await this.cluster.listGroups();
    } catch {
      this.consumption.finish(null);
      return 0;
    }
    for (const { groupId } of groups) {
      let total = 0;
      try {
        const partitions = await this.cluster.groupLag(groupId);
        for (const p of partitions) total += p.lag ?? 0;
        this.consumption.observe(groupId, timestamp, partitions);
      } catch {
        continue;
      }
      seen.add(groupId);
      this.seriesOf(this.lag, groupId).push(timestamp, total);
    }
    for (const id of this.lag.keys()) if (!seen.has(id)) this.lag.delete(id);
    return this.recordConsumption(timestamp, new Set(groups.map((g) => g.groupId)));
  }

  /**
   * A topic's consume rate is its messages over the time since its series' previous point
   * (or, for a first point, since its groups' previous samples), so a sample in which a
   * group could not be read loses nothing: its growth lands on the next point, and summing
   * rate x interval over a series gives the messages consumed. The total divides all topics'
   * messages by the time since the previous sample, for the same reason.
   */
  private recordConsumption(timestamp: number, listed: ReadonlySet<string>): number {
    const topics = this.consumption.finish(listed);
    const current = new Set(topics.map((t) => t.topic));
    // A topic no group has committed on any more (groups deleted) loses its series.
    for (const topic of this.consumed.keys()) if (!current.has(topic)) this.consumed.delete(topic);
    let total = 0;
    for (const { topic, messages, seconds, groups } of topics) {
      if (messages === null) continue;
      total += messages;
      let entry = this.consumed.get(topic);
      if (!entry) this.consumed.set(topic, (entry = { series: new Series(this.capacity), groups }));
      const last = entry.series.last();
      const span =
        last && timestamp > last.timestamp ? (timestamp - last.timestamp) / 1000 : seconds;
      entry.series.push(timestamp, span > 0 ? messages / span : 0);
      entry.groups = groups;
    }
    return total;
  }

  /** Samples every topic's end offsets; returns all topics' produce rate. */
  private async sampleRates(timestamp: number): Promise<number> {
    const seen = new Set<string>();
    let topics: TopicDescription[] = [];
    let total = 0;
    try {
      topics = await this.cluster.listTopics();
    } catch {
      return 0;
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
      total += rate;
    }
    for (const name of this.lastEnd.keys()) {
      if (seen.has(name)) continue;
      this.lastEnd.delete(name);
      this.rates.delete(name);
    }
    return total;
  }

  private seriesOf(map: Map<string, Series>, key: string): Series {
    let series = map.get(key);
    if (!series) map.set(key, (series = new Series(this.capacity)));
    return series;
  }
}
