import { LogdockError, type ErrorCode } from '../../common/errors';
import { classifyConnectionError } from './connection-errors';

/** Kafka's error names (as @platformatic/kafka reports them) → Logdock's codes. */
const BY_KAFKA_ERROR: Record<string, ErrorCode> = {
  UNKNOWN_TOPIC_OR_PARTITION: 'UNKNOWN_TOPIC',
  UNKNOWN_TOPIC_ID: 'UNKNOWN_TOPIC',
  TOPIC_ALREADY_EXISTS: 'ALREADY_EXISTS',
  INVALID_TOPIC_EXCEPTION: 'INVALID_TOPIC',
  INVALID_PARTITIONS: 'INVALID_ARGUMENT',
  INVALID_REPLICATION_FACTOR: 'INVALID_ARGUMENT',
  INVALID_REQUEST: 'INVALID_ARGUMENT',
  INVALID_CONFIG: 'INVALID_CONFIG',
  POLICY_VIOLATION: 'INVALID_CONFIG',
  OFFSET_OUT_OF_RANGE: 'OFFSET_OUT_OF_RANGE',
  MESSAGE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  RECORD_LIST_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  CORRUPT_MESSAGE: 'CORRUPT_RECORD',
  GROUP_ID_NOT_FOUND: 'UNKNOWN_GROUP',
  NON_EMPTY_GROUP: 'GROUP_NOT_EMPTY',
  UNKNOWN_MEMBER_ID: 'UNKNOWN_MEMBER',
  REBALANCE_IN_PROGRESS: 'REBALANCE_IN_PROGRESS',
  TOPIC_AUTHORIZATION_FAILED: 'FORBIDDEN',
  GROUP_AUTHORIZATION_FAILED: 'FORBIDDEN',
  CLUSTER_AUTHORIZATION_FAILED: 'FORBIDDEN',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'FORBIDDEN',
  SASL_AUTHENTICATION_FAILED: 'UNAUTHENTICATED',
  UNSUPPORTED_VERSION: 'UNSUPPORTED',
  REQUEST_TIMED_OUT: 'TIMEOUT',
};

/** The Kafka error name inside whatever the client threw, or null. */
export function kafkaErrorName(err: unknown, depth = 0): string | null {
  if (!err || typeof err !== 'object' || depth > 8) return null;
  const e = err as { apiId?: unknown; errors?: unknown[]; cause?: unknown };
  if (typeof e.apiId === 'string') return e.apiId;
  for (const inner of e.errors ?? []) {
    const found = kafkaErrorName(inner, depth + 1);
    if (found) return found;
  }
  return kafkaErrorName(e.cause, depth + 1);
}

/**
 * Turns what the client threw into a LogdockError whose message says what was being done on
 * which cluster (`what`, e.g. "describe topic orders on prod"). Kafka errors map by name;
 * connection failures become UNAVAILABLE (TIMEOUT for a timeout, UNAUTHENTICATED for SASL).
 */
export function toLogdockError(err: unknown, what: string): LogdockError {
  if (err instanceof LogdockError) return err;
  const name = kafkaErrorName(err);
  if (name) {
    const code = BY_KAFKA_ERROR[name] ?? 'INTERNAL';
    return new LogdockError(code, `${what}: Kafka error ${name}`, { cause: err });
  }
  const { reason, message } = classifyConnectionError(err);
  const code: ErrorCode =
    reason === 'timeout'
      ? 'TIMEOUT'
      : reason === 'authentication'
        ? 'UNAUTHENTICATED'
        : reason === 'unsupported'
          ? 'UNSUPPORTED'
          : reason === 'error'
            ? 'INTERNAL'
            : 'UNAVAILABLE';
  return new LogdockError(code, `${what}: ${message}`, { cause: err });
}

/** Runs a client call, translating its failure (see toLogdockError). */
export async function kafkaCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toLogdockError(err, what);
  }
}
