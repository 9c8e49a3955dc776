import type { ConsumerSubscription, TopicPartitions } from '../kafka/consumer-protocol';

/**
 * Kafka's client-side partition assignors, under the names Kafka clients announce them
 * with. The group leader runs one of them over every member's subscription; the result is
 * the same as Kafka's `RangeAssignor` / `RoundRobinAssignor` for the same input (members
 * sorted by member id, partitions by topic then number).
 */
export interface AssignorMember {
  memberId: string;
  subscription: Pick<ConsumerSubscription, 'topics'>;
}

export interface Assignor {
  readonly name: string;
  /** `partitionsPerTopic` lacks topics that do not exist; they are skipped. */
  assign(
    members: AssignorMember[],
    partitionsPerTopic: Map<string, number>,
  ): Map<string, TopicPartitions[]>;
}

function emptyAssignment(members: AssignorMember[]): Map<string, Map<string, number[]>> {
  return new Map(members.map((m) => [m.memberId, new Map<string, number[]>()]));
}

function toLists(a: Map<string, Map<string, number[]>>): Map<string, TopicPartitions[]> {
  const out = new Map<string, TopicPartitions[]>();
  for (const [member, topics] of a) {
    out.set(
      member,
      [...topics]
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([topic, partitions]) => ({ topic, partitions })),
    );
  }
  return out;
}

function byId(a: AssignorMember, b: AssignorMember): number {
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

function add(
  a: Map<string, Map<string, number[]>>,
  member: string,
  topic: string,
  partition: number,
): void {
  const topics = a.get(member)!;
  const list = topics.get(topic) ?? [];
  list.push(partition);
  topics.set(topic, list);
}

/** Per topic, contiguous ranges of partitions; the first `n % c` members get one more. */
export const rangeAssignor: Assignor = {
  name: 'range',
  assign(members, partitionsPerTopic) {
    const result = emptyAssignment(members);
    const topics = new Set(members.flatMap((m) => m.subscription.topics));
    for (const topic of [...topics].sort()) {
      const count = partitionsPerTopic.get(topic);
      if (count === undefined) continue;
      const consumers = members.filter((m) => m.subscription.topics.includes(topic)).sort(byId);
      const per = Math.floor(count / consumers.length);
      const extra = count % consumers.length;
      consumers.forEach((m, i) => {
        const start = per * i + Math.min(i, extra);
        const length = per + (i < extra ? 1 : 0);
        for (let p = start; p < start + length; p++) add(result, m.memberId, topic, p);
      });
    }
    return toLists(result);
  },
};

/** All partitions of all subscribed topics dealt in turn to the members subscribed to each. */
export const roundRobinAssignor: Assignor = {
  name: 'roundrobin',
  assign(members, partitionsPerTopic) {
    const result = emptyAssignment(members);
    const sorted = [...members].sort(byId);
    if (sorted.length === 0) return toLists(result);
    const topics = [...new Set(members.flatMap((m) => m.subscription.topics))].sort();
    let next = 0;
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic) ?? 0;
      for (let p = 0; p < count; p++) {
        // Advance the circular iterator to the next member subscribed to this topic.
        while (!sorted[next % sorted.length].subscription.topics.includes(topic)) next++;
        add(result, sorted[next % sorted.length].memberId, topic, p);
        next++;
      }
    }
    return toLists(result);
  },
};

export const ASSIGNORS: Record<string, Assignor> = {
  range: rangeAssignor,
  roundrobin: roundRobinAssignor,
};
