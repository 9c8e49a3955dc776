import type { Cluster } from '../../cluster/cluster';
import { BatchPipeline, type PipelineOptions } from './pipeline';
import type { Line, ProduceTarget } from './send';

/**
 * To a Kafka cluster (`--bootstrap-server`): batches of up to 5,000 lines or 1 MiB through the
 * cluster's idempotent producer, one at a time so the records keep the order of the lines.
 */
export const CLUSTER_BATCHES: PipelineOptions = {
  maxRecords: 5000,
  maxBytes: 1024 * 1024,
  maxInFlight: 1,
};

/** Sends every line to the cluster; returns how many were acknowledged. */
export async function produceToCluster(
  cluster: Cluster,
  target: ProduceTarget,
  lines: AsyncIterable<Line[]>,
): Promise<number> {
  const pipeline = new BatchPipeline<Line>(
    (records) =>
      cluster.send(
        records.map(({ key, value }) => ({
          topic: target.topic,
          partition: target.partition,
          key: key === null ? null : Buffer.from(key),
          value: Buffer.from(value),
        })),
        { acks: target.acks },
      ),
    CLUSTER_BATCHES,
  );
  for await (const group of lines) {
    for (const line of group)
      await pipeline.push(line, line.value.length + (line.key?.length ?? 0));
  }
  await pipeline.finish();
  return pipeline.acked;
}
