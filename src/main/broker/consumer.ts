import { LogdockError } from '../../common/errors';
import type { StoredRecord } from '../storage/api';
import { ASSIGNORS } from './assignors';
import type { ConsumerHost } from './client-host';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../kafka/consumer-protocol';

export type OffsetResetPolicy = 'earliest' | 'latest' | 'none';

export interface ConsumerOptions {
  /** Needed for subscribe() and for committing; without it only assign() works. */
  groupId?: string;
  /** Where to start without a committed offset, or after falling out of range. Default latest. */
  autoOffsetReset?: OffsetResetPolicy;
  clientId?: string;
  /** Default 10000. */
  sessionTimeoutMs?: number;
  /** How long the group waits for this member to rejoin during a rebalance. Default 30000. */
  rebalanceTimeoutMs?: number;
  /** Default sessionTimeoutMs / 3. */
  heartbeatIntervalMs?: number;
  /** Assignor names in order of preference (`range`, `roundrobin`). Default ['range']. */
  assignors?: string[];
  /** Most records one poll returns. Default 500. */
  maxPollRecords?: number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface ConsumedRecord extends StoredRecord {
  topic: string;
  partition: number;
}

export type SeekTarget = number | 'earliest' | 'latest' | { timestamp: number };

const key = (tp: TopicPartition): string => `${tp.topic}:${tp.partition}`;

/**
 * In-process consumer with Kafka's semantics: either `assign` partitions by hand or
 * `subscribe` to topics as a member of a consumer group (joined, synced and kept alive
 * through the broker's group coordinator, like any Kafka client); `poll` returns records
 * in offset order per partition and, when there is nothing new, waits on the partitions'
 * append events (no busy loop) until data arrives or `maxWaitMs` passes. Positions start
 * at the group's committed offset, else at the `autoOffsetReset` policy, which also
 * applies when a position falls out of the log (retention). `commitSync` stores positions.
 *
 * Like Kafka's KafkaConsumer it is not safe for concurrent use: call poll, commit, seek
 * and close from one async flow (close may be called while a poll waits; it wakes it).
 */
export class Consumer {
  private readonly policy: OffsetResetPolicy;
  private readonly sessionTimeoutMs: number;
  private mode: 'none' | 'assign' | 'subscribe' = 'none';
  private subscription: string[] = [];
  private assigned: TopicPartition[] = [];
  private readonly positions = new Map<string, number>();
  private readonly paused = new Set<string>();
  private memberId = '';
  private generationId = -1;
  private needsRejoin = false;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private wake: AbortController | null = null;
  private closed = false;
  private polling = false;
  private nextStart = 0;
  private seenPartitionCounts = '';
  private readonly closedListeners = new Set<() => void>();
  private readonly offTopics: () => void;

  constructor(
    private readonly broker: ConsumerHost,
    private readonly opts: ConsumerOptions,
  ) {
    this.policy = opts.autoOffsetReset ?? 'latest';
    this.sessionTimeoutMs = opts.sessionTimeoutMs ?? 10_000;
    if (!['earliest', 'latest', 'none'].includes(this.policy)) {
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `autoOffsetReset ${String(this.policy)} must be earliest, latest or none`,
      );
    }
    for (const name of opts.assignors ?? ['range']) {
      if (!ASSIGNORS[name])
        throw new LogdockError(
          'INVALID_ARGUMENT',
          `unknown assignor ${name} (known: range, roundrobin)`,
        );
    }
    // A topic created or grown changes what the group should share out: rebalance.
    this.offTopics = broker.onTopicsChanged(() => {
      if (this.mode === 'subscribe' && this.partitionCounts() !== this.seenPartitionCounts) {
        this.needsRejoin = true;
        this.wake?.abort();
      }
    });
  }

