import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../../..');

/** Runs `logdock serve` the way a user does, through bin/logdock.mjs. */
function serve(dataDir: string) {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'logdock.mjs'),
      'serve',
      '--data-dir',
      dataDir,
      '--http-port',
      '0',
      '--kafka-port',
      '0',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function until(condition: () => boolean, what: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 50_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

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
    await until(
      () => /Open http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.test(run.out()),
      'the URL',
      run.err,
    );
    expect(existsSync(join(dataDir, 'api.json'))).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(existsSync(join(dataDir, 'api.json'))).toBe(false);
    expect(run.err()).toContain('SIGINT received, shutting down');
  });

  it('refuses to serve a data directory that a running Logdock already serves', async () => {
    const first = serve(dataDir);
    children.push(first.child);
    await until(() => first.out().includes('Open http'), 'the first server', first.err);
    const second = serve(dataDir);
    children.push(second.child);
    expect(await second.exited).toBe(1);
    expect(second.err()).toMatch(/logdock: ALREADY_EXISTS: Logdock \(pid \d+\) already serves/);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });

  it('rejects a malformed port with a usage error', async () => {
    const run = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'logdock.mjs'), 'serve', '--http-port', 'abc'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(run);
    let stderr = '';
    run.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise((done) => run.once('exit', done));
    expect(code).not.toBe(0);
    expect(stderr).toContain('expected a port number 0-65535, got "abc"');
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
