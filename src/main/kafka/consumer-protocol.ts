import { WireReader, WireWriter } from './wire';

/**
 * Kafka's consumer protocol (protocolType "consumer"): the metadata a member sends in
 * JoinGroup for each assignor, and the assignment the leader sends back through SyncGroup.
 * Layouts from `ConsumerProtocolSubscription.json` / `ConsumerProtocolAssignment.json`:
 *
 *   Subscription => version:int16 topics:[string] userData:nullable bytes
 *                   (v1+) ownedPartitions:[topic:string partitions:[int32]]
 *                   (v2+) generationId:int32  (v3+) rackId:nullable string
 *   Assignment   => version:int16 assignedPartitions:[topic:string partitions:[int32]]
 *                   userData:nullable bytes
 *
 * Newer versions only append fields, so a decoder reads what it knows and ignores the rest
 * (as Kafka's own decoder does).
 */

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface ConsumerSubscription {
  version: number;
  topics: string[];
  userData: Buffer | null;
  ownedPartitions: TopicPartitions[];
  generationId: number;
  rackId: string | null;
}

export interface ConsumerAssignment {
  version: number;
  assignedPartitions: TopicPartitions[];
  userData: Buffer | null;
}

function writeTopicPartitions(w: WireWriter, list: readonly TopicPartitions[]): void {
  w.array(list, (tp) => {
    w.string(tp.topic);
    w.array(tp.partitions, (p) => w.int32(p));
  });
}

function readTopicPartitions(r: WireReader, field: string): TopicPartitions[] {
  return r.array(field, () => ({
    topic: r.string(`${field}.topic`),
    partitions: r.array(`${field}.partitions`, () => r.int32(`${field}.partition`)),
  }));
}

export function encodeSubscription(
  s: Partial<ConsumerSubscription> & { topics: string[] },
): Buffer {
  const version = s.version ?? 1;
  const w = new WireWriter().int16(version);
  w.array(s.topics, (t) => w.string(t));
  w.bytes(s.userData ?? null);
  if (version >= 1) writeTopicPartitions(w, s.ownedPartitions ?? []);
  if (version >= 2) w.int32(s.generationId ?? -1);
  if (version >= 3) w.string(s.rackId ?? null);
  return w.toBuffer();
}

/** Throws CORRUPT_RECORD when the bytes are truncated or malformed. */
export function decodeSubscription(buf: Buffer): ConsumerSubscription {
  const r = new WireReader(buf, 'consumer protocol subscription');
  const version = r.int16('version');
  const topics = r.array('topics', () => r.string('topic'));
  const userData = r.nullableBytes('userData');
  const sub: ConsumerSubscription = {
    version,
    topics,
    userData,
    ownedPartitions: [],
    generationId: -1,
    rackId: null,
  };
  if (version >= 1 && r.remaining > 0)
    sub.ownedPartitions = readTopicPartitions(r, 'ownedPartitions');
  if (version >= 2 && r.remaining > 0) sub.generationId = r.int32('generationId');
  if (version >= 3 && r.remaining > 0) sub.rackId = r.nullableString('rackId');
  return sub;
}

export function encodeAssignment(
  a: Partial<ConsumerAssignment> & { assignedPartitions: TopicPartitions[] },
): Buffer {
  const w = new WireWriter().int16(a.version ?? 1);
  writeTopicPartitions(w, a.assignedPartitions);
  w.bytes(a.userData ?? null);
  return w.toBuffer();
}

/** An empty buffer decodes to an empty assignment (Kafka sends one to members left out). */
export function decodeAssignment(buf: Buffer): ConsumerAssignment {
  if (buf.length === 0) return { version: 0, assignedPartitions: [], userData: null };
  const r = new WireReader(buf, 'consumer protocol assignment');
  const version = r.int16('version');
  const assignedPartitions = readTopicPartitions(r, 'assignedPartitions');
  const userData = r.remaining > 0 ? r.nullableBytes('userData') : null;
  return { version, assignedPartitions, userData };
}
