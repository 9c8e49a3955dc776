import { LogdockError } from '../../common/errors';

/**
 * A filter expression that does not parse. Still a LogdockError (INVALID_ARGUMENT), with
 * the 0-based character position so that the UI can point at it.
 */
export class ExpressionError extends LogdockError {
  readonly position: number;
  constructor(message: string, position: number) {
    super('INVALID_ARGUMENT', `filter: ${message} at character ${position + 1}`);
    this.position = position;
  }
}
