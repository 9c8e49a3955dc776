import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer as createHttpsServer } from 'node:https';
import { isNoSpace, LogdockError } from '../../common/errors';
import { WS_PATH } from '../../common/transport/wire';
import type { Dispatcher } from '../api/dispatcher';
import type { Logger } from '../logger';
import { attachWebSocketApi } from '../transport/websocket';
import { apiFilePath, removeApiFile, writeApiFile } from './api-file';
import { exportDownloadPath, isExportRequest, serveExport } from './exports';
import {
  allowedHosts,
  allowedOrigins,
  browsableHost,
  cspWebSocketSources,
  hostAllowed,
  urlHost,
} from './origins';
import { serveStatic } from './static';

/** Tried first when no port is given; a random free port is used if it is taken. */
export const DEFAULT_HTTP_PORT = 7392;

export interface HeadlessOptions {
  dispatcher: Dispatcher;
  logger: Logger;
  /** Where `api.json` is written while the API is served. */
  dataDir: string;
  /** Interface to bind; 127.0.0.1 unless the user asks otherwise. */
  host?: string;
  /** 0 = random. Undefined = DEFAULT_HTTP_PORT, or random if that is taken. */
  port?: number;
  /** The built renderer (`out/renderer`); found next to the code by default. */
  rendererDir?: string;
  /** A fixed token, for tests; a random one per start by default. */
  token?: string;
  /** Serve HTTPS and WSS with this certificate and key (PEM) instead of plain HTTP. */
  tls?: { cert: Buffer; key: Buffer };
}

export interface HeadlessServer {
  /** The page to open, with the token: `http://127.0.0.1:7392/?token=…`. */
  readonly url: string;
  /** The WebSocket endpoint: `ws://127.0.0.1:7392/api`. */
  readonly apiUrl: string;
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  /** Closes WebSocket connections, the HTTP server and removes api.json. Idempotent. */
  close(): Promise<void>;
}

/**
 * Headless mode's HTTP server: serves the built renderer, finished exports for download
 * (`/exports/<name>`, see exports.ts) and the WebSocket API on one port, and writes
 * `<dataDir>/api.json`.
 * @throws LogdockError UNAVAILABLE when an explicitly requested port is in use or the
 *   host cannot be bound.
 */
export async function startHeadlessServer(options: HeadlessOptions): Promise<HeadlessServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('hex');
  const rendererDir = options.rendererDir ?? findRendererDir();
  let port = 0;

  const scheme = options.tls ? 'https' : 'http';
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const headers = securityHeaders(host, port, scheme);
    if (!hostAllowed(req.headers.host, allowedHosts(host, port))) {
      refuseHost(req, res, headers, options.logger);
      return;
    }
    const served = isExportRequest(req.url)
      ? serveExport(req, res, {
          dataDir: options.dataDir,
          token,
          allowedOrigins: () => allowedOrigins(host, port, scheme),
          headers,
          logger: options.logger,
        })
      : serveStatic(rendererDir, req, res, headers);
    served.catch((err: Error) => {
      options.logger.error(`serving ${req.url}: ${err.message}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
  const server = options.tls ? httpsServer(options.tls, handler) : createServer(handler);
  port = await listen(server, host, options.port);
  const ws = attachWebSocketApi({
    server,
    dispatcher: options.dispatcher,
    token,
    allowedOrigins: () => allowedOrigins(host, port, scheme),
    allowedHosts: () => allowedHosts(host, port),
    logger: options.logger.child('ws'),
    // Finished exports are served by this same server (GET /exports/<name>).
    context: { exportDownloadPath: (fileName) => exportDownloadPath(token, fileName) },
  });

  const origin = `${scheme}://${urlHost(browsableHost(host))}:${port}`;
  const url = `${origin}/?token=${token}`;
  const apiUrl = `${options.tls ? 'wss' : 'ws'}://${urlHost(browsableHost(host))}:${port}${WS_PATH}`;
  // With TLS the CLI trusts exactly this certificate (it may be self-signed).
  const cert = options.tls?.cert.toString('utf8');
  await writeApiFile(options.dataDir, { url: apiUrl, token, pid: process.pid, cert }).catch(
    (err: Error) => {
      // On a full disk Logdock still serves (reads work); only the CLI cannot find it.
      if (!isNoSpace(err)) throw err;
      options.logger.error(
        `cannot write ${apiFilePath(options.dataDir)} (${err.message}): CLI commands will not find this server until it is restarted with free space`,
      );
    },
  );
  if (!existsSync(join(rendererDir, 'index.html'))) {
    options.logger.warn(`renderer not built (${rendererDir}); run \`npm run build\` for the UI`);
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    apiUrl,
    origin,
    token,
    port,
    close() {
      closing ??= (async () => {
        await ws.close();
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
        await removeApiFile(options.dataDir).catch(() => {});
      })();
      return closing;
    },
  };
}

function httpsServer(
  tls: { cert: Buffer; key: Buffer },
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  try {
    return createHttpsServer(tls, handler);
  } catch (err) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `the TLS certificate or key cannot be used: ${(err as Error).message}`,
    );
  }
}

/** 421 for a Host this server does not answer to (DNS rebinding, or a name not configured). */
function refuseHost(
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
  logger: Logger,
): void {
  logger.warn(`refused a request for host ${JSON.stringify(req.headers.host ?? '')}`, {
    remote: req.socket.remoteAddress,
  });
  res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(`FORBIDDEN: host ${JSON.stringify(req.headers.host ?? '')} is not this server's\n`);
}

/** Headers on every HTTP response; the CSP lets the page talk only to this server. */
function securityHeaders(
  host: string,
  port: number,
  scheme: 'http' | 'https',
): Record<string, string> {
  const wsOrigins = cspWebSocketSources(host, port, scheme === 'https' ? 'wss' : 'ws').join(' ');
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self' data:",
      `connect-src 'self' ${wsOrigins}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  };
}

async function listen(server: Server, host: string, port: number | undefined): Promise<number> {
  try {
    return await listenOnce(server, host, port ?? DEFAULT_HTTP_PORT);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (port === undefined && code === 'EADDRINUSE') return listenOnce(server, host, 0);
    throw new LogdockError(
      'UNAVAILABLE',
      `cannot listen on ${urlHost(host)}:${port ?? DEFAULT_HTTP_PORT}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

function listenOnce(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
}

/**
 * The built renderer: `$LOGDOCK_RENDERER_DIR` if set, else `out/renderer` beside the bundled
 * `out/main/cli.js`, or, when running from the TypeScript sources through tsx,
 * `<repo>/out/renderer`.
 */
export function findRendererDir(): string {
  // Tests serve a private copy so that a rebuild in the same tree cannot pull files away.
  if (process.env.LOGDOCK_RENDERER_DIR) return resolve(process.env.LOGDOCK_RENDERER_DIR);
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../renderer'), resolve(here, '../../../out/renderer')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[1];
}
