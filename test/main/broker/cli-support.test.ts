import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnLogdock, stopLogdock } from '../cli/commands/serve-process';
import { useCliDataDir, waitFor } from './helpers';

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
      expect(consumed.stderr).toContain('Logdock is running on');
    } finally {
      await stopLogdock(serve);
    }
  });
});
