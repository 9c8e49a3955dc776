import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { journalCliSource, otlpCliSource } from '../../../src/main/collectors/cli-sources';
import { writeJournal } from './journald/journal-writer';
import { spawnLogdock, serveArgs, stopLogdock, waitForUrl } from '../cli/commands/serve-process';
import { openBroker, readAll, tempDir, waitFor } from './helpers';

describe('serve --otlp', () => {
  it('reads [[HOST:]PORT] with 127.0.0.1:4318 and topic otel-logs as defaults, and refuses anything else', () => {
    expect(otlpCliSource(true)).toMatchObject({
      type: 'otlp',
      host: '127.0.0.1',
      port: 4318,
      topic: 'otel-logs',
    });
    expect(otlpCliSource('4400')).toMatchObject({ host: '127.0.0.1', port: 4400 });
    expect(otlpCliSource('0.0.0.0:0')).toMatchObject({ host: '0.0.0.0', port: 0 });
    expect(otlpCliSource('[::1]:4318')).toMatchObject({ host: '::1', port: 4318 });
    expect(() => otlpCliSource('host:99999')).toThrow(
      /--otlp expects \[\[HOST:\]PORT\], got "host:99999"/,
    );
    expect(() => otlpCliSource('a:b')).toThrow(/INVALID|expects/);
  });

  it('starts a receiver that stores OTLP/JSON posts in otel-logs', async () => {
    const { dir, cleanup } = await tempDir();
    const run = spawnLogdock(['serve', ...serveArgs(dir), '--otlp', '127.0.0.1:0']);
    try {
      await waitForUrl(run);
      const url = await waitFor(
        'the receiver address',
        () => /OTLP logs receiver on (http:\/\/\S+)/.exec(run.err())?.[1],
      );
      const body = {
        resourceLogs: [
          { scopeLogs: [{ logRecords: [{ body: { stringValue: 'from a service' } }] }] },
        ],
      };
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({});
    } finally {
      await stopLogdock(run);
      await cleanup();
    }
  });
});

describe('serve --journal', () => {
  it('stands for a journald source on the system journal, chosen units, or a directory, into topic journal unless told', () => {
    expect(journalCliSource({})).toBeNull();
    expect(journalCliSource({ journal: true })).toMatchObject({
      type: 'journald',
      id: 'journal',
      topic: 'journal',
      units: [],
    });
    expect(
      journalCliSource({ journal: ['a.service', 'b.service'], journalTopic: 'sys' }),
    ).toMatchObject({
      units: ['a.service', 'b.service'],
      topic: 'sys',
    });
    expect(journalCliSource({ journalDirectory: 'j' }, '/base')).toMatchObject({
      directory: '/base/j',
    });
    expect(() => journalCliSource({ journalTopic: 'x' })).toThrow(/needs --journal/);
    expect(() => journalCliSource({ journal: true, journalTopic: 'bad topic' })).toThrow(
      /INVALID|topic/,
    );
  });

  it('collects the journal files of --journal-directory into --journal-topic', async () => {
    const { dir, cleanup } = await tempDir();
    const journals = join(dir, 'journals');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(journals);
    await writeJournal(join(journals, 'exported.journal'), [
      { MESSAGE: 'one' },
      { MESSAGE: 'two' },
    ]);
    const dataDir = join(dir, 'data');
    const args = [
      'serve',
      ...serveArgs(dataDir),
      '--journal-directory',
      journals,
      '--journal-topic',
      'sys',
    ];
    try {
      // Each run stores what it read before being stopped and the next goes on after that
      // entry's cursor; within a few runs both entries are there, once each.
      let values: (string | undefined)[] = [];
      for (let runs = 0; runs < 5 && values.length < 2; runs++) {
        const run = spawnLogdock(args);
        try {
          await waitForUrl(run);
          await waitFor('the source to start', () => /collecting into sys/.test(run.err()));
        } finally {
          await stopLogdock(run);
        }
        const broker = await openBroker(dataDir);
        values = (await readAll(broker, 'sys')).map((r) => r.value?.toString());
        await broker.close();
      }
      expect(values).toEqual(['one', 'two']);
    } finally {
      await cleanup();
    }
  });
});
