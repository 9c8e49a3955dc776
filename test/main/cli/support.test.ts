import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveDataDirPointer } from '../../../src/main/settings/data-dir-pointer';
import { runCli, useCliDataDir, waitFor } from '../broker/helpers';
import { serveArgs, spawnLogdock, stopLogdock, waitForUrl } from './commands/serve-process';

const cli = useCliDataDir();

describe('CLI commands against a running Logdock (withLogdock)', () => {
  it('goes through the API of a Logdock running on the data directory', async () => {
    const serve = spawnLogdock(['serve', '--data-dir', cli.dir, '--http-port', '0', '--no-kafka']);
    try {
      await waitFor(
        () => existsSync(join(cli.dir, 'api.json')) || serve.hasExited(),
        'logdock serve to start',
        45_000,
      );
      expect(serve.child.exitCode, serve.err()).toBeNull();
      const created = await cli.run(['topics', '--create', '--topic', 'live', '--partitions', '2']);
      expect(created.stdout, created.stderr).toBe('Created topic live.\n');
      const produced = await cli.run(
        ['produce', '--topic', 'live', '--partition', '1'],
        'one\ntwo\n',
      );
      expect(produced.code, produced.stderr).toBe(0);
      const described = await cli.run(['topics', '--describe', '--topic', 'live']);
      expect(described.stdout).toMatch(/Partition: 1\t.*LogEndOffset: 2/);
      const altered = await cli.run([
        'topics',
        '--alter',
        '--topic',
        'live',
        '--partitions',
        '3',
        '--config',
        'retention.ms=60000',
        '--config',
        'cleanup.policy=compact,delete',
      ]);
      expect(altered.stdout, altered.stderr).toBe('Altered topic live.\n');
      const after = await cli.run(['topics', '--describe', '--topic', 'live']);
      expect(after.stdout).toMatch(/PartitionCount: 3\t/);
      expect(after.stdout).toMatch(/retention\.ms=60000/);
      expect(after.stdout).toMatch(/cleanup\.policy=compact,delete/);
      const refused = await cli.run([
        'topics',
        '--alter',
        '--topic',
        'live',
        '--config',
        'max.message.bytes=2000',
      ]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(
        /max\.message\.bytes cannot be changed while Logdock runs.*retention\.ms/,
      );
      const shrink = await cli.run(['topics', '--alter', '--topic', 'live', '--partitions', '2']);
      expect(shrink.code).not.toBe(0);
      expect(shrink.stderr).toMatch(/can only be increased/);
      const consumed = await cli.run(['consume', '--topic', 'live', '--max-messages', '1']);
      expect(consumed.code).toBe(1);
      expect(consumed.stderr).toContain(`is serving ${cli.dir}`);
    } finally {
      await stopLogdock(serve);
    }
  });
});

describe('which data directory a command uses', () => {
  it("follows the default folder's pointer to a running Logdock and says on stderr what it uses", async () => {
    // A home of the test's own: the default folder is <config>/Logdock, pointing elsewhere.
    const { LOGDOCK_DATA_DIR: _unset, ...rest } = process.env;
    const env = { ...rest, XDG_CONFIG_HOME: join(cli.dir, 'config') };
    const target = join(cli.dir, 'chosen');
    await saveDataDirPointer(join(cli.dir, 'config', 'Logdock'), target);

    const created = await runCli(['topics', '--create', '--topic', 'app'], '', env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain(
      `logdock: using data directory ${target} (no Logdock is serving it)`,
    );
    expect(existsSync(join(target, 'app-0'))).toBe(true);

    const serve = spawnLogdock(['serve', ...serveArgs(target).slice(2)], { env });
    try {
      await waitForUrl(serve);
      const produced = await runCli(['produce', '--topic', 'app'], 'one\ntwo\n', env);
      expect(produced.code, produced.stderr).toBe(0);
      expect(produced.stderr).toMatch(
        new RegExp(
          `logdock: using the Logdock \\(pid ${serve.child.pid}\\) serving ${target} at ws://127\\.0\\.0\\.1:\\d+`,
        ),
      );
      // consume cannot share the directory; its hint names the listener's real port.
      const consumed = await runCli(['consume', '--topic', 'app'], '', env);
      expect(consumed.code).toBe(1);
      const port = /kcat -b 127\.0\.0\.1:(\d+) -C -t app/.exec(consumed.stderr)?.[1];
      expect(port, consumed.stderr).toBeDefined();
      expect(serve.err() + serve.out()).toContain(`127.0.0.1:${port}`);
    } finally {
      await stopLogdock(serve);
    }
    const listed = await runCli(['topics', '--list'], '', {
      ...env,
      LOGDOCK_DATA_DIR: join(cli.dir, 'env'),
    });
    expect(listed.stderr).toContain(`using data directory ${join(cli.dir, 'env')} (no`);
    expect(listed.stdout).toBe('');
  });
});
