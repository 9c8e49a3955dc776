import { LogdockError } from '../../common/errors';
import type { Cluster } from '../cluster';

/**
 * Makes sure `topic` exists and returns its partition count. Concurrent creators are
 * fine: ALREADY_EXISTS from a lost race counts as success.
 * @throws LogdockError from the cluster when the name is invalid or creation fails.
 */
export async function ensureTopic(cluster: Cluster, topic: string): Promise<number> {
  try {
    return (await cluster.describeTopic(topic)).partitions.length;
  } catch (err) {
    if (!(err instanceof LogdockError) || err.code !== 'UNKNOWN_TOPIC') throw err;
  }
  try {
    return (await cluster.createTopic(topic, { partitions: 1 })).partitions.length;
  } catch (err) {
    if (err instanceof LogdockError && err.code === 'ALREADY_EXISTS') {
      return (await cluster.describeTopic(topic)).partitions.length;
    }
    throw err;
  }
}
