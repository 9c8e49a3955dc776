/**
 * InitProducerId for idempotent producers (transactional ids are refused: Logdock has no
 * transaction coordinator). Ids must never repeat, also across restarts, or a new producer
 * could be mistaken for an old one's retry; they are drawn from the clock (milliseconds ×
 * 1000 + a counter), which stays below 2^53 for centuries and grows across restarts.
 */
import type { Handler } from '../context';
import { KafkaError } from '../errors';
import type * as T from '../generated/types';

let lastId = 0;

/** A producer id greater than every id handed out before, in this process or an earlier one. */
export function nextProducerId(): number {
  lastId = Math.max(lastId + 1, Date.now() * 1000);
  return lastId;
}

export const initProducerId: Handler<T.InitProducerIdRequest, T.InitProducerIdResponse> = (
  _ctx,
  req,
) => {
  if (req.transactionalId !== null && req.transactionalId !== '') {
    return {
      throttleTimeMs: 0,
      errorCode: KafkaError.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code,
      producerId: -1,
      producerEpoch: -1,
    };
  }
  // A producer re-initialising its own id (v3+, after an epoch error) gets a bumped epoch.
  const { producerId: prevId, producerEpoch: prevEpoch } = req;
  if (prevId >= 0 && prevEpoch >= 0 && prevEpoch < 32766) {
    return { throttleTimeMs: 0, errorCode: 0, producerId: prevId, producerEpoch: prevEpoch + 1 };
  }
  return { throttleTimeMs: 0, errorCode: 0, producerId: nextProducerId(), producerEpoch: 0 };
};
