/**
 * Kafka's protocol error codes that Logdock returns, with the retriable flag Kafka's
 * `org.apache.kafka.common.protocol.Errors` gives each (clients retry only those), and the
 * mapping from Logdock's own error codes. Kafka's table is Java code rather than a schema
 * file, so this subset is kept by hand; the numbers and flags are Kafka's.
 */
import { LogdockError, type ErrorCode } from '../../common/errors';
import { BrokerFailureError, type BrokerFailure } from '../broker/failures';

export interface KafkaErrorInfo {
  code: number;
  retriable: boolean;
}

export const KafkaError = {
  UNKNOWN_SERVER_ERROR: { code: -1, retriable: false },
  NONE: { code: 0, retriable: false },
  OFFSET_OUT_OF_RANGE: { code: 1, retriable: false },
  CORRUPT_MESSAGE: { code: 2, retriable: true },
  UNKNOWN_TOPIC_OR_PARTITION: { code: 3, retriable: true },
  INVALID_FETCH_SIZE: { code: 4, retriable: false },
  LEADER_NOT_AVAILABLE: { code: 5, retriable: true },
  NOT_LEADER_OR_FOLLOWER: { code: 6, retriable: true },
  REQUEST_TIMED_OUT: { code: 7, retriable: true },
  MESSAGE_TOO_LARGE: { code: 10, retriable: false },
  OFFSET_METADATA_TOO_LARGE: { code: 12, retriable: false },
  COORDINATOR_LOAD_IN_PROGRESS: { code: 14, retriable: true },
  COORDINATOR_NOT_AVAILABLE: { code: 15, retriable: true },
  NOT_COORDINATOR: { code: 16, retriable: true },
  INVALID_TOPIC_EXCEPTION: { code: 17, retriable: false },
  RECORD_LIST_TOO_LARGE: { code: 18, retriable: false },
  INVALID_REQUIRED_ACKS: { code: 21, retriable: false },
  ILLEGAL_GENERATION: { code: 22, retriable: false },
  INCONSISTENT_GROUP_PROTOCOL: { code: 23, retriable: false },
  INVALID_GROUP_ID: { code: 24, retriable: false },
  UNKNOWN_MEMBER_ID: { code: 25, retriable: false },
  INVALID_SESSION_TIMEOUT: { code: 26, retriable: false },
  REBALANCE_IN_PROGRESS: { code: 27, retriable: false },
  INVALID_COMMIT_OFFSET_SIZE: { code: 28, retriable: false },
  TOPIC_AUTHORIZATION_FAILED: { code: 29, retriable: false },
  GROUP_AUTHORIZATION_FAILED: { code: 30, retriable: false },
  CLUSTER_AUTHORIZATION_FAILED: { code: 31, retriable: false },
  INVALID_TIMESTAMP: { code: 32, retriable: false },
  UNSUPPORTED_SASL_MECHANISM: { code: 33, retriable: false },
  ILLEGAL_SASL_STATE: { code: 34, retriable: false },
  UNSUPPORTED_VERSION: { code: 35, retriable: false },
  TOPIC_ALREADY_EXISTS: { code: 36, retriable: false },
  INVALID_PARTITIONS: { code: 37, retriable: false },
  INVALID_REPLICATION_FACTOR: { code: 38, retriable: false },
  INVALID_REPLICA_ASSIGNMENT: { code: 39, retriable: false },
  INVALID_CONFIG: { code: 40, retriable: false },
  NOT_CONTROLLER: { code: 41, retriable: true },
  INVALID_REQUEST: { code: 42, retriable: false },
  UNSUPPORTED_FOR_MESSAGE_FORMAT: { code: 43, retriable: false },
  POLICY_VIOLATION: { code: 44, retriable: false },
  OUT_OF_ORDER_SEQUENCE_NUMBER: { code: 45, retriable: false },
  DUPLICATE_SEQUENCE_NUMBER: { code: 46, retriable: false },
  INVALID_PRODUCER_EPOCH: { code: 47, retriable: false },
  INVALID_TXN_STATE: { code: 48, retriable: false },
  INVALID_PRODUCER_ID_MAPPING: { code: 49, retriable: false },
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: { code: 53, retriable: false },
  SECURITY_DISABLED: { code: 54, retriable: false },
  KAFKA_STORAGE_ERROR: { code: 56, retriable: true },
  SASL_AUTHENTICATION_FAILED: { code: 58, retriable: false },
  UNKNOWN_PRODUCER_ID: { code: 59, retriable: false },
  NON_EMPTY_GROUP: { code: 68, retriable: false },
  GROUP_ID_NOT_FOUND: { code: 69, retriable: false },
  GROUP_SUBSCRIBED_TO_TOPIC: { code: 86, retriable: false },
  MEMBER_ID_REQUIRED: { code: 79, retriable: false },
  GROUP_MAX_SIZE_REACHED: { code: 81, retriable: false },
  FENCED_INSTANCE_ID: { code: 82, retriable: false },
  INVALID_RECORD: { code: 87, retriable: false },
  UNSTABLE_OFFSET_COMMIT: { code: 88, retriable: true },
  UNKNOWN_TOPIC_ID: { code: 100, retriable: true },
} as const satisfies Record<string, KafkaErrorInfo>;

