import { randomUUID } from 'node:crypto';
import { LogdockError, type ErrorCode } from '../../common/errors';
import type { GroupDescription, GroupSummary } from './api';
import { decodeAssignment, decodeSubscription } from '../kafka/consumer-protocol';
import { Group, type JoinProtocol, type JoinedResult, type Member } from './group';
import { BrokerFailureError, BROKER_FAILURES, type BrokerFailure } from './failures';
import { groupMetadataRecord, restoreGroup } from './group-records';
import { OffsetStore, type StoredOffset } from './offset-store';
import {
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  decodeOffsetsKey,
  encodeGroupMetadataKey,
} from './offsets-codec';

export type { JoinedResult, JoinProtocol } from './group';

/** One key/value for `__consumer_offsets`; a null value is a tombstone. */
export interface OffsetsRecord {
  key: Buffer;
  value: Buffer | null;
}

export interface CoordinatorOptions {
  clock?: () => number;
  /** Durably appends records for a group (the broker writes them to `__consumer_offsets`). */
  persist?: (groupId: string, records: OffsetsRecord[]) => Promise<void>;
  /** Partition count of a topic, or null if it does not exist (commits to it are refused). */
  partitionCount?: (topic: string) => number | null;
  /** Kafka's group.initial.rebalance.delay.ms: wait this long for more members of an empty group. */
  initialRebalanceDelayMs?: number;
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
}

export interface JoinGroupRequest {
  groupId: string;
  /** '' for a new member. */
  memberId: string;
  groupInstanceId?: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  /** -1 (JoinGroup v0) means: same as the session timeout. */
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: JoinProtocol[];
  /**
   * KIP-394 (JoinGroup v4+): a new dynamic member first gets MEMBER_ID_REQUIRED with its
   * id; a static one (groupInstanceId) joins at once, as in Kafka.
   */
  requireKnownMemberId?: boolean;
  reason?: string | null;
}