  /** Consumes exactly these partitions (no group management). Replaces any earlier assignment. */
  assign(partitions: TopicPartition[]): void {
    this.checkOpen();
    if (this.mode === 'subscribe')
      throw new LogdockError('INVALID_ARGUMENT', 'assign() after subscribe(): unsubscribe first');
    for (const tp of partitions) {
      const n = this.broker.partitionCount(tp.topic);
      if (n === null) throw new LogdockError('UNKNOWN_TOPIC', `topic "${tp.topic}" does not exist`);
      if (tp.partition < 0 || tp.partition >= n)
        throw new LogdockError(
          'UNKNOWN_PARTITION',
          `topic "${tp.topic}" has no partition ${tp.partition}`,
        );
    }
    this.mode = 'assign';
    this.setAssignment(partitions);
  }

  /** Joins the consumer group for these topics; the group shares their partitions out on poll. */
  subscribe(topics: string[]): void {
    this.checkOpen();
    if (!this.opts.groupId)
      throw new LogdockError('INVALID_ARGUMENT', 'subscribe() needs a groupId');
    if (this.mode === 'assign')
      throw new LogdockError('INVALID_ARGUMENT', 'subscribe() after assign(): unassign first');
    if (topics.length === 0)
      throw new LogdockError('INVALID_ARGUMENT', 'subscribe() needs at least one topic');
    this.mode = 'subscribe';
    this.subscription = [...new Set(topics)].sort();
    this.needsRejoin = true;
  }

  /** The partitions currently assigned (by assign() or by the group). */
  assignment(): TopicPartition[] {
    return [...this.assigned];
  }

