/**
 * The committed offsets of every group, apart from the coordinator's membership state
 * machine (as Kafka's `OffsetMetadataManager` is apart from its `GroupMetadataManager`):
 * what each group committed per partition, written to `__consumer_offsets` through
 * `persist` before it is visible, and rebuilt from that topic at start (`load`).
 *
 * Every change is durable first: a commit or deletion whose write fails changes nothing in
 * memory. Safe to call concurrently (changes of one group are applied in the order their
 * writes complete).
 */
import { encodeOffsetCommitKey, encodeOffsetCommitValue } from './offsets-codec';

export interface StoredOffset {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

/** Appends `__consumer_offsets` records for a group (a null value is a tombstone). */
export type PersistOffsets = (
  groupId: string,
  records: { key: Buffer; value: Buffer | null }[],
) => Promise<void>;

const keyOf = (topic: string, partition: number): string => `${topic}:${partition}`;

export class OffsetStore {
  private readonly byGroup = new Map<string, Map<string, StoredOffset>>();

  constructor(private readonly persist: PersistOffsets) {}

  /** Stores `offsets` for `groupId` durably, then makes them visible. */
  async commit(groupId: string, offsets: StoredOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.persist(
      groupId,
      offsets.map((o) => ({
        key: encodeOffsetCommitKey(groupId, o.topic, o.partition),
        value: encodeOffsetCommitValue(o),
      })),
    );
    const group = this.groupMap(groupId);
    for (const o of offsets) group.set(keyOf(o.topic, o.partition), { ...o });
  }

  /** The committed offset of one partition, or undefined. */
  get(groupId: string, topic: string, partition: number): StoredOffset | undefined {
    return this.byGroup.get(groupId)?.get(keyOf(topic, partition));
  }

  /** Every committed offset of a group, by topic then partition. */
  list(groupId: string): StoredOffset[] {
    return [...(this.byGroup.get(groupId)?.values() ?? [])].sort((a, b) =>
      a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
    );
  }

  /** Removes (with tombstones) the group's offsets of `partitions` it has; returns how many. */
  async delete(groupId: string, partitions: TopicPartitionRef[]): Promise<number> {
    const group = this.byGroup.get(groupId);
    const gone = partitions.filter((p) => group?.has(keyOf(p.topic, p.partition)));
    if (gone.length === 0) return 0;
    await this.persist(groupId, this.tombstones(groupId, gone));
    for (const p of gone) group!.delete(keyOf(p.topic, p.partition));
    if (group!.size === 0) this.byGroup.delete(groupId);
    return gone.length;
  }

  /** Removes every group's offsets of a topic (the topic was deleted). */
  async deleteTopic(topic: string): Promise<void> {
    for (const groupId of [...this.byGroup.keys()]) {
      const offsets = this.list(groupId).filter((o) => o.topic === topic);
      await this.delete(groupId, offsets);
    }
  }

  /** Tombstones for all of a group's offsets, for a caller that writes them with more. */
  tombstonesOf(groupId: string): { key: Buffer; value: null }[] {
    return this.tombstones(groupId, this.list(groupId));
  }

  /** Forgets a group's offsets after the caller has written `tombstonesOf` it. */
  forget(groupId: string): void {
    this.byGroup.delete(groupId);
  }

  /** Replays one offset record of `__consumer_offsets` (null: a tombstone). */
  load(groupId: string, offset: StoredOffset | null, ref: TopicPartitionRef): void {
    if (offset === null) {
      const group = this.byGroup.get(groupId);
      group?.delete(keyOf(ref.topic, ref.partition));
      if (group?.size === 0) this.byGroup.delete(groupId);
      return;
    }
    this.groupMap(groupId).set(keyOf(ref.topic, ref.partition), offset);
  }

  private groupMap(groupId: string): Map<string, StoredOffset> {
    let group = this.byGroup.get(groupId);
    if (!group) this.byGroup.set(groupId, (group = new Map()));
    return group;
  }

  private tombstones(groupId: string, partitions: TopicPartitionRef[]) {
    return partitions.map((p) => ({
      key: encodeOffsetCommitKey(groupId, p.topic, p.partition),
      value: null,
    }));
  }
}
