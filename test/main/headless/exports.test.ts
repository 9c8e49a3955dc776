import { execFileSync } from 'node:child_process';
import {
  link,
  mkdir,
  mkdtemp,
  open,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiClient, EventOf } from '../../../src/common/api/contract';
import {
  createWebSocketClient,
  type WebSocketConstructor,
} from '../../../src/common/transport/websocket-client';
import { createDispatcher } from '../../../src/main/api/handlers';
import { recordWrittenExport } from '../../../src/main/export/written';
import { exportTicket } from '../../../src/main/headless/exports';
import { startHeadlessServer, type HeadlessServer } from '../../../src/main/headless/server';
import { silentLogger } from '../../../src/main/logger';
import { openServices, type Services } from '../../../src/main/services';

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/**
 * Downloads of finished exports from the headless server, on a real socket. Requests go
 * through node:http rather than fetch so that paths reach the server exactly as written
 * (fetch would normalise `..` away) and browser headers (Origin, Sec-Fetch-Site) can be set.
 */
describe('export downloads from the headless server', () => {
  let dir: string;
  let dataDir: string;
  let services: Services;
  let server: HeadlessServer;
  let api: ApiClient & { close(): void };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'logdock-exports-'));
    dataDir = join(dir, 'data');
    const rendererDir = join(dir, 'renderer');
    await mkdir(rendererDir, { recursive: true });
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Logdock</title>');
    await writeFile(join(dir, 'secret.txt'), 'not for the browser');
    services = await openServices({ dataDir, mode: 'test', logger: silentLogger });
    server = await startHeadlessServer({
      dispatcher: createDispatcher(services),
      logger: silentLogger,
      dataDir,
      port: 0,
      rendererDir,
    });
    api = createWebSocketClient({
      url: server.apiUrl,
      token: server.token,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      reconnect: false,
    });
    await mkdir(join(dataDir, 'exports'), { recursive: true });
  });

  afterEach(async () => {
    api.close();
    await server.close();
    await services.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A file in exports/ as messages.export leaves it: written, then recorded in exports.json. */
  async function placeExport(name: string, content: string) {
    const path = join(dataDir, 'exports', name);
    await writeFile(path, content);
    await recordWrittenExport(dataDir, name, await stat(path));
  }

  /** What a page of this server sends when the user clicks a link to it. */
  const sameOrigin = () => ({ Origin: server.origin, 'Sec-Fetch-Site': 'same-origin' });
  const bearer = () => ({ Authorization: `Bearer ${server.token}` });

  function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
    return new Promise<Reply>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path, method, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  async function exportTopic(format: 'jsonl' | 'csv') {
    await api.call('topics.create', { name: 'app', partitions: 1 } as never);
    for (let i = 0; i < 50; i++) {
      await api.call('messages.produce', {
        topic: 'app',
        key: `k${i}`,
        value: JSON.stringify({ i, msg: `line "${i}", with a comma` }),
      });
    }
    return new Promise<Extract<EventOf<'messages.export'>, { type: 'done' }>>((resolve, reject) => {
      api.subscribe(
        'messages.export',
        { topic: 'app', partitions: null, format },
        (e) => {
          if (e.type === 'done') resolve(e);
          if (e.type === 'error') reject(new Error(e.message));
        },
        (err) => reject(new Error(err.message)),
      );
    });
  }

  it('offers downloads in system.info and serves an export as an attachment whose bytes equal the file', async () => {
    await expect(api.call('system.info', {})).resolves.toMatchObject({
      capabilities: { downloadExports: true, showExportInFolder: false },
    });
    const done = await exportTopic('jsonl');
    const { url } = await api.call('messages.exportDownload', { fileName: done.fileName });
    expect(url).toMatch(new RegExp(`^/exports/${done.fileName}\\?ticket=[0-9a-f]{64}$`));
    expect(url).not.toContain(server.token);

    const reply = await get(url, sameOrigin());
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/x-ndjson');
    expect(reply.headers['content-disposition']).toBe(`attachment; filename="${done.fileName}"`);
    expect(reply.headers['content-length']).toBe(String(done.writtenBytes));
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.body.equals(await readFile(done.path))).toBe(true);
    expect(reply.body.toString().trimEnd().split('\n')).toHaveLength(50);
  });

  it('serves CSV as text/csv, also to a script with the API token as a bearer token', async () => {
    const done = await exportTopic('csv');
    const reply = await get(`/exports/${done.fileName}`, bearer());
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(reply.body.equals(await readFile(done.path))).toBe(true);
    const head = await get(`/exports/${done.fileName}`, bearer(), 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(done.writtenBytes));
    expect(head.body.length).toBe(0);
  });

  it('refuses a missing or wrong ticket, a ticket of another file and a wrong bearer token', async () => {
    await placeExport('a.jsonl', '{"a":1}\n');
    await placeExport('b.jsonl', '{"b":1}\n');
    const refused = [
      await get('/exports/a.jsonl', sameOrigin()),
      await get(`/exports/a.jsonl?ticket=${'0'.repeat(64)}`, sameOrigin()),
      await get(`/exports/a.jsonl?ticket=${exportTicket(server.token, 'b.jsonl')}`, sameOrigin()),
      await get(`/exports/a.jsonl?ticket=${server.token}`, sameOrigin()),
      await get('/exports/a.jsonl', { Authorization: 'Bearer nope' }),
    ];
    for (const reply of refused) {
      expect(reply.status).toBe(401);
      expect(reply.body.toString()).toMatch(/^UNAUTHENTICATED: /);
      expect(reply.body.toString()).not.toContain('{"a":1}');
    }
    const ok = await get(`/exports/b.jsonl?ticket=${exportTicket(server.token, 'b.jsonl')}`);
    expect(ok.body.toString()).toBe('{"b":1}\n');
  });

  it('refuses requests from another origin or site even with a valid ticket', async () => {
    await placeExport('a.jsonl', '{"a":1}\n');
    const path = `/exports/a.jsonl?ticket=${exportTicket(server.token, 'a.jsonl')}`;
    const refused = [
      await get(path, { Origin: 'http://evil.example' }),
      await get(path, { Origin: `http://127.0.0.1:${server.port + 1}` }),
      await get(path, { 'Sec-Fetch-Site': 'cross-site' }),
      // Another port of 127.0.0.1 is the same site but another origin.
      await get(path, { 'Sec-Fetch-Site': 'same-site' }),
    ];
    for (const reply of refused) {
      expect(reply.status).toBe(403);
      expect(reply.body.toString()).toMatch(/^FORBIDDEN: /);
    }
    // Typed into the address bar or retried from the download list.
    expect((await get(path, { 'Sec-Fetch-Site': 'none' })).status).toBe(200);
  });

  it('serves nothing but finished exports: traversal, absolute paths, symlinks, partial files and unknown names get a 404, and the server stays up', async () => {
    await placeExport('ok.jsonl', '{"ok":1}\n');
    await writeFile(join(dataDir, 'exports', 'half.jsonl.partial'), '{"half":');
    await symlink(join(dir, 'secret.txt'), join(dataDir, 'exports', 'link.jsonl'));
    await symlink(join(dataDir, 'exports', 'ok.jsonl'), join(dataDir, 'exports', 'inner.jsonl'));
    await mkdir(join(dataDir, 'exports', 'folder'));
    const paths = [
      '/exports/../api.json',
      '/exports/..%2Fapi.json',
      '/exports/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/exports/..',
      '/exports/.',
      '/exports/',
      `/exports/${encodeURIComponent(join(dir, 'secret.txt'))}`,
      '/exports/%2Fetc%2Fpasswd',
      '/exports/folder',
      '/exports/folder%2F..%2F..%2Fapi.json',
      '/exports/link.jsonl',
      '/exports/inner.jsonl',
      '/exports/half.jsonl.partial',
      '/exports/missing.jsonl',
    ];
    for (const path of paths) {
      const reply = await get(path, bearer());
      const body = reply.body.toString();
      expect({ path, status: reply.status }).toEqual({ path, status: 404 });
      expect(body).toMatch(/^NOT_FOUND: no finished export named /);
      expect(body).not.toContain('not for the browser');
      expect(body).not.toContain(server.token);
    }
    const bad = await get('/exports/%E0%A4%A', bearer());
    expect(bad.status).toBe(400);
    expect((await get('/exports/ok.jsonl', bearer())).body.toString()).toBe('{"ok":1}\n');
  });

  it('refuses a FIFO, a hard link to a file elsewhere, a file Logdock did not write and one changed since, without blocking', async () => {
    const exportsDir = join(dataDir, 'exports');
    // Opening a FIFO with no writer blocks in the thread pool for as long as none comes.
    execFileSync('mkfifo', [join(exportsDir, 'pipe.jsonl')]);
    await recordWrittenExport(dataDir, 'pipe.jsonl', await stat(join(exportsDir, 'pipe.jsonl')));
    await link(join(dir, 'secret.txt'), join(exportsDir, 'hard.jsonl'));
    await recordWrittenExport(dataDir, 'hard.jsonl', await stat(join(exportsDir, 'hard.jsonl')));
    await writeFile(join(exportsDir, 'dropped.jsonl'), 'not for the browser');
    await placeExport('changed.jsonl', '{"was":1}\n');
    await writeFile(join(exportsDir, 'changed.jsonl'), 'not for the browser, longer');
    const cases = [
      ['pipe.jsonl', 'not a regular file'],
      ['hard.jsonl', 'it has other hard links'],
      ['dropped.jsonl', 'not an export Logdock wrote'],
      ['changed.jsonl', 'not an export Logdock wrote'],
    ];
    // Several at once: more than libuv's four pool threads, which blocked opens would hold.
    const replies = await Promise.all(
      [...cases, ...cases].map(([name]) => get(`/exports/${name}`, bearer())),
    );
    replies.forEach((reply, i) => {
      const [name, why] = cases[i % cases.length];
      expect({ name, status: reply.status }).toEqual({ name, status: 404 });
      expect(reply.body.toString()).toContain(why);
      expect(reply.body.toString()).not.toContain('not for the browser');
    });
    await expect(
      api.call('messages.exportDownload', { fileName: 'pipe.jsonl' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await placeExport('fine.jsonl', '{"fine":1}\n');
    expect((await get('/exports/fine.jsonl', bearer())).body.toString()).toBe('{"fine":1}\n');
  });

  it('answers messages.exportDownload for an unknown export with NOT_FOUND', async () => {
    await expect(
      api.call('messages.exportDownload', { fileName: 'missing.jsonl' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('missing.jsonl'),
    });
    await expect(api.call('messages.exportDownload', { fileName: '..' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('streams a file larger than any buffer from disk, and lets a client walk away mid-download', async () => {
    // Sparse: 3 GiB on paper, nothing on disk. Node cannot read it whole into one Buffer
    // (fs.readFile stops at 2 GiB), so a 200 whose bytes arrive proves it is streamed.
    const size = 3 * 1024 ** 3;
    const file = await open(join(dataDir, 'exports', 'huge.jsonl'), 'w');
    await file.truncate(size);
    await file.close();
    const huge = join(dataDir, 'exports', 'huge.jsonl');
    await recordWrittenExport(dataDir, 'huge.jsonl', await stat(huge));
    const before = process.memoryUsage();
    const wanted = 64 * 1024 * 1024;
    const received = await new Promise<{ status: number; length: string; bytes: number }>(
      (resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: server.port,
            path: '/exports/huge.jsonl',
            headers: bearer(),
          },
          (res) => {
            let bytes = 0;
            res.on('data', (chunk: Buffer) => {
              bytes += chunk.length;
              if (bytes >= wanted) {
                req.destroy();
                resolve({
                  status: res.statusCode!,
                  length: res.headers['content-length']!,
                  bytes,
                });
              }
            });
            res.on('end', () => reject(new Error('the whole file arrived')));
          },
        );
        req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err)));
        req.end();
      },
    );
    expect(received.status).toBe(200);
    expect(received.length).toBe(String(size));
    expect(received.bytes).toBeGreaterThanOrEqual(wanted);
    // Both ends live in this process: holding the file (or the 64 MiB read) would show.
    const after = process.memoryUsage();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(512 * 1024 * 1024);
    // The abandoned download closed its stream; the server goes on serving.
    await placeExport('small.csv', 'a,b\r\n');
    expect((await get('/exports/small.csv', bearer())).body.toString()).toBe('a,b\r\n');
  });
});
