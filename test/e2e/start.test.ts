import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, waitFor } from './harness';

describe('npm start on a machine where Electron cannot run', () => {
  let dataDir: string;

  beforeEach(async () => {
    ensureBuilt();
    dataDir = await mkdtemp(join(tmpdir(), 'logdock-start-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('says why in one line, starts headless mode and prints the address to open', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin', 'start.mjs'),
        '--data-dir',
        dataDir,
        '--http-port',
        '0',
        '--kafka-port',
        '0',
      ],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const url = await waitFor(
        () => /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(stdout)?.[1],
        `the URL on stdout (stderr: ${stderr})`,
      );
      const reasons = stdout.split('\n').filter((l) => l.startsWith("Electron can't start here"));
      expect(reasons).toHaveLength(1);
      expect(reasons[0]).toMatch(/starting headless mode instead\.$/);
      // The address works: it serves the UI.
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
