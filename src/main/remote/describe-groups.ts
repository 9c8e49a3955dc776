import type { Admin } from '@platformatic/kafka';
import { decodeAssignment, type TopicPartitions } from '../kafka/consumer-protocol';
import type { Struct } from '../protocol/codec/compile';
import { apiByName } from '../protocol/codec/messages';
import { kafkaLib } from './kafka-lib';
import { sendRaw } from './raw-request';

/**
 * DescribeGroups sent with Logdock's codec at each group's coordinator, instead of the
 * client library's `Admin.describeGroups`: that one decodes each member's assignment as it
 * parses the answer and throws out of its socket callback (an uncaught exception, and a
 * promise never settled) when a member has joined but not synced yet — its assignment is
 * empty then, on Kafka as on Logdock, so any group rebalancing while a view or the metrics
 * sampler describes it would bring the process down. Here an empty or malformed assignment
 * is an empty one. v5 (Kafka 2.4+; the client needs 2.7+).
 */
const DESCRIBE_GROUPS = apiByName('DescribeGroups');
const VERSION = 5;
const COORDINATOR_OF_GROUP = 0;

export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  assignment: TopicPartitions[];
}

export interface DescribedGroup {
  groupId: string;
  /** Kafka's name, e.g. Stable, PreparingRebalance, Dead. */
  state: string;
  protocolType: string;
  protocol: string;
  members: DescribedMember[];
}

/** Every group's description by id; a group's Kafka error rejects (a ProtocolError). */
export async function describeGroups(
  admin: Admin,
  groupIds: string[],
): Promise<Map<string, DescribedGroup>> {
  const out = new Map<string, DescribedGroup>();
  if (groupIds.length === 0) return out;
  const coordinators = await admin.findCoordinator({
    keyType: COORDINATOR_OF_GROUP,
    keys: groupIds,
  });
  const byNode = new Map<number, string[]>();
  for (const { key, nodeId } of coordinators)
    byNode.set(nodeId, [...(byNode.get(nodeId) ?? []), key]);
  await Promise.all(
    [...byNode].map(async ([nodeId, groups]) => {
      const connection = (await admin.connectToBrokers([nodeId])).get(nodeId);
      if (!connection) throw new (kafkaLib().NetworkError)(`coordinator ${nodeId} unreachable`);
      const body: Struct = { groups, includeAuthorizedOperations: false };
      const described = await sendRaw(connection, DESCRIBE_GROUPS, VERSION, body, (r) =>
        (r.groups as Struct[]).map(toGroup),
      );
      for (const group of described) out.set(group.groupId, group);
    }),
  );
  return out;
}

function toGroup(raw: Struct): DescribedGroup {
  const errorCode = raw.errorCode as number;
  if (errorCode !== 0) throw new (kafkaLib().ProtocolError)(errorCode);
  return {
    groupId: raw.groupId as string,
    state: raw.groupState as string,
    protocolType: raw.protocolType as string,
    protocol: raw.protocolData as string,
    members: (raw.members as Struct[]).map((m) => ({
      memberId: m.memberId as string,
      groupInstanceId: (m.groupInstanceId as string | null) ?? null,
      clientId: m.clientId as string,
      clientHost: m.clientHost as string,
      assignment: assignmentOf(raw.protocolType as string, m.memberAssignment as Buffer),
    })),
  };
}

/** A consumer group member's partitions; none for other protocols or bytes that do not parse. */
function assignmentOf(protocolType: string, bytes: Buffer): TopicPartitions[] {
  if (protocolType !== 'consumer') return [];
  try {
    return decodeAssignment(bytes).assignedPartitions;
  } catch {
    return [];
  }
}
