import { LogdockError } from '../../common/errors';

/** Kafka's limit: 249 so that `<topic>-<partition>` and index suffixes fit a 255-byte file name. */
export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Throws INVALID_TOPIC unless `name` is a topic name Kafka would accept. */
export function validateTopicName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new LogdockError('INVALID_TOPIC', 'topic name is empty');
  }
  if (name === '.' || name === '..') {
    throw new LogdockError('INVALID_TOPIC', `topic name "${name}" is not allowed`);
  }
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    throw new LogdockError(
      'INVALID_TOPIC',
      `topic name "${name.slice(0, 40)}..." is ${name.length} characters; at most ${MAX_TOPIC_NAME_LENGTH} are allowed`,
    );
  }
  if (!LEGAL.test(name)) {
    throw new LogdockError(
      'INVALID_TOPIC',
      `topic name "${name}" contains a character other than ASCII letters, digits, '.', '_' and '-'`,
    );
  }
}

/**
 * An existing topic whose name differs from `name` only in letter case, if any. Such a pair
 * cannot both exist: a partition's folder is named after its topic, and macOS and Windows
 * file systems ignore case, so `App-0` and `app-0` are one folder there (creating the second
 * topic would first clear the folder as a leftover, deleting the first topic's data).
 */
export function caseTwinOf(name: string, existing: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  for (const other of existing) if (other !== name && other.toLowerCase() === lower) return other;
  return undefined;
}

/** Internal topics (such as `__consumer_offsets`) start with two underscores. */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

/**
 * Throws INVALID_TOPIC for an append to an internal topic from outside the broker (the API,
 * a collector, the CLI): only the group coordinator writes `__consumer_offsets`, whose records
 * it replays at each start, as Kafka lets no client write it.
 */
export function refuseInternalAppend(topic: string, partition?: number): void {
  if (!isInternalTopic(topic)) return;
  const where = partition === undefined ? '' : ` (partition ${partition})`;
  throw new LogdockError(
    'INVALID_TOPIC',
    `cannot append to internal topic ${topic}${where}: only the group coordinator writes it`,
  );
}
