import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogdockError } from '../../../../src/common/errors';
import { lockDataDir } from '../../../../src/main/broker/data-dir-lock';
import { serveArgs, spawnLogdock, stopLogdock, waitForUrl } from './serve-process';

/** Runs `logdock serve` the way a user does, through bin/logdock.mjs. */
const serve = (dataDir: string) => spawnLogdock(['serve', ...serveArgs(dataDir)]);

describe('logdock serve', () => {
  let dataDir: string;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'logdock-serve-'));
  });

  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints the URL to open and shuts down gracefully on SIGINT', async () => {
    const run = serve(dataDir);
    children.push(run.child);
    expect(await waitForUrl(run)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/);
    expect(existsSync(join(dataDir, 'api.json'))).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(existsSync(join(dataDir, 'api.json'))).toBe(false);
    expect(run.err()).toContain('SIGINT received, shutting down');
  });

  it('refuses to serve a data directory that a running Logdock already serves', async () => {
    const first = serve(dataDir);
    children.push(first.child);
    await waitForUrl(first);
    const second = serve(dataDir);
    children.push(second.child);
    expect(await second.exited).toBe(1);
    expect(second.err()).toMatch(/logdock: ALREADY_EXISTS: Logdock \(pid \d+\) already serves/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });

  it('holds an OS lock on the data directory that the kernel drops when the process is SIGKILLed', async () => {
    const first = serve(dataDir);
    children.push(first.child);
    await waitForUrl(first);
    const refused = await lockDataDir(dataDir).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(LogdockError);
    expect(refused).toMatchObject({ code: 'UNAVAILABLE' });
    expect((refused as Error).message).toContain(`in use by process ${first.child.pid}`);
    first.child.kill('SIGKILL');
    await first.exited;
    const release = await lockDataDir(dataDir);
    await release();
  });

  it('starts, and the CLI works, after a SIGKILL left api.json and .lock naming a pid now used by an unrelated process', async () => {
    const first = serve(dataDir);
    children.push(first.child);
    await waitForUrl(first);
    first.child.kill('SIGKILL');
    await first.exited;
    // The pid is reused: a live process that is not Logdock now has the pid both files name.
    const unrelated = spawn('sleep', ['120'], { stdio: 'ignore' });
    children.push(unrelated);
    const api = JSON.parse(await readFile(join(dataDir, 'api.json'), 'utf8')) as object;
    await writeFile(join(dataDir, 'api.json'), JSON.stringify({ ...api, pid: unrelated.pid }));
    await writeFile(join(dataDir, '.lock'), `${unrelated.pid}\n`);

    const create = spawnLogdock([
      'topics',
      '--create',
      '--topic',
      'after-crash',
      '--data-dir',
      dataDir,
    ]);
    expect(await create.exited).toBe(0);
    const second = serve(dataDir);
    children.push(second.child);
    expect(await waitForUrl(second)).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const list = spawnLogdock(['topics', '--list', '--data-dir', dataDir]);
    expect(await list.exited).toBe(0);
    expect(list.out()).toContain('after-crash');
    expect(await stopLogdock(second)).toBe(0);
  });

  it('refuses a non-loopback --host without TLS or --insecure-http, and a certificate without its key', async () => {
    const open = spawnLogdock(['serve', ...serveArgs(dataDir), '--host', '0.0.0.0']);
    children.push(open.child);
    expect(await open.exited).toBe(1);
    expect(open.err()).toContain(
      'INVALID_ARGUMENT: --host 0.0.0.0 serves the UI and API beyond this machine: give --tls-cert and --tls-key, or --insecure-http',
    );
    const half = spawnLogdock([
      'serve',
      ...serveArgs(dataDir),
      '--tls-cert',
      join(dataDir, 'c.pem'),
    ]);
    children.push(half.child);
    expect(await half.exited).toBe(1);
    expect(half.err()).toContain('--tls-cert and --tls-key go together');
    const { tlsOptions } = await import('../../../../src/main/cli/commands/serve');
    await expect(tlsOptions({ host: '0.0.0.0', insecureHttp: true })).resolves.toBeUndefined();
    await expect(tlsOptions({ host: '127.0.0.1' })).resolves.toBeUndefined();
    await expect(tlsOptions({ host: '192.168.1.5' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('serves HTTPS and WSS with --tls-cert and --tls-key, and the CLI reaches it trusting that certificate', async () => {
    const cert = join(dataDir, 'cert.pem');
    const key = join(dataDir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=logdock-test',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const tls = spawnLogdock([
      'serve',
      ...serveArgs(dataDir),
      '--tls-cert',
      cert,
      '--tls-key',
      key,
    ]);
    children.push(tls.child);
    const url = await waitForUrl(tls);
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const status = await new Promise<number>((resolve, reject) => {
      httpsGet(url, { ca: readFileSync(cert), checkServerIdentity: () => undefined }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on('error', reject);
    });
    expect(status).toBe(200);
    const created = spawnLogdock(['topics', '--create', '--topic', 'tls', '--data-dir', dataDir]);
    expect(await created.exited).toBe(0);
    expect(created.err()).toMatch(
      /using the Logdock \(pid \d+\) serving .* at wss:\/\/127\.0\.0\.1:/,
    );
    expect(await stopLogdock(tls)).toBe(0);
  });

  it('rejects a malformed port with a usage error', async () => {
    const run = spawnLogdock(['serve', '--http-port', 'abc']);
    children.push(run.child);
    expect(await run.exited).not.toBe(0);
    expect(run.err()).toContain('expected a port number 0-65535, got "abc"');
  });
});

describe('the LOGDOCK_TOKEN variable', () => {
  it('gives a fixed token, leaves a random one when unset, and refuses a malformed one', async () => {
    const { tokenFromEnv } = await import('../../../../src/main/cli/commands/serve');
    expect(tokenFromEnv({ LOGDOCK_TOKEN: 'e2e-token_0123456789' })).toBe('e2e-token_0123456789');
    expect(tokenFromEnv({})).toBeUndefined();
    expect(tokenFromEnv({ LOGDOCK_TOKEN: '' })).toBeUndefined();
    expect(() => tokenFromEnv({ LOGDOCK_TOKEN: 'short' })).toThrow(/INVALID_ARGUMENT|16 to 256/);
    expect(() => tokenFromEnv({ LOGDOCK_TOKEN: 'has spaces in it, sadly' })).toThrow(
      /LOGDOCK_TOKEN must be/,
    );
  });
});
