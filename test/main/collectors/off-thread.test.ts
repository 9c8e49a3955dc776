/**
 * A file source's large reads split and encoded on the ingest thread (encode-lines.ts): the
 * records are those of the inline path, byte for byte in what they hold, and a thread that
 * dies with chunks in flight loses and repeats nothing.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeSharedWorkerPool, ingestWorkerPool } from '../../../src/main/workers/pool';
import { header, readAll, useCollectors, values, waitFor } from './helpers';

const fixture = useCollectors();

beforeEach(async () => {
  await mkdir(join(fixture.dir, 'logs'));
  // Up before the source starts, so that every large read goes to it.
  ingestWorkerPool().warm();
  await waitFor('the ingest thread', () => ingestWorkerPool().ready(), 60_000);
});

afterEach(() => vi.restoreAllMocks());
afterAll(() => closeSharedWorkerPool());

/** Counts the chunks sent to the ingest thread, running them as usual. */
function countEncodeTasks(onTask: (n: number) => void = () => {}): () => number {
  const pool = ingestWorkerPool();
  const run = pool.run.bind(pool);
  let n = 0;
  vi.spyOn(pool, 'run').mockImplementation((kind, payload, transfer) => {
    const task = run(kind, payload, transfer);
    if (kind === 'encode-lines') onTask(++n);
    return task;
  });
  return () => n;
}

const source = (path: string, extra: Record<string, unknown> = {}) => ({
  type: 'file' as const,
  id: 'big',
  topic: 'big',
  include: [path],
  scanIntervalMs: 50,
  ...extra,
});

describe('file source lines encoded on the ingest thread', () => {
  it('stores what the inline path stores: byte-order mark, CRLF, invalid UTF-8, cut lines, offsets', async () => {
    const tasks = countEncodeTasks();
    const path = join(fixture.dir, 'logs', 'big.log');
    const parts: Buffer[] = [Buffer.from([0xef, 0xbb, 0xbf])];
    const expected: { text: string; start: number; end: number; cut?: number; invalid?: number }[] =
      [];
    let at = 3;
    for (let i = 0; i < 30_000; i++) {
      let raw: Buffer;
      let text: string;
      let cut: number | undefined;
      let invalid: number | undefined;
      const crlf = i % 3 === 0;
      if (i % 5000 === 17) {
        raw = Buffer.from(`long ${i} ${'L'.repeat(3000)}`);
        text = raw.subarray(0, 1000).toString();
        // A cut line's length counts its CR: the CR is only dropped from a whole line.
        cut = raw.length + (crlf ? 1 : 0);
      } else if (i % 97 === 0) {
        raw = Buffer.concat([
          Buffer.from(`bad ${i} `),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('x'),
        ]);
        text = `bad ${i} \ufffd\ufffdx`;
        invalid = 2;
      } else {
        text = `line ${i} ${'abcdefghij'.repeat(i % 9)}`;
        raw = Buffer.from(text);
      }
      const line = Buffer.concat([raw, Buffer.from(crlf ? '\r\n' : '\n')]);
      parts.push(line);
      expected.push({ text, start: at, end: at + line.length, cut, invalid });
      at += line.length;
    }
    await writeFile(path, Buffer.concat(parts));
    await fixture.manager.add(source(path, { maxLineBytes: 1000 }));
    const records = await waitFor(
      '30,000 records',
      async () => {
        const r = await readAll(fixture.broker, 'big');
        return r.length >= expected.length && r;
      },
      60_000,
    );
    expect(records.length).toBe(expected.length);
    expect(tasks()).toBeGreaterThan(1);
    const got = records.map((r) => ({
      text: r.value!.toString(),
      start: Number(header(r, 'logdock.offset')),
      end: Number(header(r, 'logdock.end')),
      cut: header(r, 'logdock.cut') === undefined ? undefined : Number(header(r, 'logdock.cut')),
      invalid:
        header(r, 'logdock.invalid-bytes') === undefined
          ? undefined
          : Number(header(r, 'logdock.invalid-bytes')),
    }));
    const mismatch = got.findIndex((g, i) => JSON.stringify(g) !== JSON.stringify(expected[i]));
    expect(mismatch, `first differing record: ${JSON.stringify(got[mismatch])}`).toBe(-1);
    expect(header(records[0], 'logdock.file')).toBe(path);
    const file = fixture.manager.status()[0].files[0];
    expect(file.linesCut).toBe(expected.filter((e) => e.cut !== undefined).length);
    expect(file.invalidBytes).toBe(expected.reduce((n, e) => n + (e.invalid ?? 0), 0));
    expect(file.position).toBe(at);
  });

  it('keeps a last line without newline until it is finished, then reads on', async () => {
    countEncodeTasks();
    const path = join(fixture.dir, 'logs', 'open.log');
    const lines = Array.from({ length: 20_000 }, (_, i) => `row ${i} ${'z'.repeat(i % 50)}`);
    await writeFile(path, lines.join('\n') + '\nunfinished');
    await fixture.manager.add(source(path));
    await waitFor(
      '20,000 records',
      async () => (await readAll(fixture.broker, 'big')).length >= lines.length,
      60_000,
    );
    await appendFile(path, ' now finished\n' + lines.join('\n') + '\n');
    const all = await waitFor(
      '40,001 records',
      async () => {
        const r = await readAll(fixture.broker, 'big');
        return r.length >= 2 * lines.length + 1 && r;
      },
      60_000,
    );
    expect(values(all)).toEqual([...lines, 'unfinished now finished', ...lines]);
  });

  it('keeps every line exactly once, in order, when the ingest thread dies with chunks in flight', async () => {
    const pool = ingestWorkerPool();
    const tasks = countEncodeTasks((n) => {
      // The thread dies while it encodes (or holds queued) chunks of the file.
      if (n === 3) void pool.liveWorkers()[0]?.terminate();
    });
    const path = join(fixture.dir, 'logs', 'dies.log');
    const lines = Array.from({ length: 60_000 }, (_, i) => `n${i} ${'q'.repeat(20 + (i % 60))}`);
    await writeFile(path, lines.join('\n') + '\n');
    await fixture.manager.add(source(path));
    const records = await waitFor(
      '60,000 records',
      async () => {
        const r = await readAll(fixture.broker, 'big');
        return r.length >= lines.length && r;
      },
      60_000,
    );
    expect(tasks()).toBeGreaterThanOrEqual(3);
    expect(values(records).join('\n') === lines.join('\n')).toBe(true);
    expect(fixture.manager.status()[0].files[0].lastError).toBeNull();
  });
});
