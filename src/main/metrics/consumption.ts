import type { PartitionLag } from '../cluster';

/** What one sample found consumed of a topic: messages/s summed over its groups. */
export interface TopicConsumption {
  topic: string;
  /**
   * Messages consumed since each contributing group's previous sample; null when no group's
   * offsets on the topic could be compared in this sample (every such group is new, or
   * could not be read): nothing is known of this moment.
   */
  messages: number | null;
  /** The longest time (s) those messages were counted over: the rate's divisor at first. */
  seconds: number;
  /** The groups that have committed offsets on the topic, sorted. */
  groups: string[];
}

interface GroupOffsets {
  timestamp: number;
  /** Committed offset by `${topic}\u0000${partition}`. */
  committed: Map<string, { topic: string; offset: number }>;
}

/**
 * Consumption as Burrow and kafka-ui show it: how fast consumer groups' committed offsets
 * move. Between two samples of a group, each partition committed both times adds its growth
 * (never less than 0: a reset backwards is not negative consumption); the topic's rate is the
 * sum over its partitions and over every group, so two groups reading the same topic count
 * twice, as two readers do. A group or partition seen for the first time only sets the
 * baseline. It measures commits, so a consumer that commits rarely shows bursts, and a reset
 * forward counts as consumed. A group whose offsets could not be read in one sample keeps its
 * baseline (its growth shows in the next sample); one no longer listed is forgotten.
 */
export class ConsumptionTracker {
  private readonly last = new Map<string, GroupOffsets>();
  private pending = new Map<string, { messages: number; seconds: number }>();

  /** Records one group's committed offsets at `timestamp` (its partitions from groupLag). */
  observe(groupId: string, timestamp: number, partitions: PartitionLag[]): void {
    const committed: GroupOffsets['committed'] = new Map();
    for (const p of partitions) {
      if (p.committedOffset === null) continue;
      committed.set(`${p.topic}\u0000${p.partition}`, {
        topic: p.topic,
        offset: p.committedOffset,
      });
    }
    const previous = this.last.get(groupId);
    this.last.set(groupId, { timestamp, committed });
    if (!previous || timestamp <= previous.timestamp) return;
    const seconds = (timestamp - previous.timestamp) / 1000;
    for (const [key, now] of committed) {
      const before = previous.committed.get(key);
      if (!before) continue;
      const entry = this.pending.get(now.topic) ?? { messages: 0, seconds: 0 };
      entry.messages += Math.max(0, now.offset - before.offset);
      entry.seconds = Math.max(entry.seconds, seconds);
      this.pending.set(now.topic, entry);
    }
  }

  /**
   * Ends a sample: the rate of every topic some known group has committed on. `listed` are the groups the cluster lists now (null: the list could not be read,
   * every baseline is kept); the others are forgotten.
   */
  finish(listed: ReadonlySet<string> | null): TopicConsumption[] {
    if (listed) for (const id of this.last.keys()) if (!listed.has(id)) this.last.delete(id);
    const groups = new Map<string, Set<string>>();
    for (const [groupId, { committed }] of this.last) {
      for (const { topic } of committed.values()) {
        let set = groups.get(topic);
        if (!set) groups.set(topic, (set = new Set()));
        set.add(groupId);
      }
    }
    const rates = this.pending;
    this.pending = new Map();
    return [...groups.entries()]
      .map(([topic, ids]) => ({
        topic,
        messages: rates.get(topic)?.messages ?? null,
        seconds: rates.get(topic)?.seconds ?? 0,
        groups: [...ids].sort(),
      }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
  }
}
