import type { Connection } from '@platformatic/kafka';
import { LogdockError } from '../../common/errors';
import type { Struct } from '../protocol/codec/compile';
import { apiByName } from '../protocol/codec/messages';
import { sendRaw } from './raw-request';

/**
 * Produce v8 (what every Kafka from 2.4 speaks; @platformatic/kafka needs 2.7) with record
 * batches the caller made, producer fields included, so an idempotent sender keeps its own
 * sequences (the shipping forwarder: src/main/shipping/). Kafka takes one batch per
 * partition in a request from v3 on, so the caller sends one batch per call.
 */
const PRODUCE = apiByName('Produce');
const PRODUCE_VERSION = 8;
const INIT_PRODUCER_ID = apiByName('InitProducerId');
const INIT_PRODUCER_ID_VERSION = 3;

export interface RawProduceResult {
  /** Kafka error code of the partition (0 = none). */
  errorCode: number;
  /** The offset the batch's first record got (for a retried batch: where it was stored). */
  baseOffset: number;
  errorMessage: string | null;
}

export function produceRaw(
  connection: Connection,
  topic: string,
  partition: number,
  batch: Buffer,
  acks: number,
  timeoutMs: number,
): Promise<RawProduceResult> {
  const body: Struct = {
    transactionalId: null,
    acks,
    timeoutMs,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
  };
  return sendRaw(
    connection,
    PRODUCE,
    PRODUCE_VERSION,
    body,
    (response) => {
      const topics = response.responses as { name: string; partitionResponses: Struct[] }[];
      const found = topics
        .find((t) => t.name === topic)
        ?.partitionResponses.find((p) => p.index === partition);
      if (!found)
        throw new LogdockError('INTERNAL', `Produce answered without ${topic}-${partition}`);
      return {
        errorCode: found.errorCode as number,
        baseOffset: found.baseOffset as number,
        errorMessage: (found.errorMessage as string | null) ?? null,
      };
    },
    batch.length + 128,
  );
}

export interface ProducerIdentity {
  producerId: number;
  producerEpoch: number;
}

/** InitProducerId without a transactional id: a fresh idempotent producer id and epoch. */
export function initProducerIdRaw(
  connection: Connection,
): Promise<ProducerIdentity & { errorCode: number }> {
  const body: Struct = {
    transactionalId: null,
    transactionTimeoutMs: -1,
    producerId: -1,
    producerEpoch: -1,
  };
  return sendRaw(connection, INIT_PRODUCER_ID, INIT_PRODUCER_ID_VERSION, body, (r) => ({
    errorCode: r.errorCode as number,
    producerId: r.producerId as number,
    producerEpoch: r.producerEpoch as number,
  }));
}
