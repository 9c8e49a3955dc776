/**
 * Kafka's topic configs as Logdock knows them: their names, Kafka's bounds and values, and the
 * validation of a change (all or nothing, INVALID_CONFIG naming topic, key and value). Kafka-level
 * and shared: the embedded broker applies them to its log (broker/topic-configs.ts maps them to
 * storage settings), the remote cluster checks a change before sending it.
 */
import { LogdockError } from '../../common/errors';
import type {
  CleanupPolicy,
  TimestampType,
  TopicConfigChanges,
  TopicConfigs,
} from '../cluster/cluster';

/** The values of compression.type, as Kafka names them. */
export const COMPRESSION_TYPES = [
  'producer',
  'uncompressed',
  'gzip',
  'snappy',
  'lz4',
  'zstd',
] as const satisfies readonly TopicConfigs['compression.type'][];
export type CompressionType = (typeof COMPRESSION_TYPES)[number];

export const TOPIC_CONFIG_KEYS = [
  'retention.ms',
  'retention.bytes',
  'segment.bytes',
  'segment.ms',
  'cleanup.policy',
  'delete.retention.ms',
  'max.message.bytes',
  'message.timestamp.type',
  'compression.type',
] as const satisfies readonly (keyof TopicConfigs)[];

/** Kafka's lower bounds (`TopicConfig`/`LogConfig` validators); upper bound is always 2^53. */
const NUMERIC_MIN: Record<string, number> = {
  'retention.ms': -1,
  'retention.bytes': -1,
  'segment.bytes': 14,
  'segment.ms': 1,
  'delete.retention.ms': 0,
  'max.message.bytes': 0,
};

const CLEANUP_POLICIES: Record<string, CleanupPolicy> = {
  delete: 'delete',
  compact: 'compact',
  'compact,delete': 'compact,delete',
  'delete,compact': 'compact,delete',
};

const TIMESTAMP_TYPES: readonly TimestampType[] = ['CreateTime', 'LogAppendTime'];

export function isTopicConfigKey(key: string): key is keyof TopicConfigs {
  return (TOPIC_CONFIG_KEYS as readonly string[]).includes(key);
}

function parseInteger(key: string, raw: string | number, topic: string): number {
  const value =
    typeof raw === 'number' ? raw : /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(value)) {
    throw new LogdockError(
      'INVALID_CONFIG',
      `topic "${topic}": ${key}=${JSON.stringify(raw)} is not an integer`,
    );
  }
  const min = NUMERIC_MIN[key];
  if (value < min) {
    throw new LogdockError(
      'INVALID_CONFIG',
      `topic "${topic}": ${key}=${value} is below the minimum ${min}`,
    );
  }
  return value;
}

/** Validates one value and returns it in its typed form; throws INVALID_CONFIG naming key and value. */
export function parseTopicConfigValue<K extends keyof TopicConfigs>(
  key: K,
  raw: string | number,
  topic: string,
): TopicConfigs[K] {
  if (key === 'cleanup.policy') {
    const policy = CLEANUP_POLICIES[String(raw).replace(/\s+/g, '')];
    if (!policy) {
      throw new LogdockError(
        'INVALID_CONFIG',
        `topic "${topic}": cleanup.policy=${JSON.stringify(raw)} must be delete, compact or compact,delete`,
      );
    }
    return policy as TopicConfigs[K];
  }
  if (key === 'compression.type') {
    const type = COMPRESSION_TYPES.find((t) => t === String(raw).trim());
    if (!type) {
      throw new LogdockError(
        'INVALID_CONFIG',
        `topic "${topic}": compression.type=${JSON.stringify(raw)} must be one of ${COMPRESSION_TYPES.join(', ')}`,
      );
    }
    return type as TopicConfigs[K];
  }
  if (key === 'message.timestamp.type') {
    const type = TIMESTAMP_TYPES.find((t) => t === String(raw).trim());
    if (!type) {
      throw new LogdockError(
        'INVALID_CONFIG',
        `topic "${topic}": message.timestamp.type=${JSON.stringify(raw)} must be CreateTime or LogAppendTime`,
      );
    }
    return type as TopicConfigs[K];
  }
  return parseInteger(key, raw, topic) as TopicConfigs[K];
}

/**
 * Applies `changes` to `base` after validating every key and value (all or nothing).
 * A null value restores the default from `defaults`. Throws INVALID_CONFIG.
 */
export function applyTopicConfigs(
  topic: string,
  base: TopicConfigs,
  changes: TopicConfigChanges,
  defaults: TopicConfigs,
): TopicConfigs {
  if (changes === null || typeof changes !== 'object') {
    throw new LogdockError('INVALID_CONFIG', `topic "${topic}": configs must be an object`);
  }
  const next: TopicConfigs = { ...base };
  for (const [key, raw] of Object.entries(changes)) {
    if (!isTopicConfigKey(key)) {
      throw new LogdockError(
        'INVALID_CONFIG',
        `topic "${topic}": unknown config "${key}" (known: ${TOPIC_CONFIG_KEYS.join(', ')})`,
      );
    }
    if (raw === undefined) continue;
    const value = raw === null ? defaults[key] : parseTopicConfigValue(key, raw, topic);
    (next as unknown as Record<string, unknown>)[key] = value;
  }
  return next;
}
