import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir, waitFor } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('logdock-cli-'));
});
afterEach(() => cleanup());

describe('CLI commands against a running Logdock (withLogdock)', () => {
  it('goes through the API of a Logdock running on the data directory', async () => {
    const bin = fileURLToPath(new URL('../../../bin/logdock.mjs', import.meta.url));
    const serve = spawn(
      process.execPath,
      [bin, 'serve', '--data-dir', dir, '--http-port', '0', '--no-kafka'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let log = '';
    serve.stderr.on('data', (d) => (log += d));
    const exited = new Promise((resolve) => serve.on('exit', resolve));
    try {
      await waitFor(
        () => existsSync(join(dir, 'api.json')) || serve.exitCode !== null,
        'logdock serve to start',
        45_000,
      );
      expect(serve.exitCode, log).toBeNull();
      const created = await runCli([
        'topics',
        '--create',
        '--topic',
        'live',
        '--partitions',
        '2',
        '--data-dir',
        dir,
      ]);
      expect(created.stdout, created.stderr).toBe('Created topic live.\n');
      const produced = await runCli(
        ['produce', '--topic', 'live', '--partition', '1', '--data-dir', dir],
        'one\ntwo\n',
      );
      expect(produced.code, produced.stderr).toBe(0);
      const described = await runCli([
        'topics',
        '--describe',
        '--topic',
        'live',
        '--data-dir',
        dir,
      ]);
      expect(described.stdout).toMatch(/Partition: 1\t.*LogEndOffset: 2/);
      const consumed = await runCli([
        'consume',
        '--topic',
        'live',
        '--max-messages',
        '1',
        '--data-dir',
        dir,
      ]);
      expect(consumed.code).toBe(1);
      expect(consumed.stderr).toContain('Logdock is running on');
    } finally {
      serve.kill('SIGTERM');
      await exited;
    }
  });
});
