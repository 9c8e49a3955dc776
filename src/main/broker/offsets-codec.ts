import { LogdockError } from '../../common/errors';
import { WireReader, WireWriter } from '../kafka/wire';

/**
 * Keys and values of the internal `__consumer_offsets` topic in Kafka's own layouts
 * (`/work/shared/kafka-protocol/group-coordinator/*.json`, spec in
 * docs/format/consumer-offsets.md), so that tools reading that topic (Burrow, kcat with a
 * decoder) understand Logdock's. Every key and value starts with an int16 version:
 *
 *   key v0/v1 OffsetCommitKey    => group:string topic:string partition:int32
 *   key v2    GroupMetadataKey   => group:string
 *   value OffsetCommitValue v3   => offset:int64 leaderEpoch:int32 metadata:string commitTimestamp:int64
 *     (v0/v2: no leaderEpoch; v1 adds expireTimestamp:int64 after commitTimestamp)
 *   value GroupMetadataValue v3  => protocolType:string generation:int32 protocol:nullable string
 *     leader:nullable string currentStateTimestamp:int64
 *     members:[memberId:string groupInstanceId:nullable string clientId:string clientHost:string
 *              rebalanceTimeout:int32 sessionTimeout:int32 subscription:bytes assignment:bytes]
 *
 * A null value is a tombstone: the offset or the group was deleted (compaction drops it).
 * Flexible versions (4) are decoded too; Logdock writes the versions Kafka 2.x–3.x write.
 */

export const OFFSET_COMMIT_KEY_VERSION = 1;
export const GROUP_METADATA_KEY_VERSION = 2;
export const OFFSET_COMMIT_VALUE_VERSION = 3;
export const GROUP_METADATA_VALUE_VERSION = 3;

export type OffsetsKey =
  | { type: 'offset'; group: string; topic: string; partition: number }
  | { type: 'group'; group: string };

export interface OffsetCommitValue {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  expireTimestamp: number;
}

export interface GroupMemberMetadata {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeout: number;
  sessionTimeout: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupMetadataValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  currentStateTimestamp: number;
  members: GroupMemberMetadata[];
}

export function encodeOffsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return new WireWriter()
    .int16(OFFSET_COMMIT_KEY_VERSION)
    .string(group)
    .string(topic)
    .int32(partition)
    .toBuffer();
}

export function encodeGroupMetadataKey(group: string): Buffer {
  return new WireWriter().int16(GROUP_METADATA_KEY_VERSION).string(group).toBuffer();
}

/** Throws CORRUPT_RECORD for truncated bytes or an unknown key version. */
export function decodeOffsetsKey(buf: Buffer): OffsetsKey {
  const r = new WireReader(buf, '__consumer_offsets key');
  const version = r.int16('version');
  if (version === 0 || version === 1) {
    return {
      type: 'offset',
      group: r.string('group'),
      topic: r.string('topic'),
      partition: r.int32('partition'),
    };
  }
  if (version === 2) return { type: 'group', group: r.string('group') };
  throw new LogdockError(
    'CORRUPT_RECORD',
    `__consumer_offsets key: unknown key version ${version}`,
  );
}

export function encodeOffsetCommitValue(v: Omit<OffsetCommitValue, 'expireTimestamp'>): Buffer {
  return new WireWriter()
    .int16(OFFSET_COMMIT_VALUE_VERSION)
    .int64(v.offset)
    .int32(v.leaderEpoch)
    .string(v.metadata)
    .int64(v.commitTimestamp)
    .toBuffer();
}

/** Reads an unsigned varint (flexible versions' lengths and tag counts). */
function readUVarint(buf: Buffer, at: { pos: number }): number {
  let value = 0;
  let shift = 0;
  while (true) {
    if (at.pos >= buf.length)
      throw new LogdockError('CORRUPT_RECORD', '__consumer_offsets value: truncated varint');
    const b = buf[at.pos++];
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return value;
    shift += 7;
    if (shift > 28)
      throw new LogdockError('CORRUPT_RECORD', '__consumer_offsets value: varint too long');
  }
}

