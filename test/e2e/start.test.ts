import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveArgs, spawnLogdock, waitForUrl } from '../main/cli/commands/serve-process';
import { ensureBuilt } from './harness';

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
    const run = spawnLogdock(serveArgs(dataDir), { script: 'start.mjs', env });
    try {
      const url = await waitForUrl(run, 60_000);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/);
      const reasons = run
        .out()
        .split('\n')
        .filter((l) => l.startsWith("Electron can't start here"));
      expect(reasons).toHaveLength(1);
      expect(reasons[0]).toMatch(/starting headless mode instead\.$/);
      // The address works: it serves the UI.
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
  });
});
