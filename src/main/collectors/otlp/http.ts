/**
 * The HTTP side of the OTLP receiver: which encoding a request uses, reading its body
 * within a size limit, gzip, and answering in the request's own encoding as OTLP/HTTP
 * requires (ExportLogsServiceResponse on success, google.rpc.Status on failure).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { encodeResponseProto, encodeStatusProto } from './proto';

const gunzipAsync = promisify(gunzip);

/** A refusal with its HTTP status; `retryAfter` (seconds) marks it as retryable. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export type Encoding = 'protobuf' | 'json';

export function requestEncoding(contentType: string | undefined): Encoding {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new HttpError(
    415,
    `unsupported content type "${type}"; OTLP/HTTP takes application/x-protobuf or application/json`,
  );
}

/**
 * The body, refused with 413 as soon as it is known to exceed `max` bytes. `take` is told
 * of each chunk as it arrives and may refuse the request by throwing an HttpError.
 */
export function readBody(
  req: IncomingMessage,
  max: number,
  take: (bytes: number) => void = () => {},
): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max)
    return Promise.reject(tooLarge(`request body of ${declared} bytes`, max));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners('data');
        reject(tooLarge(`request body of more than ${max} bytes`, max));
        return;
      }
      try {
        take(chunk.length);
      } catch (err) {
        req.removeAllListeners('data');
        reject(err as Error);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

export async function decompress(
  body: Buffer,
  contentEncoding: string | undefined,
  max: number,
): Promise<Buffer> {
  const enc = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return body;
  if (enc !== 'gzip')
    throw new HttpError(415, `unsupported content encoding "${enc}"; OTLP/HTTP takes gzip`);
  try {
    return await gunzipAsync(body, { maxOutputLength: max });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw tooLarge('gzip body that inflates', max);
    throw new HttpError(400, `malformed gzip body: ${(err as Error).message}`);
  }
}

function tooLarge(what: string, max: number): HttpError {
  return new HttpError(
    413,
    `${what} exceeds the receiver's limit of ${max} bytes (maxRequestBytes)`,
  );
}

/** 200 with an ExportLogsServiceResponse (partial success when records were rejected). */
export function sendSuccess(
  res: ServerResponse,
  encoding: Encoding,
  rejected: number,
  errorMessage: string,
): void {
  const body =
    encoding === 'json'
      ? JSON.stringify(
          rejected > 0
            ? { partialSuccess: { rejectedLogRecords: String(rejected), errorMessage } }
            : {},
        )
      : Buffer.from(encodeResponseProto(rejected, errorMessage));
  send(res, 200, encoding, body);
}

/** An error status with a google.rpc.Status body; the connection is closed after it. */
export function sendError(res: ServerResponse, encoding: Encoding, err: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // gRPC codes in the Status body, as OTLP/HTTP suggests: INVALID_ARGUMENT, UNAVAILABLE, ...
  const code = err.status === 400 || err.status === 413 ? 3 : err.status >= 500 ? 14 : 2;
  const body =
    encoding === 'json'
      ? JSON.stringify({ code, message: err.message })
      : Buffer.from(encodeStatusProto(code, err.message));
  if (err.retryAfter !== undefined) res.setHeader('Retry-After', String(err.retryAfter));
  // An unread body (413) must not be taken as the next request on this connection.
  res.setHeader('Connection', 'close');
  send(res, err.status, encoding, body);
}

function send(
  res: ServerResponse,
  status: number,
  encoding: Encoding,
  body: string | Buffer,
): void {
  res.writeHead(status, {
    'Content-Type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}