export type JoinGroupResult = JoinedResult | { kind: 'memberIdRequired'; memberId: string };

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
  protocolType?: string | null;
  protocolName?: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface SyncGroupResult {
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface MemberRef {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
}

export interface OffsetCommitEntry {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch?: number;
  metadata?: string | null;
}

export interface PartitionResult {
  topic: string;
  partition: number;
  error: ErrorCode | null;
  /** Which failure, where `error` alone does not tell (see failures.ts). */
  reason?: BrokerFailure;
}

export interface FetchedOffset {
  topic: string;
  partition: number;
  /** -1 when the group has committed nothing for the partition. */
  offset: number;
  leaderEpoch: number;
  metadata: string;
}

const MAX_METADATA_LENGTH = 4096; // Kafka's offset.metadata.max.bytes

function fail(code: ErrorCode, message: string): never {
  throw new LogdockError(code, message);
}

function failure(reason: BrokerFailure): { error: ErrorCode; reason: BrokerFailure } {
  return { error: BROKER_FAILURES[reason], reason };
}

/**
 * Kafka's classic group coordinator, in-process: JoinGroup / SyncGroup / Heartbeat /
 * LeaveGroup with member ids, generations, session and rebalance timeouts and protocol
 * selection, plus offset commit and fetch, for every group of this broker. The Kafka
 * protocol server and the in-process Consumer both call it; it returns Kafka's shapes and
 * throws LogdockError with the codes the protocol layer maps to Kafka error codes.
 *
 * State machine (as Kafka's `GroupMetadata`): Empty → PreparingRebalance (waiting for every
 * member to (re)join, up to the longest rebalance timeout) → CompletingRebalance (join
 * answered; waiting for the leader's SyncGroup) → Stable; a join of a new member, a changed
 * subscription, a leave or an expired session sends the group back to PreparingRebalance.
 * Members that do not rejoin in time are removed.
 *
 * All methods run on the Node event loop and are safe to call concurrently; joinGroup and
 * syncGroup resolve only when the rebalance phase they wait for completes.
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly clock: () => number;
  private readonly persistFn: (groupId: string, records: OffsetsRecord[]) => Promise<void>;
  private readonly partitionCount: (topic: string) => number | null;
  private readonly listeners = new Set<() => void>();
  /** Committed offsets: their own store, apart from membership (offset-store.ts). */
  private readonly offsets: OffsetStore;
  private closed = false;
  /** Background writes (group records not awaited by a caller), awaited by `flush`. */
  private readonly writes = new Set<Promise<void>>();

  constructor(private readonly opts: CoordinatorOptions = {}) {
    this.clock = opts.clock ?? Date.now;
    this.persistFn = opts.persist ?? (async () => {});
    this.partitionCount = opts.partitionCount ?? (() => null);
    this.offsets = new OffsetStore(this.persistFn);
  }

  // ---------------------------------------------------------------- membership

  /**
   * Joins (or rejoins) a member and resolves once the group's join phase completes, with the
   * generation, chosen protocol and leader (the leader also gets every member's metadata).
   * Throws UNKNOWN_MEMBER, INCONSISTENT_PROTOCOL, INVALID_ARGUMENT (bad timeouts/group id),
   * REBALANCE_IN_PROGRESS (a newer join of the same member replaced this one), CLOSED.
   */
  async joinGroup(req: JoinGroupRequest): Promise<JoinGroupResult> {
    this.checkOpen();
    if (!req.groupId)
      throw new BrokerFailureError('INVALID_GROUP_ID', 'JoinGroup: group id is empty');
    const minS = this.opts.minSessionTimeoutMs ?? 100;
    const maxS = this.opts.maxSessionTimeoutMs ?? 1_800_000;
    if (req.sessionTimeoutMs < minS || req.sessionTimeoutMs > maxS) {
      throw new BrokerFailureError(
        'INVALID_SESSION_TIMEOUT',
        `JoinGroup ${req.groupId}: session timeout ${req.sessionTimeoutMs} ms is outside [${minS}, ${maxS}]`,
      );
    }
    if (!req.protocolType || req.protocols.length === 0) {
      fail('INCONSISTENT_PROTOCOL', `JoinGroup ${req.groupId}: protocol type or protocols missing`);
    }
    let group = this.groups.get(req.groupId);
    if (!group) {
      if (req.memberId)
        fail('UNKNOWN_MEMBER', `group ${req.groupId} has no member ${req.memberId}`);
      group = new Group(req.groupId);
      this.groups.set(req.groupId, group);
    }
    const existing = req.memberId ? group.members.get(req.memberId) : undefined;
    if (!existing) this.checkProtocolsCompatible(group, req);

    if (!req.memberId) {
      const memberId = `${req.clientId || 'member'}-${randomUUID()}`;
      // Kafka asks only dynamic members for the round trip: a static one is known by its
      // instance id, and librdkafka does not expect MEMBER_ID_REQUIRED for it.
      if (req.requireKnownMemberId && !req.groupInstanceId) {
        this.addPendingMember(group, memberId, req.sessionTimeoutMs);
        return { kind: 'memberIdRequired', memberId };
      }
      return this.addMemberAndRebalance(group, memberId, req);
    }
    if (group.pendingMembers.has(req.memberId)) {
      clearTimeout(group.pendingMembers.get(req.memberId));
      group.pendingMembers.delete(req.memberId);
      return this.addMemberAndRebalance(group, req.memberId, req);
    }
    if (!existing) fail('UNKNOWN_MEMBER', `group ${req.groupId} has no member ${req.memberId}`);
    this.checkProtocolsCompatible(group, req, existing);
    const same = this.sameProtocols(existing.protocols, req.protocols);
    if (group.state === 'CompletingRebalance' && same) return this.joinedResult(group, existing);
    if (group.state === 'Stable' && same && existing.memberId !== group.leaderId) {
      // A follower re-sending the same metadata gets the current generation back.
      this.resetSession(group, existing);
      return this.joinedResult(group, existing);
    }
    return this.updateMemberAndRebalance(group, existing, req);
  }

  /**
   * Completes a member's part of the rebalance: the leader hands in every assignment, each
   * member receives its own (after the group is persisted). Throws UNKNOWN_MEMBER,
   * ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, INCONSISTENT_PROTOCOL, CLOSED.
   */
  async syncGroup(req: SyncGroupRequest): Promise<SyncGroupResult> {
    this.checkOpen();
    const { group, member } = this.lookupMember(req);
    if (req.protocolType && group.protocolType && req.protocolType !== group.protocolType) {
      fail(
        'INCONSISTENT_PROTOCOL',
        `SyncGroup ${req.groupId}: protocol type ${req.protocolType} is not ${group.protocolType}`,
      );
    }
    if (req.protocolName && group.protocolName && req.protocolName !== group.protocolName) {
      fail(
        'INCONSISTENT_PROTOCOL',
        `SyncGroup ${req.groupId}: protocol ${req.protocolName} is not ${group.protocolName}`,
      );
    }
    this.checkGeneration(group, req.generationId);
    if (group.state === 'PreparingRebalance') {
      fail('REBALANCE_IN_PROGRESS', `group ${group.groupId} is rebalancing`);
    }
    this.resetSession(group, member);
    const result = (assignment: Buffer): SyncGroupResult => ({
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment,
    });
    if (group.state === 'Stable') return result(member.assignment);

    const pending = new Promise<Buffer>((resolve, reject) => {
      member.syncWaiter = { resolve, reject };
    });
    // Observed below or superseded; never an unhandled rejection.
    pending.catch(() => {});
    if (member.memberId === group.leaderId) {
      const generation = group.generationId;
      const byMember = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
      for (const m of group.members.values())
        m.assignment = byMember.get(m.memberId) ?? Buffer.alloc(0);
      try {
        await this.persistGroup(group);
      } catch (err) {
        // Could not store the assignment: make everyone rejoin rather than diverge.
        if (group.generationId === generation && group.state === 'CompletingRebalance') {
          this.prepareRebalance(group, 'failed to store the group metadata');
        }
        throw err;
      }
      if (group.generationId === generation && group.state === 'CompletingRebalance') {
        this.transition(group, 'Stable');
        for (const m of group.members.values()) {
          m.syncWaiter?.resolve(m.assignment);
          m.syncWaiter = null;
        }
      }
    }
    return result(await pending);
  }

  /**
   * Keeps a member alive. Throws REBALANCE_IN_PROGRESS when the member must rejoin,
   * UNKNOWN_MEMBER, ILLEGAL_GENERATION, CLOSED.
   */
  heartbeat(ref: MemberRef): void {
    this.checkOpen();
    const { group, member } = this.lookupMember(ref);
    this.checkGeneration(group, ref.generationId);
    this.resetSession(group, member);
    if (group.state === 'PreparingRebalance') {
      fail('REBALANCE_IN_PROGRESS', `group ${group.groupId} is rebalancing; rejoin`);
    }
  }

  /** Removes members (LeaveGroup v3+ takes several). Per member: null or UNKNOWN_MEMBER. */
  leaveGroup(
    groupId: string,
    members: { memberId: string; groupInstanceId?: string | null }[],
  ): { memberId: string; groupInstanceId: string | null; error: ErrorCode | null }[] {
    this.checkOpen();
    const group = this.groups.get(groupId);
    return members.map((ref) => {
      let memberId = ref.memberId;
      if (!memberId && ref.groupInstanceId && group) {
        memberId =
          [...group.members.values()].find((m) => m.groupInstanceId === ref.groupInstanceId)
            ?.memberId ?? '';
      }
      const member = group?.members.get(memberId);
      const out = { memberId, groupInstanceId: ref.groupInstanceId ?? null };
      if (group && group.pendingMembers.has(memberId)) {
        clearTimeout(group.pendingMembers.get(memberId));
        group.pendingMembers.delete(memberId);
        this.maybeCompleteJoin(group);
        return { ...out, error: null };
      }
      if (!group || !member) return { ...out, error: 'UNKNOWN_MEMBER' as const };
      this.removeMember(group, member, 'left the group');
      return { ...out, error: null };
    });
  }

  // ---------------------------------------------------------------- offsets

  /**
   * Stores committed offsets. A generation of -1 with an empty member id commits for a group
   * that does not use group management (allowed only while the group has no members).
   * Throws UNKNOWN_MEMBER, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, CLOSED for the whole
   * request; per partition, UNKNOWN_TOPIC / UNKNOWN_PARTITION / INVALID_ARGUMENT.
   */
  async commitOffsets(ref: MemberRef, offsets: OffsetCommitEntry[]): Promise<PartitionResult[]> {
    this.checkOpen();
    if (!ref.groupId)
      throw new BrokerFailureError('INVALID_GROUP_ID', 'OffsetCommit: group id is empty');
    let group = this.groups.get(ref.groupId);
    if (ref.generationId < 0 && (!group || group.state === 'Empty')) {
      if (!group) {
        group = new Group(ref.groupId);
        this.groups.set(ref.groupId, group);
      }
    } else {
      if (!group)
        fail(
          'ILLEGAL_GENERATION',
          `group ${ref.groupId} does not exist; generation ${ref.generationId} is not valid`,
        );
      if (group.state === 'CompletingRebalance') {
        fail('REBALANCE_IN_PROGRESS', `group ${ref.groupId} is completing a rebalance`);
      }
      const member = group.members.get(ref.memberId);
      if (!member) fail('UNKNOWN_MEMBER', `group ${ref.groupId} has no member ${ref.memberId}`);
      this.checkGeneration(group, ref.generationId);
      this.resetSession(group, member);
    }
    const now = this.clock();
    const results: PartitionResult[] = [];
    const accepted: StoredOffset[] = [];
    for (const e of offsets) {
      const failure = this.validateCommit(e);
      const error = failure === null ? null : failure.error;
      results.push({ topic: e.topic, partition: e.partition, ...failure, error });
      if (!error) {
        accepted.push({
          topic: e.topic,
          partition: e.partition,
          offset: e.offset,
          leaderEpoch: e.leaderEpoch ?? -1,
          metadata: e.metadata ?? '',
          commitTimestamp: now,
        });
      }
    }
    if (accepted.length === 0) return results;
    await this.offsets.commit(ref.groupId, accepted);
    if (!this.groups.has(ref.groupId)) this.groups.set(ref.groupId, group);
    this.emitChange();
    return results;
  }

  /**
   * Committed offsets of a group: for the given partitions (offset -1 where nothing is
   * committed), or every committed partition when `partitions` is null. Never throws for an
   * unknown group (it simply has no offsets), as Kafka.
   */
  fetchOffsets(
    groupId: string,
    partitions: { topic: string; partitions: number[] }[] | null,
  ): FetchedOffset[] {
    if (partitions === null) {
      return this.offsets.list(groupId).map((o) => ({
        topic: o.topic,
        partition: o.partition,
        offset: o.offset,
        leaderEpoch: o.leaderEpoch,
        metadata: o.metadata,
      }));
    }
    return partitions.flatMap(({ topic, partitions: ps }) =>
      ps.map((partition) => {
        const o = this.offsets.get(groupId, topic, partition);
        return {
          topic,
          partition,
          offset: o?.offset ?? -1,
          leaderEpoch: o?.leaderEpoch ?? -1,
          metadata: o?.metadata ?? '',
        };
      }),
    );
  }

  /**
   * Overwrites committed offsets as an administrator (offset reset). Throws UNKNOWN_GROUP
   * for a group never seen and GROUP_NOT_EMPTY while it has members.
   */
  async setOffsets(
    groupId: string,
    offsets: { topic: string; partition: number; offset: number }[],
  ): Promise<void> {
    const group = this.groups.get(groupId);
    if (group && group.members.size > 0) {
      fail(
        'GROUP_NOT_EMPTY',
        `group ${groupId} has ${group.members.size} active members; stop them first`,
      );
    }
    await this.commitOffsets({ groupId, generationId: -1, memberId: '' }, offsets);
  }

  /** Deletes the offsets a group committed for a topic (the topic was deleted). */
  async deleteTopicOffsets(topic: string): Promise<void> {
    await this.offsets.deleteTopic(topic);
  }

  /**
   * Kafka's OffsetDelete (KIP-496): removes a group's committed offsets for `partitions`.
   * While the group has members using the consumer protocol, partitions of topics they
   * subscribe to are refused (GROUP_SUBSCRIBED_TO_TOPIC); unknown partitions are
   * UNKNOWN_TOPIC / UNKNOWN_PARTITION; partitions without an offset are simply done.
   * Throws UNKNOWN_GROUP (or a BrokerFailureError INVALID_GROUP_ID), CLOSED.
   */
  async deleteOffsets(
    groupId: string,
    partitions: { topic: string; partition: number }[],
  ): Promise<PartitionResult[]> {
    this.checkOpen();
    if (!groupId)
      throw new BrokerFailureError('INVALID_GROUP_ID', 'OffsetDelete: group id is empty');
    const group = this.groups.get(groupId);
    if (!group) fail('UNKNOWN_GROUP', `group ${groupId} does not exist`);
    const subscribed = this.subscribedTopics(group);
    const results: PartitionResult[] = [];
    const gone: { topic: string; partition: number }[] = [];
    for (const { topic, partition } of partitions) {
      const count = this.partitionCount(topic);
      let result: PartitionResult = { topic, partition, error: null };
      if (count === null) result.error = 'UNKNOWN_TOPIC';
      else if (!Number.isInteger(partition) || partition < 0 || partition >= count)
        result.error = 'UNKNOWN_PARTITION';
      else if (subscribed.has(topic))
        result = { topic, partition, ...failure('GROUP_SUBSCRIBED_TO_TOPIC') };
      else gone.push({ topic, partition });
      results.push(result);
    }
    if ((await this.offsets.delete(groupId, gone)) > 0) this.emitChange();
    return results;
  }

  /** Topics the group's members subscribe to (consumer protocol only; empty otherwise). */
  private subscribedTopics(group: Group): Set<string> {
    const topics = new Set<string>();
    if (group.protocolType !== 'consumer') return topics;
    for (const m of group.members.values()) {
      const chosen = m.protocols.find((p) => p.name === group.protocolName) ?? m.protocols[0];
      if (!chosen) continue;
      try {
        for (const t of decodeSubscription(chosen.metadata).topics) topics.add(t);
      } catch {
        // A member whose metadata does not decode subscribes to nothing we can name.
      }
    }
    return topics;
  }

  // ---------------------------------------------------------------- administration

  /** Every known group with its state. */
  listGroups(): GroupSummary[] {
    return [...this.groups.values()]
      .map((g) => ({
        groupId: g.groupId,
        state: g.state,
        protocolType: g.protocolType ?? '',
        members: g.members.size,
      }))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
  }

  /** Members, client ids, hosts and decoded assignments. Throws UNKNOWN_GROUP. */
  describeGroup(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    if (!group) fail('UNKNOWN_GROUP', `group ${groupId} does not exist`);
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocol: group.protocolName ?? '',
      generationId: group.generationId,
      members: group.members.size,
      memberList: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignment: this.decodeMemberAssignment(group, m),
      })),
    };
  }

  /** Raw member metadata and assignment, for the Kafka protocol's DescribeGroups. */
  describeGroupRaw(groupId: string): {
    group: GroupDescription;
    members: { memberId: string; metadata: Buffer; assignment: Buffer }[];
  } | null {
    const group = this.groups.get(groupId);
    if (!group) return null;
    return {
      group: this.describeGroup(groupId),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        metadata:
          m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? Buffer.alloc(0),
        assignment: m.assignment,
      })),
    };
  }

  hasGroup(groupId: string): boolean {
    return this.groups.has(groupId);
  }

  /** Deletes an empty group and its offsets. Throws UNKNOWN_GROUP, GROUP_NOT_EMPTY. */
  async deleteGroup(groupId: string): Promise<void> {
    this.checkOpen();
    const group = this.groups.get(groupId);
    if (!group) fail('UNKNOWN_GROUP', `group ${groupId} does not exist`);
    if (group.members.size > 0 || group.state !== 'Empty') {
      fail(
        'GROUP_NOT_EMPTY',
        `group ${groupId} is ${group.state} with ${group.members.size} members`,
      );
    }
    const records: OffsetsRecord[] = this.offsets.tombstonesOf(groupId);
    records.push({ key: encodeGroupMetadataKey(groupId), value: null });
    await this.persistFn(groupId, records);
    this.offsets.forget(groupId);
    group.state = 'Dead';
    this.groups.delete(groupId);
    this.emitChange();
  }

  /** Called on any group change (state, members, offsets). Returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---------------------------------------------------------------- loading and closing

  /**
   * Replays one `__consumer_offsets` record (in log order) into memory. Groups come back
   * with their members as last stored; members that do not heartbeat expire after their
   * session timeout, as in Kafka after a coordinator move. Throws CORRUPT_RECORD.
   */
  loadRecord(key: Buffer, value: Buffer | null): void {
    const k = decodeOffsetsKey(key);
    if (k.type === 'offset') {
      const ref = { topic: k.topic, partition: k.partition };
      if (value === null) {
        this.offsets.load(k.group, null, ref);
        return;
      }
      const v = decodeOffsetCommitValue(value);
      if (!this.groups.has(k.group)) this.groups.set(k.group, new Group(k.group));
      const { offset, leaderEpoch, metadata, commitTimestamp } = v;
      this.offsets.load(k.group, { ...ref, offset, leaderEpoch, metadata, commitTimestamp }, ref);
      return;
    }
    if (value === null) {
      this.clearTimers(this.groups.get(k.group));
      this.groups.delete(k.group);
      return;
    }
    const group = this.groups.get(k.group) ?? new Group(k.group);
    this.groups.set(k.group, group);
    this.clearTimers(group);
    restoreGroup(group, decodeGroupMetadataValue(value));
  }

  /** After loading: starts the session timers of restored members. */
  startLoadedSessions(): void {
    for (const group of this.groups.values()) {
      for (const m of group.members.values()) this.resetSession(group, m);
    }
  }

  /** Stops every timer and fails every waiting join/sync with CLOSED. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const err = new LogdockError('CLOSED', 'the group coordinator is shutting down');
    for (const group of this.groups.values()) {
      this.clearTimers(group);
      for (const m of group.members.values()) {
        m.joinWaiter?.reject(err);
        m.syncWaiter?.reject(err);
        m.joinWaiter = m.syncWaiter = null;
      }
    }
  }

  /** Resolves once every background write of group records has finished. Never rejects. */
  async flush(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes]);
  }

  // ---------------------------------------------------------------- internals

  private track(write: Promise<void>): void {
    const p = write.catch(() => {
      // Not stored: after a restart the group comes back as of its previous record and its
      // members expire; nothing else depends on this write.
    });
    this.writes.add(p);
    void p.finally(() => this.writes.delete(p));
  }

  private checkOpen(): void {
    if (this.closed) fail('CLOSED', 'the group coordinator is closed');
  }

  private emitChange(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch {
        // A listener's failure must not break the coordinator.
      }
    }
  }

  private transition(group: Group, state: Group['state']): void {
    group.state = state;
    group.currentStateTimestamp = this.clock();
    this.emitChange();
  }

  private checkProtocolsCompatible(group: Group, req: JoinGroupRequest, self?: Member): void {
    const others = [...group.members.values()].filter((m) => m !== self);
    if (others.length === 0) return;
    if (group.protocolType && req.protocolType !== group.protocolType) {
      fail(
        'INCONSISTENT_PROTOCOL',
        `JoinGroup ${req.groupId}: protocol type ${req.protocolType} differs from the group's ${group.protocolType}`,
      );
    }
    const names = req.protocols.map((p) => p.name);
    const common = others.every((m) => m.protocols.some((p) => names.includes(p.name)));
    const shared = names.some((n) => others.every((m) => m.protocols.some((p) => p.name === n)));
    if (!common || !shared) {
      fail(
        'INCONSISTENT_PROTOCOL',
        `JoinGroup ${req.groupId}: none of the protocols [${names.join(', ')}] is supported by every member`,
      );
    }
  }

  private sameProtocols(a: JoinProtocol[], b: JoinProtocol[]): boolean {
    return (
      a.length === b.length &&
      a.every((p, i) => p.name === b[i].name && p.metadata.equals(b[i].metadata))
    );
  }

  private lookupMember(ref: { groupId: string; memberId: string }): {
    group: Group;
    member: Member;
  } {
    const group = this.groups.get(ref.groupId);
    const member = group?.members.get(ref.memberId);
    if (!group || !member)
      fail('UNKNOWN_MEMBER', `group ${ref.groupId} has no member ${ref.memberId}`);
    return { group, member };
  }

  private checkGeneration(group: Group, generationId: number): void {
    if (generationId !== group.generationId) {
      fail(
        'ILLEGAL_GENERATION',
        `group ${group.groupId}: generation ${generationId} is not the current ${group.generationId}`,
      );
    }
  }

  private validateCommit(
    e: OffsetCommitEntry,
  ): { error: ErrorCode; reason?: BrokerFailure } | null {
    const count = this.partitionCount(e.topic);
    if (count === null) return { error: 'UNKNOWN_TOPIC' };
    if (!Number.isInteger(e.partition) || e.partition < 0 || e.partition >= count)
      return { error: 'UNKNOWN_PARTITION' };
    // Any int64 is stored, as Kafka does (it checks only the metadata's size): kafkajs'
    // admin.resetOffsets commits the logical -2/-1 (earliest/latest) and reads them back.
    if (!Number.isSafeInteger(e.offset)) return failure('INVALID_COMMIT_OFFSET');
    if ((e.metadata ?? '').length > MAX_METADATA_LENGTH)
      return failure('OFFSET_METADATA_TOO_LARGE');
    return null;
  }

  private addPendingMember(group: Group, memberId: string, sessionTimeoutMs: number): void {
    const timer = setTimeout(() => {
      group.pendingMembers.delete(memberId);
      this.maybeCompleteJoin(group);
    }, sessionTimeoutMs);
    timer.unref();
    group.pendingMembers.set(memberId, timer);
  }

  private addMemberAndRebalance(
    group: Group,
    memberId: string,
    req: JoinGroupRequest,
  ): Promise<JoinedResult> {
    // Static membership: a known instance id replaces the member that had it.
    if (req.groupInstanceId) {
      const old = [...group.members.values()].find(
        (m) => m.groupInstanceId === req.groupInstanceId,
      );
      if (old)
        this.removeMember(group, old, 'replaced by a new member with the same instance id', false);
    }
    const member: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId ?? null,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs:
        req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      assignment: Buffer.alloc(0),
      joinWaiter: null,
      syncWaiter: null,
      sessionTimer: null,
    };
    group.members.set(memberId, member);
    if (!group.protocolType) group.protocolType = req.protocolType;
    return this.awaitJoin(group, member);
  }

  private updateMemberAndRebalance(
    group: Group,
    member: Member,
    req: JoinGroupRequest,
  ): Promise<JoinedResult> {
    member.protocols = req.protocols;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs =
      req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    return this.awaitJoin(group, member);
  }

  private awaitJoin(group: Group, member: Member): Promise<JoinedResult> {
    const promise = new Promise<JoinedResult>((resolve, reject) => {
      member.joinWaiter?.reject(
        new LogdockError('REBALANCE_IN_PROGRESS', `member ${member.memberId} joined again`),
      );
      member.joinWaiter = { resolve, reject };
    });
    // While its join is pending the member cannot heartbeat: the rebalance timeout rules.
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
    if (group.state !== 'PreparingRebalance')
      this.prepareRebalance(group, `member ${member.memberId} joined`);
    else this.maybeCompleteJoin(group);
    return promise;
  }

  private prepareRebalance(group: Group, _reason: string): void {
    if (group.state === 'CompletingRebalance') {
      // Assignments of the aborted generation are void; waiting syncs must rejoin.
      for (const m of group.members.values()) {
        m.assignment = Buffer.alloc(0);
        m.syncWaiter?.reject(
          new LogdockError('REBALANCE_IN_PROGRESS', `group ${group.groupId} is rebalancing`),
        );
        m.syncWaiter = null;
      }
    }
    const wasEmpty = group.state === 'Empty';
    this.transition(group, 'PreparingRebalance');
    if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
    const initialDelay = this.opts.initialRebalanceDelayMs ?? 0;
    // Kafka's InitialDelayedJoin: an empty group waits a moment for its other members.
    group.initialJoinDelayed = wasEmpty && initialDelay > 0;
    const delay = group.initialJoinDelayed ? initialDelay : group.rebalanceTimeoutMs();
    group.rebalanceTimer = setTimeout(() => this.completeJoin(group), delay);
    group.rebalanceTimer.unref();
    this.maybeCompleteJoin(group);
  }

  private maybeCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    if (!group.initialJoinDelayed && group.allMembersJoined()) this.completeJoin(group);
  }

  /** Ends the join phase: drops members that did not rejoin, starts the next generation. */
  private completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance' || this.closed) return;
    if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = null;
    group.initialJoinDelayed = false;
    for (const m of [...group.members.values()]) {
      if (!m.joinWaiter) this.dropMember(group, m);
    }
    group.generationId++;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.leaderId = null;
      this.transition(group, 'Empty');
      this.track(this.persistGroup(group));
      return;
    }
    group.protocolName = group.selectProtocol();
    if (!group.leaderId || !group.members.has(group.leaderId))
      group.leaderId = group.members.keys().next().value!;
    this.transition(group, 'CompletingRebalance');
    for (const m of group.members.values()) {
      const waiter = m.joinWaiter!;
      m.joinWaiter = null;
      this.resetSession(group, m);
      waiter.resolve(this.joinedResult(group, m));
    }
  }

  private joinedResult(group: Group, member: Member): JoinedResult {
    const isLeader = member.memberId === group.leaderId;
    return {
      kind: 'joined',
      generationId: group.generationId,
      protocolType: group.protocolType ?? member.protocolType,
      protocolName: group.protocolName ?? '',
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata:
              m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? Buffer.alloc(0),
          }))
        : [],
      skipAssignment: false,
    };
  }

  private resetSession(group: Group, member: Member): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => {
      member.sessionTimer = null;
      if (group.members.get(member.memberId) !== member) return;
      // A member blocked in JoinGroup/SyncGroup cannot heartbeat; the rebalance rules it.
      if (member.joinWaiter || member.syncWaiter) return this.resetSession(group, member);
      this.removeMember(group, member, `session timeout of ${member.sessionTimeoutMs} ms expired`);
    }, member.sessionTimeoutMs);
    member.sessionTimer.unref();
  }

  /** Removes a member without starting a rebalance (the caller decides). */
  private dropMember(group: Group, member: Member): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
    const gone = new LogdockError(
      'UNKNOWN_MEMBER',
      `member ${member.memberId} was removed from group ${group.groupId}`,
    );
    member.joinWaiter?.reject(gone);
    member.syncWaiter?.reject(gone);
    member.joinWaiter = member.syncWaiter = null;
    group.members.delete(member.memberId);
  }

  private removeMember(group: Group, member: Member, reason: string, rebalance = true): void {
    this.dropMember(group, member);
    this.emitChange();
    if (!rebalance) return;
    if (group.state === 'Stable' || group.state === 'CompletingRebalance')
      this.prepareRebalance(group, reason);
    else if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
  }

  private clearTimers(group: Group | undefined): void {
    if (!group) return;
    if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = null;
    for (const t of group.pendingMembers.values()) clearTimeout(t);
    for (const m of group.members.values()) {
      if (m.sessionTimer) clearTimeout(m.sessionTimer);
      m.sessionTimer = null;
    }
  }

  private decodeMemberAssignment(
    group: Group,
    m: Member,
  ): { topic: string; partitions: number[] }[] {
    if (group.protocolType !== 'consumer' || m.assignment.length === 0) return [];
    try {
      return decodeAssignment(m.assignment).assignedPartitions;
    } catch {
      return []; // A client with a non-standard assignment format; nothing to show.
    }
  }

  private async persistGroup(group: Group): Promise<void> {
    await this.persistFn(group.groupId, [groupMetadataRecord(group)]);
  }
}
