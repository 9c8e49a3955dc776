import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * Serves the built renderer from `root`: GET and HEAD only, no directory listings, paths
 * confined to `root` (a `..` in the URL cannot escape it). Unknown paths get index.html so
 * that a reload on any client-side route still loads the app.
 */
export async function serveStatic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', ...headers }).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400, headers).end('bad URL');
    return;
  }
  const file = resolveInside(root, pathname === '/' ? '/index.html' : pathname);
  const found = file && (await isFile(file)) ? file : join(root, 'index.html');
  if (!(await isFile(found))) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
    res.end(`The renderer is not built (${root} has no index.html). Run: npm run build\n`);
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(found)] ?? 'application/octet-stream',
    // Vite fingerprints assets; index.html must always be fetched fresh.
    'Cache-Control': found.endsWith('index.html')
      ? 'no-store'
      : 'public, max-age=31536000, immutable',
    ...headers,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(found)
    .on('error', () => res.destroy())
    .pipe(res);
}

function resolveInside(root: string, pathname: string): string | undefined {
  const full = normalize(join(root, pathname));
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep)
    ? full
    : undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
