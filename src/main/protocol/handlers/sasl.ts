/**
 * SaslHandshake and SaslAuthenticate, PLAIN mechanism only (RFC 4616: the token is
 * `authzid \0 username \0 password`). Before authentication a connection may only send
 * ApiVersions, SaslHandshake and SaslAuthenticate (enforced in ../connection.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Handler, SaslUser } from '../context';
import { KafkaError } from '../errors';
import type * as T from '../generated/types';

const MECHANISMS = ['PLAIN'];

/** Returns the matching user for a PLAIN token, or null. Compares in constant time. */
export function checkPlainToken(token: Buffer, users: SaslUser[]): SaslUser | null {
  const parts = token.toString('utf8').split('\0');
  if (parts.length !== 3) return null;
  const [, username, password] = parts;
  for (const u of users) {
    if (u.username === username && sameSecret(u.password, password)) return u;
  }
  return null;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const saslHandshake: Handler<T.SaslHandshakeRequest, T.SaslHandshakeResponse> = (
  ctx,
  req,
) => {
  const mechanism = req.mechanism;
  if (!MECHANISMS.includes(mechanism)) {
    return { errorCode: KafkaError.UNSUPPORTED_SASL_MECHANISM.code, mechanisms: MECHANISMS };
  }
  ctx.connection.saslMechanism = mechanism;
  // v0: the client sends the bare token next, without a Kafka request header.
  if (ctx.apiVersion === 0 && ctx.options.sasl?.length) ctx.connection.expectRawSaslToken = true;
  return { errorCode: 0, mechanisms: MECHANISMS };
};

export const saslAuthenticate: Handler<T.SaslAuthenticateRequest, T.SaslAuthenticateResponse> = (
  ctx,
  req,
) => {
  const users = ctx.options.sasl ?? [];
  if (users.length === 0) {
    return {
      errorCode: KafkaError.ILLEGAL_SASL_STATE.code,
      errorMessage: 'SASL is not enabled on this listener',
    };
  }
  if (ctx.connection.saslMechanism !== 'PLAIN') {
    return {
      errorCode: KafkaError.ILLEGAL_SASL_STATE.code,
      errorMessage: 'SaslHandshake must come first',
    };
  }
  const user = checkPlainToken(req.authBytes, users);
  if (!user) {
    return {
      errorCode: KafkaError.SASL_AUTHENTICATION_FAILED.code,
      errorMessage: 'Authentication failed: invalid username or password',
    };
  }
  ctx.connection.authenticated = true;
  return { errorCode: 0, errorMessage: null, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
};
