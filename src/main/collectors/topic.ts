import type { BrokerApi } from '../broker/api';
import { LogdockError } from '../../common/errors';

/**
 * Makes sure `topic` exists and returns its partition count. Concurrent creators are
 * fine: ALREADY_EXISTS from a lost race counts as success.
 * @throws LogdockError from the broker when the name is invalid or creation fails.
 */
export async function ensureTopic(broker: BrokerApi, topic: string): Promise<number> {
  try {
    return broker.describeTopic(topic).partitions.length;
  } catch (err) {
    if (!(err instanceof LogdockError) || err.code !== 'UNKNOWN_TOPIC') throw err;
  }
  try {
    return (await broker.createTopic(topic, { partitions: 1 })).partitions.length;
  } catch (err) {
    if (err instanceof LogdockError && err.code === 'ALREADY_EXISTS') {
      return broker.describeTopic(topic).partitions.length;
    }
    throw err;
  }
}