/** Kafka error code for anything thrown by the broker while serving a partition or group. */
export function kafkaErrorCode(err: unknown): number {
  if (err instanceof BrokerFailureError) return FAILURE_CODES[err.reason];
  if (!(err instanceof LogdockError)) return KafkaError.UNKNOWN_SERVER_ERROR.code;
  return kafkaCodeOf(err.code);
}

/**
 * Kafka error code of a per-item result: its typed reason when it has one, else its code
 * (0 for no error).
 */
export function kafkaCodeOfResult(r: { error: ErrorCode | null; reason?: BrokerFailure }): number {
  return r.reason ? FAILURE_CODES[r.reason] : kafkaCodeOf(r.error);
}

/** Kafka error code for a Logdock error code (0 for null: no error). */
export function kafkaCodeOf(code: ErrorCode | null): number {
  if (code === null) return 0;
  return FROM_LOGDOCK[code] ?? KafkaError.UNKNOWN_SERVER_ERROR.code;
}

const FROM_LOGDOCK: Partial<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: KafkaError.INVALID_REQUEST.code,
  ALREADY_EXISTS: KafkaError.TOPIC_ALREADY_EXISTS.code,
  UNKNOWN_TOPIC: KafkaError.UNKNOWN_TOPIC_OR_PARTITION.code,
  UNKNOWN_PARTITION: KafkaError.UNKNOWN_TOPIC_OR_PARTITION.code,
  INVALID_TOPIC: KafkaError.INVALID_TOPIC_EXCEPTION.code,
  INVALID_CONFIG: KafkaError.INVALID_CONFIG.code,
  OFFSET_OUT_OF_RANGE: KafkaError.OFFSET_OUT_OF_RANGE.code,
  MESSAGE_TOO_LARGE: KafkaError.MESSAGE_TOO_LARGE.code,
  CORRUPT_RECORD: KafkaError.CORRUPT_MESSAGE.code,
  UNKNOWN_GROUP: KafkaError.GROUP_ID_NOT_FOUND.code,
  UNKNOWN_MEMBER: KafkaError.UNKNOWN_MEMBER_ID.code,
  ILLEGAL_GENERATION: KafkaError.ILLEGAL_GENERATION.code,
  REBALANCE_IN_PROGRESS: KafkaError.REBALANCE_IN_PROGRESS.code,
  GROUP_NOT_EMPTY: KafkaError.NON_EMPTY_GROUP.code,
  INCONSISTENT_PROTOCOL: KafkaError.INCONSISTENT_GROUP_PROTOCOL.code,
  UNAUTHENTICATED: KafkaError.SASL_AUTHENTICATION_FAILED.code,
  UNSUPPORTED: KafkaError.UNSUPPORTED_VERSION.code,
  TIMEOUT: KafkaError.REQUEST_TIMED_OUT.code,
  CLOSED: KafkaError.COORDINATOR_NOT_AVAILABLE.code,
  UNAVAILABLE: KafkaError.LEADER_NOT_AVAILABLE.code,
  IO_ERROR: KafkaError.KAFKA_STORAGE_ERROR.code,
};

/** The Kafka error code of each group coordinator failure (see broker/failures.ts). */
const FAILURE_CODES: Record<BrokerFailure, number> = {
  INVALID_GROUP_ID: KafkaError.INVALID_GROUP_ID.code,
  INVALID_SESSION_TIMEOUT: KafkaError.INVALID_SESSION_TIMEOUT.code,
  // Kafka stores any offset; ours must be >= -1, refused with OffsetCommit's own "commit
  // data not valid" code rather than the metadata one.
  INVALID_COMMIT_OFFSET: KafkaError.INVALID_COMMIT_OFFSET_SIZE.code,
  OFFSET_METADATA_TOO_LARGE: KafkaError.OFFSET_METADATA_TOO_LARGE.code,
  GROUP_SUBSCRIBED_TO_TOPIC: KafkaError.GROUP_SUBSCRIBED_TO_TOPIC.code,
  INVALID_PARTITIONS: KafkaError.INVALID_PARTITIONS.code,
};
