import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { APP_VERSION } from '../../../src/main/version';

const ROOT = resolve(__dirname, '../../..');
const run = promisify(execFile);

/** Runs bin/logdock.mjs as `npx logdock` would; resolves with its exit code and output. */
async function logdock(...args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(ROOT, 'bin', 'logdock.mjs'), ...args],
      {
        cwd: ROOT,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the logdock command', () => {
  it('lists its commands in --help', async () => {
    const { code, stdout } = await logdock('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: logdock \[options\] \[command\]/);
    expect(stdout).toMatch(/\n {2}serve \[options\] /);
  });

  it('prints the package version', async () => {
    const { code, stdout } = await logdock('--version');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(APP_VERSION);
  });

  it('fails with a usage message for an unknown command', async () => {
    const { code, stderr } = await logdock('frobnicate');
    expect(code).not.toBe(0);
    expect(stderr).toContain("unknown command 'frobnicate'");
  });
});
