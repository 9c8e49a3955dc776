import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveArgs, spawnLogdock, waitForUrl } from './serve-process';

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
