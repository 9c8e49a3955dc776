import type { ErrorPayload } from '../../common/errors';
import type { ServerMessage } from '../../common/transport/wire';

export type EncodedFrame = { ok: true; text: string } | { ok: false; error: ErrorPayload };

/**
 * The JSON text of `msg`, or why it cannot be sent: longer than `maxChars` (MESSAGE_TOO_LARGE,
 * the client is told to ask for less), or not serialisable at all. V8 refuses strings over
 * 2^29 characters with a RangeError; before, that surfaced as an unhandled rejection in the
 * server and a call that never got its answer.
 */
export function encodeFrame(msg: ServerMessage, maxChars: number, what: string): EncodedFrame {
  let text: string;
  try {
    text = JSON.stringify(msg);
  } catch (err) {
    return err instanceof RangeError
      ? { ok: false, error: tooLarge(what, 'more than V8 can hold in one string', maxChars) }
      : { ok: false, error: { code: 'INTERNAL', message: `${what}: ${(err as Error).message}` } };
  }
  if (text.length > maxChars) {
    return { ok: false, error: tooLarge(what, `${text.length} characters`, maxChars) };
  }
  return { ok: true, text };
}

function tooLarge(what: string, size: string, maxChars: number): ErrorPayload {
  return {
    code: 'MESSAGE_TOO_LARGE',
    message: `${what}: the answer is ${size}, over the ${maxChars} a frame may carry; ask for fewer rows or smaller previews`,
  };
}
