/**
 * The embedded broker's mapping between Kafka's topic configs (../kafka/topic-configs.ts) and
 * the storage engine's `LogConfig`.
 */
import type { LogConfig } from '../storage/api';
import type { TopicConfigs } from './api';

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