function decodeOffsetCommitValueV4(buf: Buffer): OffsetCommitValue {
  const at = { pos: 2 };
  const need = (n: number): void => {
    if (at.pos + n > buf.length)
      throw new LogdockError('CORRUPT_RECORD', '__consumer_offsets offset value v4: truncated');
  };
  need(12);
  const offset = Number(buf.readBigInt64BE(at.pos));
  const leaderEpoch = buf.readInt32BE(at.pos + 8);
  at.pos += 12;
  const len = readUVarint(buf, at) - 1;
  need(Math.max(len, 0) + 8);
  const metadata = len <= 0 ? '' : buf.toString('utf8', at.pos, at.pos + len);
  at.pos += Math.max(len, 0);
  const commitTimestamp = Number(buf.readBigInt64BE(at.pos));
  // Trailing tagged fields carry nothing Logdock uses.
  return { offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp: -1 };
}

/** Decodes value versions 0–4. Throws CORRUPT_RECORD. */
export function decodeOffsetCommitValue(buf: Buffer): OffsetCommitValue {
  const r = new WireReader(buf, '__consumer_offsets offset value');
  const version = r.int16('version');
  if (version === 4) return decodeOffsetCommitValueV4(buf);
  if (version < 0 || version > 4) {
    throw new LogdockError(
      'CORRUPT_RECORD',
      `__consumer_offsets offset value: unknown version ${version}`,
    );
  }
  const offset = r.int64('offset');
  const leaderEpoch = version >= 3 ? r.int32('leaderEpoch') : -1;
  const metadata = r.string('metadata');
  const commitTimestamp = r.int64('commitTimestamp');
  const expireTimestamp = version === 1 ? r.int64('expireTimestamp') : -1;
  return { offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp };
}

export function encodeGroupMetadataValue(v: GroupMetadataValue): Buffer {
  const w = new WireWriter()
    .int16(GROUP_METADATA_VALUE_VERSION)
    .string(v.protocolType)
    .int32(v.generation)
    .string(v.protocol)
    .string(v.leader)
    .int64(v.currentStateTimestamp);
  w.array(v.members, (m) => {
    w.string(m.memberId)
      .string(m.groupInstanceId)
      .string(m.clientId)
      .string(m.clientHost)
      .int32(m.rebalanceTimeout)
      .int32(m.sessionTimeout)
      .bytes(m.subscription)
      .bytes(m.assignment);
  });
  return w.toBuffer();
}

/** Decodes value versions 0–3 (what Kafka before 3.5 and Logdock write). Throws CORRUPT_RECORD. */
export function decodeGroupMetadataValue(buf: Buffer): GroupMetadataValue {
  const r = new WireReader(buf, '__consumer_offsets group metadata value');
  const version = r.int16('version');
  if (version < 0 || version > 3) {
    throw new LogdockError(
      'CORRUPT_RECORD',
      `__consumer_offsets group metadata value: version ${version} is not supported (0-3)`,
    );
  }
  const protocolType = r.string('protocolType');
  const generation = r.int32('generation');
  const protocol = r.nullableString('protocol');
  const leader = r.nullableString('leader');
  const currentStateTimestamp = version >= 2 ? r.int64('currentStateTimestamp') : -1;
  const members = r.array('members', () => {
    const memberId = r.string('memberId');
    const groupInstanceId = version >= 3 ? r.nullableString('groupInstanceId') : null;
    const clientId = r.string('clientId');
    const clientHost = r.string('clientHost');
    const rebalanceTimeout = version >= 1 ? r.int32('rebalanceTimeout') : -1;
    const sessionTimeout = r.int32('sessionTimeout');
    const subscription = r.bytes('subscription');
    const assignment = r.bytes('assignment');
    return {
      memberId,
      groupInstanceId,
      clientId,
      clientHost,
      rebalanceTimeout,
      sessionTimeout,
      subscription,
      assignment,
    };
  });
  return { protocolType, generation, protocol, leader, currentStateTimestamp, members };
}

/** Kafka's `Utils.abs(groupId.hashCode) % partitionCount`: Java's String.hashCode over UTF-16 units. */
export function offsetsPartitionFor(groupId: string, partitionCount: number): number {
  let h = 0;
  for (let i = 0; i < groupId.length; i++) h = (Math.imul(h, 31) + groupId.charCodeAt(i)) | 0;
  // Kafka's Utils.abs maps MIN_VALUE to 0 rather than overflowing.
  const abs = h === -2147483648 ? 0 : Math.abs(h);
  return abs % partitionCount;
}
