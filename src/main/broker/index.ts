/**
 * The broker's entry point (issue 4). `openBroker` opens (and locks) a data directory; the
 * returned `Broker` implements `BrokerApi` and carries `groups`, the group coordinator the
 * Kafka protocol server shares. See docs/broker.md.
 */
import { Broker, type BrokerOptions } from './broker';
import type { TopicConfigs } from './api';

export * from './api';
export { Broker, OFFSETS_TOPIC, type BrokerOptions } from './broker';
export { GroupCoordinator } from './coordinator';
export type * from './coordinator';
export { Producer, type ProducerOptions, type RecordMetadata } from './producer';
export {
  Consumer,
  type ConsumerOptions,
  type ConsumedRecord,
  type SeekTarget,
  type TopicPartition,
} from './consumer';
export { DefaultPartitioner, type Partitioner } from './partitioner';
export { murmur2, toPositive, partitionForKey } from '../kafka/murmur2';
export { validateTopicName, isInternalTopic } from './topic-names';
export { TOPIC_CONFIG_KEYS } from '../kafka/topic-configs';

/**
 * Opens the broker on `dataDir` (see `Broker.open`). Throws UNAVAILABLE when another
 * process has the directory open, CORRUPT_FILE / IO_ERROR when it cannot be loaded.
 */
export function openBroker(
  opts: {
    dataDir: string;
    clock?: () => number;
    autoCreateTopics?: boolean;
    defaultTopicConfigs?: Partial<TopicConfigs>;
    retentionCheckIntervalMs?: number;
  } & Partial<BrokerOptions>,
): Promise<Broker> {
  return Broker.open(opts);
}
