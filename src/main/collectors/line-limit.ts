/**
 * How long a source's line may be (a file's, a command's output, a pipe's): a longer line
 * keeps its first bytes and gets `logdock.cut`. The source's `maxLineBytes`
 * (1 MiB by default) alone let a record of a long line exceed the topic's
 * `max.message.bytes` (1,048,588 by default) once its headers were added, and the append
 * refused the record whole, with every record sent alongside it.
 */
import { LogdockError } from '../../common/errors';
import type { Cluster } from '../cluster';

/** Room left in a record for its headers (source, stream, cut, times) beside the line. */
const HEADER_ROOM = 4096;
/** Kafka's default `max.message.bytes`, which a topic not created yet will most likely get. */
const DEFAULT_MAX_MESSAGE_BYTES = 1048588;

/** The longest line whose record fits a topic allowing `maxMessageBytes` per record. */
export function lineLimitFor(maxLineBytes: number, maxMessageBytes: number): number {
  if (!Number.isFinite(maxMessageBytes) || maxMessageBytes <= 0) return maxLineBytes;
  return Math.max(16, Math.min(maxLineBytes, maxMessageBytes - HEADER_ROOM));
}

/**
 * lineLimitFor the topic's current `max.message.bytes`, or Kafka's default when the topic
 * does not exist yet (the first record will create it).
 * @throws LogdockError other than UNKNOWN_TOPIC from describing the topic.
 */
export async function topicLineLimit(
  describe: (topic: string) => Promise<{ configs: { 'max.message.bytes'?: string | number } }>,
  topic: string,
  maxLineBytes: number,
): Promise<number> {
  try {
    const { configs } = await describe(topic);
    return lineLimitFor(maxLineBytes, Number(configs['max.message.bytes']));
  } catch (err) {
    if (err instanceof LogdockError && err.code === 'UNKNOWN_TOPIC')
      return lineLimitFor(maxLineBytes, DEFAULT_MAX_MESSAGE_BYTES);
    throw err;
  }
}

/** topicLineLimit through a cluster. */
export function clusterLineLimit(
  cluster: Cluster,
  topic: string,
  maxLineBytes: number,
): Promise<number> {
  return topicLineLimit((t) => cluster.describeTopic(t), topic, maxLineBytes);
}
