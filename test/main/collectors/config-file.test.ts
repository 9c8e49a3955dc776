import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTailSpec, serveSources } from '../../../src/main/collectors';
import { tempDir } from './helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('logdock-config-')));
afterEach(() => cleanup());

describe('serve --config and --tail', () => {
  it('reads JSON config files and TOPIC=GLOB shorthands, relative paths resolved', async () => {
    await writeFile(
      join(dir, 'c.json'),
      JSON.stringify({
        sources: [{ type: 'command', id: 'w', topic: 'w', command: 'node', cwd: 'svc' }],
      }),
    );
    const sources = await serveSources({ config: 'c.json', tail: ['web=logs/**/*.log'] }, dir);
    expect(sources).toMatchObject([
      { type: 'command', id: 'w', cwd: join(dir, 'svc'), restart: 'on-failure' },
      {
        type: 'file',
        id: 'tail-web',
        topic: 'web',
        include: [join(dir, 'logs/**/*.log')],
        startAt: 'beginning',
      },
    ]);
  });

  it('names the file and field of a mistake, and a missing file', async () => {
    await writeFile(
      join(dir, 'bad.yaml'),
      'sources:\n  - type: syslog\n    id: s\n    topic: s\n    port: 70000\n',
    );
    await expect(serveSources({ config: 'bad.yaml' }, dir)).rejects.toThrow(
      /bad\.yaml: sources\.0\.port/,
    );
    await expect(serveSources({ config: 'nope.yaml' }, dir)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(() => parseTailSpec('bad topic!=x')).toThrow(/--tail bad topic!=x: topic/);
  });
});
