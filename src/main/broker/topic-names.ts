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

/** Internal topics (such as `__consumer_offsets`) start with two underscores. */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}
