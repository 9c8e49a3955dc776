import type { ConnectionFailure } from '../../common/api/clusters';

/**
 * Tells why a connection to a remote cluster failed, from what @platformatic/kafka threw:
 * its errors wrap the socket's (`cause`) and, when every bootstrap server failed, gather one
 * per server (`errors`). Decided by error codes and classes, never by message text, except
 * for the client's own "TLS handshake failed" which it raises as a plain user error.
 */
export function classifyConnectionError(err: unknown): {
  reason: ConnectionFailure;
  message: string;
} {
  const chain = flatten(err);
  const codes = new Set(chain.map((e) => e.code).filter((c): c is string => typeof c === 'string'));
  const message = describe(chain);
  const has = (...wanted: string[]) => wanted.some((c) => codes.has(c));
  if (chain.some((e) => e.code === 'PLT_KFK_AUTHENTICATION'))
    return { reason: 'authentication', message };
  if ([...codes].some(isTlsCode) || chain.some(isTlsHandshakeFailure))
    return { reason: 'tls', message };
  if (
    has('ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL')
  ) {
    return { reason: 'unreachable', message };
  }
  if (
    has('PLT_KFK_UNSUPPORTED_API', 'PLT_KFK_UNSUPPORTED') ||
    chain.some((e) => e.apiVersionsRefused)
  ) {
    return { reason: 'unsupported', message };
  }
  if (chain.some((e) => e.name === 'TimeoutError') || has('ETIMEDOUT'))
    return { reason: 'timeout', message };
  if (has('ECONNRESET', 'EPIPE') || chain.some((e) => e.name === 'NetworkError'))
    return { reason: 'closed', message };
  return { reason: 'error', message };
}

interface Link {
  name: string;
  code: unknown;
  message: string;
  apiVersionsRefused: boolean;
}

/** Every error reachable through `cause` and `errors`, outermost first. */
function flatten(err: unknown, depth = 0, out: Link[] = []): Link[] {
  if (!err || typeof err !== 'object' || depth > 8) return out;
  const e = err as {
    name?: string;
    code?: unknown;
    message?: string;
    cause?: unknown;
    errors?: unknown[];
    apiName?: string;
  };
  out.push({
    name: e.constructor?.name ?? e.name ?? 'Error',
    code: e.code,
    message: String(e.message ?? ''),
    // A broker older than the client's ApiVersions v3 answers with UNSUPPORTED_VERSION (35).
    apiVersionsRefused: (e as { apiCode?: number }).apiCode === 35,
  });
  if (Array.isArray(e.errors)) for (const inner of e.errors) flatten(inner, depth + 1, out);
  flatten(e.cause, depth + 1, out);
  return out;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');
}

function isTlsHandshakeFailure(link: Link): boolean {
  return link.code === 'PLT_KFK_USER' && /TLS handshake/i.test(link.message);
}

/** The innermost messages say what happened; the outer ones where. */
function describe(chain: Link[]): string {
  const parts: string[] = [];
  for (const link of chain)
    if (link.message && !parts.includes(link.message)) parts.push(link.message);
  return parts.join(': ') || 'connection failed';
}
