import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogdockError } from '../../../src/common/errors';
import { serveShips } from '../../../src/main/shipping/cli';

// What `serve --ship` and a --config file's `ship:` list give, checked before anything opens.

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function configFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'logdock-ship-cli-'));
  dirs.push(dir);
  await writeFile(join(dir, 'logdock.yaml'), text);
  return join(dir, 'logdock.yaml');
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LogdockError);
  return err as LogdockError;
}

describe('serveShips', () => {
  it('joins the ship list of a config file and --ship options', async () => {
    const config = await configFile(
      'sources: []\nship:\n  - topic: app\n    to: cluster://prod/team-logs\n',
    );
    expect(
      await serveShips({ config, ship: ['audit=kafka://10.0.0.1:9092,[::1]:9093/audit'] }),
    ).toEqual([
      { topic: 'app', to: 'cluster://prod/team-logs' },
      { topic: 'audit', to: 'kafka://10.0.0.1:9092,[::1]:9093/audit' },
    ]);
  });

  it('names the field of a bad ship in a config file, and the option of a bad --ship', async () => {
    const config = await configFile('ship:\n  - topic: app\n    to: kafka://host/t\n');
    const fromFile = await failure(serveShips({ config }));
    expect(fromFile.code).toBe('INVALID_CONFIG');
    expect(fromFile.message).toMatch(/logdock\.yaml: ship\.0\.to: .*host:port/);
    for (const spec of [
      'app',
      '=kafka://h:1/t',
      'app=kafka://h:99999/t',
      'app=kafka://h:1/',
      'a b=kafka://h:1/t',
    ]) {
      const bad = await failure(serveShips({ ship: [spec] }));
      expect(bad.code).toBe('INVALID_ARGUMENT');
      expect(bad.message).toContain(`--ship ${spec}`);
    }
    const twice = await failure(serveShips({ ship: ['app=kafka://h:1/a', 'app=kafka://h:1/b'] }));
    expect(twice.message).toMatch(/topic app is shipped twice/);
  });
});
