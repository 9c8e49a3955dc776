import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker } from '../../../src/main/broker/broker';
import { LocalCluster } from '../../../src/main/cluster';
import { CollectorManager } from '../../../src/main/collectors';
import type { StoredRecord } from '../../../src/main/storage/api';
import { header, openBroker, readAll, tempDir, waitFor } from './helpers';

// The ingestion clock, fixed so "far future" and fallbacks are exact.
const NOW = Date.UTC(2026, 11, 7, 2, 0, 0);
const T = (s: number) => Date.UTC(2026, 11, 7, 1, 0, s);

let dir: string;
let cleanup: () => Promise<void>;
let broker: Broker;
let manager: CollectorManager;

async function open(): Promise<void> {
  broker = await openBroker(join(dir, 'data'));
  manager = new CollectorManager({
    cluster: new LocalCluster(broker),
    dataDir: join(dir, 'data'),
    defaultSource: false,
    clock: () => NOW,
  });
  await manager.start();
}

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  await mkdir(join(dir, 'logs'));
  await open();
});

afterEach(async () => {
  await manager.close();
  await broker.close();
  await cleanup();
});

async function collect(
  name: string,
  content: string,
  extra: Record<string, unknown> = {},
): Promise<StoredRecord[]> {
  const f = join(dir, 'logs', `${name}.log`);
  await writeFile(f, content);
  await manager.add({ type: 'file', id: name, topic: name, include: [f], ...extra });
  const n = content.split('\n').length - 1;
  return waitFor(`${n} records in ${name}`, async () => {
    const r = await readAll(broker, name);
    return r.length === n && r;
  });
}

describe('event time of collected lines', () => {
  it('gives plain lines the time at their start and keeps the ingestion time in a header', async () => {
    const records = await collect(
      'plain',
      [
        '2026-12-07T01:00:05.250Z b',
        '2026-12-07 01:00:01,500 ERROR a',
        'no time here',
        '2099-01-01T00:00:00Z far future',
        'Dec  7 01:00:03 host app[1]: c',
        '127.0.0.1 - - [07/Dec/2026:02:00:04 +0100] "GET / HTTP/1.1" 200 5',
        '',
      ].join('\n'),
      { timezone: 'UTC' },
    );
    expect(records.map((r) => r.timestamp)).toEqual([T(5) + 250, T(1) + 500, NOW, NOW, T(3), T(4)]);
    expect(records.map((r) => header(r, 'logdock.ingest-time'))).toEqual([
      String(NOW),
      String(NOW),
      undefined,
      undefined,
      String(NOW),
      String(NOW),
    ]);
  });

  it('takes JSON ts (epoch ms), @timestamp and logfmt ts from parsed lines', async () => {
    const json = await collect(
      'json',
      `{"ts":${T(7)},"msg":"a"}\n{"@timestamp":"2026-12-07T01:00:02Z","msg":"b"}\n{"msg":"c"}\n`,
      { parser: { type: 'json' } },
    );
    expect(json.map((r) => r.timestamp)).toEqual([T(7), T(2), NOW]);
    expect(header(json[0], 'logdock.ingest-time')).toBe(String(NOW));
    const logfmt = await collect('logfmt', 'ts=2026-12-07T01:00:09Z msg=x\nts=banana msg=y\n', {
      parser: { type: 'logfmt' },
    });
    expect(logfmt.map((r) => r.timestamp)).toEqual([T(9), NOW]);
    expect(header(logfmt[1], 'field.ts')).toBe('banana');
  });

  it('keeps the ingestion time when the source says so', async () => {
    const records = await collect('off', '2026-12-07T01:00:05Z b\n{"ts":1}\n', {
      timeFromLine: false,
    });
    expect(records.map((r) => r.timestamp)).toEqual([NOW, NOW]);
    expect(records.every((r) => header(r, 'logdock.ingest-time') === undefined)).toBe(true);
  });

  it.each([
    ['plain lines (batches encoded in place)', {}],
    [
      'parsed lines',
      { parser: { type: 'regex', pattern: '^(?P<timestamp>\\S+) (?P<message>.*)$' } },
    ],
  ])(
    'seeks by time in a batch of out-of-order times, also after a restart: %s',
    async (_, extra) => {
      // One chunk, one batch: the last record has neither the largest nor the smallest time.
      const records = await collect(
        'ooo',
        '2026-12-07T01:00:05Z a\n2026-12-07T01:00:01Z b\n2026-12-07T01:00:03Z c\n',
        extra,
      );
      expect(records.map((r) => r.timestamp)).toEqual([T(5), T(1), T(3)]);
      const seek = async () =>
        Promise.all([0, 1, 2, 4, 5, 6].map((s) => broker.offsetForTimestamp('ooo', 0, T(s))));
      // Kafka's rule: the first offset whose timestamp is >= the one asked.
      const expected = [0, 0, 0, 0, 0, null];
      expect(await seek()).toEqual(expected);
      await manager.close();
      await broker.close();
      await open();
      expect(await seek()).toEqual(expected);
    },
  );
});