  /** Moves the position of an assigned partition. Throws INVALID_ARGUMENT if not assigned. */
  async seek(topic: string, partition: number, target: SeekTarget): Promise<void> {
    this.checkOpen();
    const tp = { topic, partition };
    if (!this.assigned.some((a) => key(a) === key(tp))) {
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `seek on ${topic}-${partition}, which is not assigned to this consumer`,
      );
    }
    const { logStartOffset, logEndOffset } = this.broker.offsetsOf(topic, partition);
    let offset: number;
    if (target === 'earliest') offset = logStartOffset;
    else if (target === 'latest') offset = logEndOffset;
    else if (typeof target === 'number') {
      if (!Number.isSafeInteger(target) || target < 0)
        throw new LogdockError('INVALID_ARGUMENT', `seek offset ${target} is not a valid offset`);
      offset = target;
    } else
      offset =
        (await this.broker.offsetForTimestamp(topic, partition, target.timestamp)) ?? logEndOffset;
    this.positions.set(key(tp), offset);
  }

  /** The next offset poll will return for a partition (null before it is known). */
  position(topic: string, partition: number): number | null {
    return this.positions.get(key({ topic, partition })) ?? null;
  }

  pause(partitions: TopicPartition[]): void {
    for (const tp of partitions) this.paused.add(key(tp));
  }

  resume(partitions: TopicPartition[]): void {
    for (const tp of partitions) this.paused.delete(key(tp));
    this.wake?.abort();
  }

  pausedPartitions(): TopicPartition[] {
    return this.assigned.filter((tp) => this.paused.has(key(tp)));
  }

  /**
   * Returns up to maxPollRecords records from the assigned, unpaused partitions, waiting up
   * to `maxWaitMs` for some to arrive. Runs group rebalances when needed. Throws
   * OFFSET_OUT_OF_RANGE (policy none), CLOSED, and the coordinator's errors.
   */
  async poll(maxWaitMs: number): Promise<ConsumedRecord[]> {
    this.checkOpen();
    if (this.polling)
      throw new LogdockError('INVALID_ARGUMENT', 'poll() is already running on this consumer');
    this.polling = true;
    try {
      const deadline = Date.now() + Math.max(0, maxWaitMs);
      while (true) {
        if (this.mode === 'subscribe' && this.needsRejoin) await this.joinGroup();
        // Closed while this poll ran (e.g. by the broker's shutdown): nothing more to return.
        if (this.closed) return [];
        const records = await this.fetchOnce();
        if (records.length > 0) return records;
        const remaining = deadline - Date.now();
        if (remaining <= 0) return [];
        await this.waitForAny(remaining);
        if (this.closed) return [];
      }
    } finally {
      this.polling = false;
    }
  }

  /**
   * Commits offsets (default: the current position of every assigned partition) to the
   * group and waits until stored. Throws INVALID_ARGUMENT without a groupId; with group
   * management REBALANCE_IN_PROGRESS / ILLEGAL_GENERATION / UNKNOWN_MEMBER when this member
   * lost its partitions (it rejoins on the next poll), or a per-partition error.
   */
  async commitSync(
    offsets?: (TopicPartition & { offset: number; metadata?: string })[],
  ): Promise<void> {
    this.checkOpen();
    const groupId = this.opts.groupId;
    if (!groupId) throw new LogdockError('INVALID_ARGUMENT', 'commitSync() needs a groupId');
    const entries =
      offsets ??
      this.assigned
        .filter((tp) => this.positions.has(key(tp)))
        .map((tp) => ({ ...tp, offset: this.positions.get(key(tp))! }));
    if (entries.length === 0) return;
    const ref =
      this.mode === 'subscribe'
        ? { groupId, generationId: this.generationId, memberId: this.memberId }
        : { groupId, generationId: -1, memberId: '' };
    try {
      const results = await this.broker.groups.commitOffsets(ref, entries);
      const bad = results.find((r) => r.error);
      if (bad)
        throw new LogdockError(
          bad.error!,
          `commit of ${bad.topic}-${bad.partition} for group ${groupId} failed: ${bad.error}`,
        );
    } catch (err) {
      const code = (err as LogdockError).code;
      if (
        code === 'REBALANCE_IN_PROGRESS' ||
        code === 'ILLEGAL_GENERATION' ||
        code === 'UNKNOWN_MEMBER'
      ) {
        this.needsRejoin = true;
        if (code === 'UNKNOWN_MEMBER') this.memberId = '';
      }
      throw err;
    }
  }

  /** Committed offsets of the group for these partitions (null where none). */
  committed(partitions: TopicPartition[]): (TopicPartition & { offset: number | null })[] {
    if (!this.opts.groupId) return partitions.map((tp) => ({ ...tp, offset: null }));
    return this.broker.groups
      .fetchOffsets(this.opts.groupId, this.byTopic(partitions))
      .map((o) => ({
        topic: o.topic,
        partition: o.partition,
        offset: o.offset < 0 ? null : o.offset,
      }));
  }

  /**
   * Stops heartbeats, wakes a waiting poll and, by default, leaves the group so it
   * rebalances at once. With `leaveGroup: false` (Kafka's REMAIN_IN_GROUP) the group only
   * notices when the session times out. Idempotent.
   */
  async close(opts: { leaveGroup?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopHeartbeats();
    this.offTopics();
    this.wake?.abort();
    if (this.mode === 'subscribe' && this.memberId && opts.leaveGroup !== false) {
      try {
        this.broker.groups.leaveGroup(this.opts.groupId!, [{ memberId: this.memberId }]);
      } catch {
        // The coordinator is closing too; nothing to leave.
      }
    }
    for (const l of this.closedListeners) l();
  }

  /** Called once the consumer is closed (the broker uses it to forget the consumer). */
  onClosed(listener: () => void): void {
    this.closedListeners.add(listener);
  }

  // ---------------------------------------------------------------- internals

  private checkOpen(): void {
    if (this.closed) throw new LogdockError('CLOSED', 'the consumer is closed');
  }

  private byTopic(partitions: TopicPartition[]): { topic: string; partitions: number[] }[] {
    const m = new Map<string, number[]>();
    for (const tp of partitions) m.set(tp.topic, [...(m.get(tp.topic) ?? []), tp.partition]);
    return [...m].map(([topic, ps]) => ({ topic, partitions: ps }));
  }

  private setAssignment(partitions: TopicPartition[]): void {
    const keep = new Set(partitions.map(key));
    for (const k of [...this.positions.keys()]) if (!keep.has(k)) this.positions.delete(k);
    for (const k of [...this.paused]) if (!keep.has(k)) this.paused.delete(k);
    this.assigned = [...partitions];
  }

  private partitionCounts(): string {
    return this.subscription.map((t) => `${t}=${this.broker.partitionCount(t) ?? 0}`).join(',');
  }

  /** Join + sync until this member holds an assignment of a stable generation. */
  private async joinGroup(): Promise<void> {
    const groupId = this.opts.groupId!;
    this.stopHeartbeats();
    // Eager protocol: give everything up before rejoining; positions come back from commits.
    this.setAssignment([]);
    this.positions.clear();
    while (!this.closed) {
      this.needsRejoin = false;
      this.seenPartitionCounts = this.partitionCounts();
      const metadata = encodeSubscription({ topics: this.subscription });
      let joined;
      try {
        joined = await this.broker.groups.joinGroup({
          groupId,
          memberId: this.memberId,
          clientId: this.opts.clientId ?? 'logdock-consumer',
          clientHost: '/127.0.0.1',
          sessionTimeoutMs: this.sessionTimeoutMs,
          rebalanceTimeoutMs: this.opts.rebalanceTimeoutMs ?? 30_000,
          protocolType: 'consumer',
          protocols: (this.opts.assignors ?? ['range']).map((name) => ({ name, metadata })),
        });
      } catch (err) {
        if (this.closed) return; // close() removed this member while it waited
        if (this.retryable(err)) continue;
        throw err;
      }
      if (joined.kind !== 'joined') {
        this.memberId = joined.memberId;
        continue;
      }
      this.memberId = joined.memberId;
      this.generationId = joined.generationId;
      if (this.closed) {
        // close() ran while the join was pending, before this member had an id to leave with.
        this.broker.groups.leaveGroup(groupId, [{ memberId: this.memberId }]);
        return;
      }
      this.startHeartbeats();
      const assignments =
        joined.leader === joined.memberId ? this.assign_(joined.protocolName, joined.members) : [];
      try {
        const synced = await this.broker.groups.syncGroup({
          groupId,
          generationId: joined.generationId,
          memberId: joined.memberId,
          protocolType: 'consumer',
          protocolName: joined.protocolName,
          assignments,
        });
        const parts = decodeAssignment(synced.assignment).assignedPartitions.flatMap((a) =>
          a.partitions.map((partition) => ({ topic: a.topic, partition })),
        );
        this.setAssignment(parts);
        if (!this.needsRejoin) return;
      } catch (err) {
        if (this.closed) return; // close() removed this member while it waited
        if (this.retryable(err)) continue;
        throw err;
      }
    }
  }

  /** The leader runs the chosen assignor over every member's subscription. */
  private assign_(
    protocol: string,
    members: { memberId: string; metadata: Buffer }[],
  ): { memberId: string; assignment: Buffer }[] {
    const assignor = ASSIGNORS[protocol];
    const subs = members.map((m) => ({
      memberId: m.memberId,
      subscription: decodeSubscription(m.metadata),
    }));
    const counts = new Map<string, number>();
    for (const s of subs) {
      for (const t of s.subscription.topics) {
        const n = this.broker.partitionCount(t);
        if (n !== null) counts.set(t, n);
      }
    }
    const result = assignor.assign(subs, counts);
    return subs.map((s) => ({
      memberId: s.memberId,
      assignment: encodeAssignment({ assignedPartitions: result.get(s.memberId) ?? [] }),
    }));
  }

  private retryable(err: unknown): boolean {
    const code = (err as LogdockError).code;
    if (code === 'UNKNOWN_MEMBER') this.memberId = '';
    return (
      !this.closed &&
      (code === 'REBALANCE_IN_PROGRESS' ||
        code === 'ILLEGAL_GENERATION' ||
        code === 'UNKNOWN_MEMBER')
    );
  }

  private startHeartbeats(): void {
    this.stopHeartbeats();
    const interval =
      this.opts.heartbeatIntervalMs ?? Math.max(10, Math.floor(this.sessionTimeoutMs / 3));
    this.heartbeatTimer = setInterval(() => this.heartbeat(), interval);
    this.heartbeatTimer.unref();
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private heartbeat(): void {
    if (this.closed || this.needsRejoin) return;
    try {
      this.broker.groups.heartbeat({
        groupId: this.opts.groupId!,
        generationId: this.generationId,
        memberId: this.memberId,
      });
    } catch (err) {
      const code = (err as LogdockError).code;
      if (code === 'CLOSED') return this.stopHeartbeats();
      if (code === 'UNKNOWN_MEMBER') this.memberId = '';
      // Any failure means this member must rejoin: wake a waiting poll to do it.
      this.needsRejoin = true;
      this.wake?.abort();
    }
  }

  /** Where a partition's reading starts: the group's commit, else the reset policy. */
  private initialPosition(tp: TopicPartition): number {
    if (this.opts.groupId) {
      const [c] = this.broker.groups.fetchOffsets(this.opts.groupId, [
        { topic: tp.topic, partitions: [tp.partition] },
      ]);
      if (c && c.offset >= 0) return c.offset;
    }
    return this.resetPosition(tp, `no committed offset for ${tp.topic}-${tp.partition}`);
  }

  private resetPosition(tp: TopicPartition, why: string): number {
    const { logStartOffset, logEndOffset } = this.broker.offsetsOf(tp.topic, tp.partition);
    if (this.policy === 'earliest') return logStartOffset;
    if (this.policy === 'latest') return logEndOffset;
    throw new LogdockError(
      'OFFSET_OUT_OF_RANGE',
      `${why} and autoOffsetReset is none (log has [${logStartOffset}, ${logEndOffset}])`,
    );
  }

  private active(): TopicPartition[] {
    const list = this.assigned.filter(
      (tp) => !this.paused.has(key(tp)) && this.broker.partitionCount(tp.topic) !== null,
    );
    // Start each poll at a different partition so that one busy partition cannot starve others.
    const start = list.length ? this.nextStart++ % list.length : 0;
    return [...list.slice(start), ...list.slice(0, start)];
  }

  private async fetchOnce(): Promise<ConsumedRecord[]> {
    const max = this.opts.maxPollRecords ?? 500;
    const out: ConsumedRecord[] = [];
    for (const tp of this.active()) {
      if (out.length >= max || this.needsRejoin) break;
      const k = key(tp);
      if (!this.positions.has(k)) this.positions.set(k, this.initialPosition(tp));
      let position = this.positions.get(k)!;
      const { logStartOffset, logEndOffset } = this.broker.offsetsOf(tp.topic, tp.partition);
      if (position < logStartOffset || position > logEndOffset) {
        position = this.resetPosition(
          tp,
          `offset ${position} of ${tp.topic}-${tp.partition} is out of range`,
        );
        this.positions.set(k, position);
      }
      if (position >= logEndOffset) continue;
      let records: StoredRecord[];
      try {
        records = await this.broker.readRecords(tp.topic, tp.partition, position, {
          maxRecords: max - out.length,
        });
      } catch (err) {
        if ((err as LogdockError).code !== 'OFFSET_OUT_OF_RANGE') throw err;
        // Retention moved the log start between our check and the read.
        this.positions.set(
          k,
          this.resetPosition(
            tp,
            `offset ${position} of ${tp.topic}-${tp.partition} is out of range`,
          ),
        );
        continue;
      }
      // A seek or rebalance during the read makes these records stale.
      if (this.positions.get(k) !== position) continue;
      for (const r of records)
        if (r.offset >= position) out.push({ ...r, topic: tp.topic, partition: tp.partition });
      const last = records.length ? records[records.length - 1].offset + 1 : position;
      this.positions.set(k, Math.max(position, last));
    }
    return out;
  }

  private async waitForAny(timeoutMs: number): Promise<void> {
    // close() or a rebalance may have come while this poll was reading: do not start waiting.
    if (this.closed || this.needsRejoin) return;
    const wake = new AbortController();
    this.wake = wake;
    try {
      const waits = this.active().map((tp) =>
        this.broker
          .waitForData(
            tp.topic,
            tp.partition,
            this.positions.get(key(tp)) ?? 0,
            timeoutMs,
            wake.signal,
          )
          .then((got) => {
            if (got) wake.abort();
          }),
      );
      if (waits.length === 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, timeoutMs);
          wake.signal.addEventListener('abort', () => {
            clearTimeout(t);
            resolve();
          });
        });
      } else await Promise.race(waits);
    } finally {
      wake.abort();
      if (this.wake === wake) this.wake = null;
    }
  }
}
