import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LogdockError, toErrorPayload } from '../../common/errors';
import { openFinishedExport } from '../export/files';
import type { Logger } from '../logger';
import { sameSecret } from '../transport/secret';

/** Finished exports are downloaded from `/exports/<fileName>`. */
export const EXPORTS_PATH = '/exports/';

const TYPES: Record<string, string> = {
  '.jsonl': 'application/x-ndjson',
  '.ndjson': 'application/x-ndjson',
  '.csv': 'text/csv; charset=utf-8',
};

export interface ExportRouteOptions {
  dataDir: string;
  /** The server's per-start API token (the WebSocket's). */
  token: string;
  /** Origins a browser page may request from (the server's own). */
  allowedOrigins: () => string[];
  /** Security headers sent with every response. */
  headers: Record<string, string>;
  logger: Logger;
}

/**
 * The download ticket of one export: HMAC-SHA256 of its name keyed with the API token. A
 * link carries the ticket rather than the token because links end up in the browser's
 * download history: a ticket there grants that one file until the server restarts, not
 * the API.
 */
export function exportTicket(token: string, fileName: string): string {
  return createHmac('sha256', token).update(`logdock-export:${fileName}`).digest('hex');
}

/** The same-origin link the UI offers for `fileName` (see `messages.exportDownload`). */
export function exportDownloadPath(token: string, fileName: string): string {
  return `${EXPORTS_PATH}${encodeURIComponent(fileName)}?ticket=${exportTicket(token, fileName)}`;
}

/** Whether `rawUrl` (a request's URL as sent) is addressed to the exports route. */
export function isExportRequest(rawUrl: string | undefined): boolean {
  return (rawUrl ?? '').startsWith(EXPORTS_PATH);
}

/**
 * Serves `GET|HEAD /exports/<fileName>`: a finished export of `<dataDir>/exports/`,
 * streamed from disk with back-pressure (never read whole: exports can be gigabytes) as
 * an attachment. Refused, with `<CODE>: <why>` as a plain-text body, unless
 * - the request is not cross-origin: an `Origin` header, if any, is the server's own and
 *   `Sec-Fetch-Site`, if any, is `same-origin` or `none` (typed or from the download list);
 * - it carries `?ticket=<exportTicket(token, fileName)>` or `Authorization: Bearer <token>`
 *   (for curl and scripts);
 * - the name is a bare export file name that exists as a regular file (no symlinks).
 * The raw URL is used, not a normalised one, so `..` never reaches the file system as a
 * path; any failure answers this request only.
 */
export async function serveExport(
  req: IncomingMessage,
  res: ServerResponse,
  options: ExportRouteOptions,
): Promise<void> {
  const refuse = (status: number, err: LogdockError) => {
    const { code, message } = toErrorPayload(err);
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...options.headers });
    res.end(`${code}: ${message}\n`);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', ...options.headers }).end();
    return;
  }
  const crossOrigin = crossOriginRefusal(req, options.allowedOrigins());
  if (crossOrigin) return refuse(403, crossOrigin);
  const [rawName, search = ''] = (req.url ?? '').slice(EXPORTS_PATH.length).split('?', 2);
  let fileName: string;
  try {
    fileName = decodeURIComponent(rawName);
  } catch {
    return refuse(
      400,
      new LogdockError('INVALID_ARGUMENT', 'the export name is not valid URL encoding'),
    );
  }
  const ticket = new URLSearchParams(search).get('ticket');
  const authFailure = authRefusal(req, ticket, options.token, fileName);
  if (authFailure) return refuse(401, authFailure);

  let found;
  try {
    found = await openFinishedExport(options.dataDir, fileName);
  } catch (err) {
    return refuse(
      404,
      err instanceof LogdockError ? err : new LogdockError('NOT_FOUND', String(err)),
    );
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(fileName).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': String(found.size),
    // The name passed openFinishedExport's check ([\w.-] only), so it needs no escaping.
    'Content-Disposition': `attachment; filename="${fileName}"`,
    'Cache-Control': 'no-store',
    ...options.headers,
  });
  if (req.method === 'HEAD') {
    await found.handle.close();
    res.end();
    return;
  }
  try {
    // The stream closes the descriptor when it ends or is destroyed (client gone).
    await pipeline(found.handle.createReadStream(), res);
  } catch (err) {
    options.logger.warn(`download of export ${fileName} ended early: ${(err as Error).message}`);
  }
}

function crossOriginRefusal(req: IncomingMessage, allowed: string[]): LogdockError | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined && !allowed.includes(origin)) {
    return new LogdockError('FORBIDDEN', `origin ${origin} may not download exports`);
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return new LogdockError('FORBIDDEN', `a ${site} request may not download exports`);
  }
  return undefined;
}

function authRefusal(
  req: IncomingMessage,
  ticket: string | null,
  token: string,
  fileName: string,
): LogdockError | undefined {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (bearer !== undefined) {
    return sameSecret(bearer, token)
      ? undefined
      : new LogdockError('UNAUTHENTICATED', 'wrong API token');
  }
  if (ticket === null) {
    return new LogdockError(
      'UNAUTHENTICATED',
      'no download ticket (?ticket=, from messages.exportDownload) or Authorization: Bearer <token>',
    );
  }
  return sameSecret(ticket, exportTicket(token, fileName))
    ? undefined
    : new LogdockError('UNAUTHENTICATED', `wrong download ticket for ${fileName}`);
}
