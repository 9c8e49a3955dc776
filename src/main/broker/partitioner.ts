import { partitionForKey } from '../kafka/murmur2';

/** Chooses a partition for a record that does not name one. */
export type Partitioner = (args: {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  numPartitions: number;
}) => number;

/**
 * Kafka's default partitioning: keyed records go to `toPositive(murmur2(key)) % n`; records
 * without a key stick to one partition until the batch being filled for it is sent, then
 * move to another chosen at random (KIP-480 "sticky" partitioning), which keeps batches
 * large without skewing the distribution over time. Not safe to share between producers:
 * each producer keeps its own sticky choice, as in Kafka.
 */
export class DefaultPartitioner {
  private readonly sticky = new Map<string, number>();

  readonly partition: Partitioner = ({ topic, key, numPartitions }) => {
    if (key) return partitionForKey(key, numPartitions);
    const current = this.sticky.get(topic);
    if (current !== undefined && current < numPartitions) return current;
    const chosen = Math.floor(Math.random() * numPartitions);
    this.sticky.set(topic, chosen);
    return chosen;
  };

  /** Called when the batch of the sticky partition was closed, so the next one goes elsewhere. */
  onNewBatch(topic: string, closedPartition: number, numPartitions: number): void {
    if (this.sticky.get(topic) !== closedPartition) return;
    if (numPartitions <= 1) return;
    let next = Math.floor(Math.random() * (numPartitions - 1));
    if (next >= closedPartition) next++;
    this.sticky.set(topic, next);
  }
}
