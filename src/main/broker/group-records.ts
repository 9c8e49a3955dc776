import type { Group } from './group';
import {
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  type GroupMetadataValue,
} from './offsets-codec';

/**
 * The group's membership as Kafka's GroupMetadata record for `__consumer_offsets`: each
 * member with the metadata of the chosen protocol and its assignment.
 */
export function groupMetadataRecord(group: Group): { key: Buffer; value: Buffer } {
  const value = encodeGroupMetadataValue({
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol: group.protocolName,
    leader: group.leaderId,
    currentStateTimestamp: group.currentStateTimestamp,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription:
        m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? Buffer.alloc(0),
      assignment: m.assignment,
    })),
  });
  return { key: encodeGroupMetadataKey(group.groupId), value };
}

/**
 * Puts a stored GroupMetadata value back into `group` (replacing its members): Stable with
 * the stored members, or Empty without. Timers are the caller's business.
 */
export function restoreGroup(group: Group, v: GroupMetadataValue): void {
  group.members.clear();
  group.generationId = v.generation;
  group.protocolType = v.protocolType || null;
  group.protocolName = v.protocol;
  group.leaderId = v.leader;
  group.currentStateTimestamp = v.currentStateTimestamp;
  for (const m of v.members) {
    group.members.set(m.memberId, {
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      sessionTimeoutMs: m.sessionTimeout,
      // Version 0 values lack it; Kafka then uses the session timeout.
      rebalanceTimeoutMs: m.rebalanceTimeout > 0 ? m.rebalanceTimeout : m.sessionTimeout,
      protocolType: v.protocolType,
      protocols: [{ name: v.protocol ?? '', metadata: m.subscription }],
      assignment: m.assignment,
      joinWaiter: null,
      syncWaiter: null,
      sessionTimer: null,
    });
  }
  group.state = group.members.size > 0 ? 'Stable' : 'Empty';
}
