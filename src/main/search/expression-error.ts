import { LogdockError, type ErrorCode } from '../../common/errors';

/**
 * A filter expression that does not parse. Still a LogdockError (INVALID_ARGUMENT, or
 * UNSUPPORTED for a regex construct RE2 refuses), with the 0-based character position so
 * that the UI can point at it.
 */
export class ExpressionError extends LogdockError {
  readonly position: number;
  constructor(message: string, position: number, code: ErrorCode = 'INVALID_ARGUMENT') {
    super(code, `filter: ${message} at character ${position + 1}`);
    this.position = position;
  }
}
