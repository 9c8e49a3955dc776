/**
 * What the in-process producer and consumer need of the broker. `Broker` implements both;
 * they depend on these interfaces rather than on broker.ts, which creates them, so that the
 * two modules and the broker do not import each other.
 */
import type { AppendResult } from '../storage/api';
import type { Acks, BrokerApi, ProduceRecord } from './api';
import type { OffsetSource } from './group-admin';

export interface ProducerHost extends Pick<BrokerApi, 'describeTopic'> {
  /** Partition count of a topic, or null when it does not exist. */
  partitionCount(topic: string): number | null;
  /** Creates the topic when topics are auto-created; throws UNKNOWN_TOPIC otherwise. */
  ensureTopic(topic: string): Promise<void>;
  /** Appends records to one partition as one batch. */
  appendRecords(
    topic: string,
    partition: number,
    records: ProduceRecord[],
    acks?: Acks,
  ): Promise<AppendResult>;
}

export type ConsumerHost = OffsetSource &
  Pick<BrokerApi, 'readRecords' | 'waitForData' | 'onTopicsChanged'>;
