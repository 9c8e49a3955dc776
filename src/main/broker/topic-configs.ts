import { LogdockError } from '../../common/errors';
import type { CleanupPolicy, LogConfig, TimestampType } from '../storage/api';
import type { TopicConfigs } from './api';
import { COMPRESSION_TYPES } from './recompress';

/** A config change as callers hand it in: strings (CLI, Kafka protocol) or numbers; null resets. */
export type TopicConfigInput = Partial<Record<keyof TopicConfigs, string | number | null>>;

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
  changes: TopicConfigInput,
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

/** The Kafka-named view of a storage config. */
export function topicConfigsFromLogConfig(cfg: LogConfig): TopicConfigs {
  return {
    'retention.ms': cfg.retentionMs,
    'retention.bytes': cfg.retentionBytes,
    'segment.bytes': cfg.segmentBytes,
    'segment.ms': cfg.segmentMs,
    'cleanup.policy': cfg.cleanupPolicy,
    'delete.retention.ms': cfg.deleteRetentionMs,
    'max.message.bytes': cfg.maxMessageBytes,
    'message.timestamp.type': cfg.messageTimestampType,
    // Not a storage setting: the broker applies it on append (recompress.ts).
    'compression.type': 'producer',
  };
}

/** The storage config for a topic: `base` (storage defaults) overridden by the topic's values. */
export function logConfigFromTopicConfigs(configs: TopicConfigs, base: LogConfig): LogConfig {
  return {
    ...base,
    retentionMs: configs['retention.ms'],
    retentionBytes: configs['retention.bytes'],
    segmentBytes: configs['segment.bytes'],
    segmentMs: configs['segment.ms'],
    cleanupPolicy: configs['cleanup.policy'],
    deleteRetentionMs: configs['delete.retention.ms'],
    maxMessageBytes: configs['max.message.bytes'],
    messageTimestampType: configs['message.timestamp.type'],
  };
}
