import type { Admin } from '@platformatic/kafka';

/** What sizes are asked from: each topic's partitions with their leaders. */
type Placement = {
  topics: Map<string, { partitionsCount: number; partitions: { leader: number }[] }>;
};

/**
 * The size on disk of every partition of `names`, keyed `topic:partition`: the leader's copy,
 * as DescribeLogDirs reports it (each broker answers for the replicas it holds, over all its
 * log directories; a replica being moved between directories, `isFutureKey`, is not counted
 * twice). A replica's size where the leader did not report one. Empty when the cluster does
 * not answer DescribeLogDirs v2+ (Kafka 2.4+; the client speaks v2 to v4), a broker is down,
 * or the user may not DESCRIBE the cluster: sizes are then not available, and the rest is
 * described as ever.
 */
export async function partitionSizes(
  admin: Admin,
  metadata: Placement,
  names: string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (names.length === 0) return out;
  let described: Awaited<ReturnType<Admin['describeLogDirs']>>;
  try {
    described = await admin.describeLogDirs({
      topics: names.map((name) => ({
        name,
        partitions: Array.from(
          { length: metadata.topics.get(name)?.partitionsCount ?? 0 },
          (_, p) => p,
        ),
      })),
    });
  } catch {
    return out; // not available from this cluster
  }
  const byBroker = new Map<number, Map<string, number>>();
  for (const broker of described) {
    const sizes = new Map<string, number>();
    for (const dir of broker.results)
      for (const topic of dir.topics)
        for (const p of topic.partitions) {
          if (p.isFutureKey) continue;
          const key = `${topic.name}:${p.partitionIndex}`;
          sizes.set(key, (sizes.get(key) ?? 0) + Number(p.partitionSize));
        }
    byBroker.set(broker.broker, sizes);
  }
  for (const name of names) {
    const topic = metadata.topics.get(name);
    topic?.partitions.forEach((p, partition) => {
      const key = `${name}:${partition}`;
      const size =
        byBroker.get(p.leader)?.get(key) ??
        [...byBroker.values()].find((sizes) => sizes.has(key))?.get(key);
      if (size !== undefined) out.set(key, size);
    });
  }
  return out;
}
