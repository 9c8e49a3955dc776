import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTailSpec, serveSources } from '../../../src/main/collectors';
import { TailSpecs } from '../../../src/main/collectors/tail-options';
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

  it('turns the options of a --tail into parser, multiline and time fields the schema checks', () => {
    const s = parseTailSpec('web=/var/log/web/*.log', '/', {
      parser: 'regex:^(?P<level>\\w+) (?P<message>.*)$',
      multiline: '^\\d{4}-',
      timezone: 'Europe/Paris',
      timeFromLine: false,
    });
    expect(s).toMatchObject({
      parser: { type: 'regex', pattern: '^(?P<level>\\w+) (?P<message>.*)$' },
      multiline: { mode: 'start', pattern: '^\\d{4}-' },
      timezone: 'Europe/Paris',
      timeFromLine: false,
    });
    expect(parseTailSpec('w=x', '/', { parser: 'nginx', multiline: 'go' })).toMatchObject({
      parser: { type: 'preset', preset: 'nginx' },
      multiline: { preset: 'go' },
      timeFromLine: true,
    });
    expect(() => parseTailSpec('w=x', '/', { timezone: 'Mars/Base' })).toThrow(
      /--tail w=x: timezone: unknown time zone/,
    );
    expect(() => parseTailSpec('w=x', '/', { multiline: '(' })).toThrow(/multiline\.pattern/);
  });

  it('applies options to the --tail before them, and refuses one before any or given twice', () => {
    const t = new TailSpecs();
    expect(() => t.option('parser', 'json')).toThrow(/--parser applies to a --tail before it/);
    t.tail('a=x');
    t.option('parser', 'json');
    t.option('no-time-from-line');
    t.tail('b=y');
    t.option('multiline', 'java');
    expect(() => t.option('multiline', 'go')).toThrow(/--multiline given twice for --tail b=y/);
    expect(t.specs).toEqual([
      { spec: 'a=x', parser: 'json', timeFromLine: false },
      { spec: 'b=y', multiline: 'java' },
    ]);
  });
});
