import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { header, openBroker, readAll } from '../../collectors/helpers';
import { connectRunningLogdock } from '../../../../src/main/headless/api-file';
import { waitFor } from '../../../wait';
import { serveArgs, spawnLogdock, stopLogdock, waitForUrl } from './serve-process';

describe('logdock serve --tail with parser, multiline and time options', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'logdock-serve-tail-'));
    await mkdir(join(dir, 'billing'));
    await mkdir(join(dir, 'app'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('applies each option to the --tail before it', { timeout: 120_000 }, async () => {
    await writeFile(
      join(dir, 'billing', 'b.log'),
      '{"ts":"2026-12-07T01:02:03Z","level":"warn","msg":"card declined","user":"ann"}\n',
    );
    await writeFile(
      join(dir, 'app', 'a.log'),
      [
        '2026-12-07 01:02:04,500 ERROR boom',
        'Caused by: java.lang.IllegalStateException: x',
        '\tat a.B.c(B.java:1)',
        '2026-12-07 01:02:05,000 INFO next',
        '',
      ].join('\n'),
    );
    const dataDir = join(dir, 'data');
    const run = spawnLogdock([
      'serve',
      ...serveArgs(dataDir),
      '--tail',
      `billing=${join(dir, 'billing', '*.log')}`,
      '--parser',
      'json',
      '--no-time-from-line',
      '--tail',
      `app=${join(dir, 'app', '*.log')}`,
      '--multiline',
      'java',
      '--timezone',
      'UTC',
    ]);
    try {
      await waitForUrl(run);
      // Each file read to its end (an open multi-line event is not), through the API.
      const running = (await connectRunningLogdock(dataDir))!;
      try {
        await waitFor(
          async () => {
            const sources = await running.client.call('collectors.list', {});
            const done = (id: string) => {
              const files = sources.find((x) => x.config.id === id)?.status.files ?? [];
              return files.length === 1 && files[0].position === files[0].size;
            };
            return done('tail-billing') && done('tail-app');
          },
          'the lines of both --tail sources',
          { timeoutMs: 60_000 },
        );
      } finally {
        running.client.close();
      }
    } finally {
      expect(await stopLogdock(run)).toBe(0);
    }
    const broker = await openBroker(dataDir);
    try {
      const [b] = await readAll(broker, 'billing');
      expect(header(b, 'level')).toBe('warn');
      expect(header(b, 'field.user')).toBe('ann');
      // --no-time-from-line: the ingestion time, though the line has one.
      expect(b.timestamp).toBeGreaterThan(Date.UTC(2026, 11, 7, 1, 2, 3));
      expect(header(b, 'logdock.ingest-time')).toBeUndefined();
      // Two events; the last is sent once no line has followed for flushMs.
      const app = await readAll(broker, 'app');
      expect(app[0].value!.toString()).toBe(
        '2026-12-07 01:02:04,500 ERROR boom\nCaused by: java.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)',
      );
      expect(app.map((r) => r.timestamp)).toEqual([
        Date.UTC(2026, 11, 7, 1, 2, 4, 500),
        Date.UTC(2026, 11, 7, 1, 2, 5),
      ]);
      expect(header(app[0], 'logdock.ingest-time')).toBeDefined();
    } finally {
      await broker.close();
    }
  });

  it('refuses an option before any --tail and an unknown parser, naming them', async () => {
    const early = spawnLogdock(['serve', ...serveArgs(join(dir, 'd1')), '--parser', 'json']);
    expect(await early.exited).toBe(1);
    expect(early.err()).toContain('--parser applies to a --tail before it');
    const bad = spawnLogdock([
      'serve',
      ...serveArgs(join(dir, 'd2')),
      '--tail',
      'x=/tmp/*.log',
      '--parser',
      'yaml',
    ]);
    expect(await bad.exited).toBe(1);
    expect(bad.err()).toContain('--parser must be plain, json, logfmt');
  });
});
