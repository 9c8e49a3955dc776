/** Log configuration defaults (Kafka's broker defaults) and validation. */
import { LogdockError } from '../../common/errors';
import type { LogConfig } from './api';

/** Kafka's defaults: 1 GiB / 7-day segments, 7-day retention, delete policy, 4 KiB index interval. */
export function defaultLogConfig(): LogConfig {
  return {
    segmentBytes: 1024 * 1024 * 1024,
    segmentMs: 7 * 24 * 60 * 60 * 1000,
    retentionMs: 7 * 24 * 60 * 60 * 1000,
    retentionBytes: -1,
    cleanupPolicy: 'delete',
    deleteRetentionMs: 24 * 60 * 60 * 1000,
    maxMessageBytes: 1024 * 1024 + 12,
    messageTimestampType: 'CreateTime',
    indexIntervalBytes: 4096,
  };
}

/** Throws INVALID_CONFIG naming the field when a value is out of range. */
export function validateLogConfig(config: LogConfig): void {
  const positive = (name: keyof LogConfig, value: number, min: number): void => {
    if (!Number.isFinite(value) || value < min) {
      throw new LogdockError(
        'INVALID_CONFIG',
        `log config ${name}=${value} must be a number >= ${min}`,
      );
    }
  };
  positive('segmentBytes', config.segmentBytes, 14);
  // Segment file positions are stored as int32 in the offset index.
  if (config.segmentBytes > 2 ** 31 - 1) {
    throw new LogdockError(
      'INVALID_CONFIG',
      `log config segmentBytes=${config.segmentBytes} exceeds 2^31-1`,
    );
  }
  positive('segmentMs', config.segmentMs, 1);
  positive('retentionMs', config.retentionMs, -1);
  positive('retentionBytes', config.retentionBytes, -1);
  positive('deleteRetentionMs', config.deleteRetentionMs, 0);
  positive('maxMessageBytes', config.maxMessageBytes, 0);
  positive('indexIntervalBytes', config.indexIntervalBytes, 0);
  if (config.flushMessages !== undefined) positive('flushMessages', config.flushMessages, 1);
  if (config.flushMs !== undefined) positive('flushMs', config.flushMs, 1);
  if (!['delete', 'compact', 'compact,delete'].includes(config.cleanupPolicy)) {
    throw new LogdockError(
      'INVALID_CONFIG',
      `log config cleanupPolicy=${config.cleanupPolicy} is not delete, compact or compact,delete`,
    );
  }
  if (!['CreateTime', 'LogAppendTime'].includes(config.messageTimestampType)) {
    throw new LogdockError(
      'INVALID_CONFIG',
      `log config messageTimestampType=${config.messageTimestampType} is not CreateTime or LogAppendTime`,
    );
  }
}
