/**
 * The one error type of Logdock. Every failure that crosses a module boundary is a
 * LogdockError whose `code` comes from the closed list below, and whose message names the
 * file, topic, partition, offset or field involved. Transports serialise it as the plain
 * object `{ code, message }` (see `toErrorPayload`).
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT', // a payload, CLI argument or config value is malformed
  'NOT_FOUND', // a generic named thing (file, source, request name) does not exist
  'ALREADY_EXISTS',
  'UNKNOWN_TOPIC',
  'UNKNOWN_PARTITION',
  'INVALID_TOPIC', // topic name rejected
  'INVALID_CONFIG', // topic or app config value rejected
  'OFFSET_OUT_OF_RANGE',
  'MESSAGE_TOO_LARGE',
  'CORRUPT_RECORD', // a record batch failed a length or CRC check
  'CORRUPT_INDEX',
  'CORRUPT_FILE', // a metadata/checkpoint/config file could not be parsed
  'UNKNOWN_GROUP',
  'UNKNOWN_MEMBER',
  'ILLEGAL_GENERATION',
  'REBALANCE_IN_PROGRESS',
  'GROUP_NOT_EMPTY', // an operation needs the group to have no active members
  'INCONSISTENT_PROTOCOL',
  'UNAUTHENTICATED',
  'FORBIDDEN', // wrong origin / sender frame
  'UNSUPPORTED',
  'TIMEOUT',
  'CANCELLED',
  'CLOSED', // the service is shutting down or closed
  'UNAVAILABLE', // e.g. a port in use, a peer not reachable
  'RESOURCE_EXHAUSTED', // a per-connection limit (subscriptions, calls in flight) is reached
  'IO_ERROR',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class LogdockError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LogdockError';
    this.code = code;
  }
}

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Turns anything thrown into the plain shape that crosses IPC and WebSocket. */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof LogdockError) return { code: err.code, message: err.message };
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    const { code, message } = err as { code: unknown; message: unknown };
    if (isErrorCode(code)) return { code, message: String(message) };
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      return { code: 'IO_ERROR', message: String(message) };
    }
  }
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

/** Rebuilds a LogdockError on the calling side of a transport. */
export function fromErrorPayload(payload: ErrorPayload): LogdockError {
  return new LogdockError(isErrorCode(payload.code) ? payload.code : 'INTERNAL', payload.message);
}

const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

/**
 * True for a write refused for lack of space — ENOSPC (no space left) or EDQUOT (over a
 * disk quota) — on the error itself or on the cause of a LogdockError wrapping it. Told
 * apart by the errno code, never the text.
 */
export function isNoSpace(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NO_SPACE.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
