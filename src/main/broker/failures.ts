/**
 * Why the broker or its group coordinator refused a request, in Kafka's terms. Several of
 * these share one Logdock code (a malformed request is INVALID_ARGUMENT to the app), but a
 * Kafka client must get its own error code for each, so the reason travels with the error,
 * typed: the protocol layer maps it (protocol/errors.ts), never by the text of the message.
 */
import { LogdockError, type ErrorCode } from '../../common/errors';

export const BROKER_FAILURES = {
  /** An empty group id. */
  INVALID_GROUP_ID: 'INVALID_ARGUMENT',
  /** A session timeout outside the coordinator's allowed range. */
  INVALID_SESSION_TIMEOUT: 'INVALID_ARGUMENT',
  /** A committed offset that is not an integer within JavaScript's safe range. */
  INVALID_COMMIT_OFFSET: 'INVALID_ARGUMENT',
  /** Commit metadata longer than Kafka's offset.metadata.max.bytes. */
  OFFSET_METADATA_TOO_LARGE: 'INVALID_ARGUMENT',
  /** OffsetDelete of a topic the group's active members consume. */
  GROUP_SUBSCRIBED_TO_TOPIC: 'GROUP_NOT_EMPTY',
  /** A partition count out of range, or one that would not add partitions. */
  INVALID_PARTITIONS: 'INVALID_ARGUMENT',
} as const satisfies Record<string, ErrorCode>;

export type BrokerFailure = keyof typeof BROKER_FAILURES;

/** A LogdockError whose `reason` says which broker failure it is. */
export class BrokerFailureError extends LogdockError {
  constructor(
    readonly reason: BrokerFailure,
    message: string,
  ) {
    super(BROKER_FAILURES[reason], message);
  }
}
