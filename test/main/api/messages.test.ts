import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageRow } from '../../../src/common/api/messages';
import { LogdockError } from '../../../src/common/errors';
import { collect, fill, openInspectHarness, type InspectHarness } from './inspect-harness';

let h: InspectHarness;
beforeEach(async () => {
  h = await openInspectHarness();
});
afterEach(async () => {
  await h.close();
});

const T0 = Date.parse('2026-05-01T10:00:00Z');

async function rejection(p: Promise<unknown>): Promise<LogdockError> {
  try {
    await p;
  } catch (err) {
    return err as LogdockError;
  }
  throw new Error('expected a rejection');
}

/** Three partitions with interleaved timestamps, including ties across partitions. */
async function threePartitions() {
  await h.broker.createTopic('logs', { partitions: 3 });
  for (let p = 0; p < 3; p++) {
    const items = Array.from({ length: 200 }, (_, i) => ({
      // every 10th message of each partition shares its timestamp with the others
      timestamp: T0 + (i % 10 === 0 ? i * 10 : i * 10 + p + 1),
      value: JSON.stringify({ p, i, level: i % 7 === 0 ? 'ERROR' : 'INFO', latency_ms: i }),
    }));
    await fill(h.broker, 'logs', p, items);
  }
}

function mergeOrder(rows: MessageRow[]): string[] {
  return rows.map((r) => `${r.partition}:${r.offset}`);
}

describe('messages.window', () => {
  it('refuses a window of more than 4 MiB of previews (count × previewBytes) with INVALID_ARGUMENT on count, in a timeline too', async () => {
    // 1,000 rows of 64 KiB of control bytes were a 393-million-character answer.
    await h.broker.createTopic('logs', { partitions: 1 });
    await fill(h.broker, 'logs', 0, [{ timestamp: T0, value: 'one' }]);
    const over = { start: 0, count: 1000, previewBytes: 64 * 1024 };
    for (const call of [
      h.client.call('messages.window', { topic: 'logs', ...over }),
      h.client.call('timeline.window', { topics: ['logs'], ...over }),
    ]) {
      await expect(call).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(
          /window: count: count × previewBytes may be at most 4194304/,
        ),
      });
    }
    const most = { start: 0, count: 64, previewBytes: 64 * 1024 };
    expect((await h.client.call('messages.window', { topic: 'logs', ...most })).rows).toHaveLength(
      1,
    );
    const browser = { start: 0, count: 1000, previewBytes: 400 }; // what the table asks
    expect(
      (await h.client.call('timeline.window', { topics: ['logs'], ...browser })).rows,
    ).toHaveLength(1);
  });

  it('maps rows to offsets in one partition and sends previews, not whole values', async () => {
    await h.broker.createTopic('big', {
      partitions: 1,
      configs: { 'max.message.bytes': 8 * 1024 * 1024 },
    });
    await fill(h.broker, 'big', 0, [
      { timestamp: T0, value: 'small' },
      { timestamp: T0 + 1, value: 'x'.repeat(3 * 1024 * 1024) },
      { timestamp: T0 + 2, value: 'last' },
    ]);
    const res = await h.client.call('messages.window', {
      topic: 'big',
      partitions: [0],
      start: 1,
      count: 5,
      previewBytes: 100,
    });
    expect(res.total).toBe(3);
    expect(res.rows.map((r) => [r.index, r.offset])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(res.rows[0].value).toMatchObject({
      size: 3 * 1024 * 1024,
      truncated: true,
      binary: false,
    });
    expect(res.rows[0].value!.text.length).toBe(100);
  });

  it('merges all partitions in (timestamp, partition, offset) order, the same whichever window is asked', async () => {
    await threePartitions();
    const all = await h.client.call('messages.window', { topic: 'logs', start: 0, count: 1000 });
    expect(all.total).toBe(600);
    const expected = [...all.rows]
      .sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset)
      .map((r) => `${r.partition}:${r.offset}`);
    expect(mergeOrder(all.rows)).toEqual(expected);
    expect(new Set(mergeOrder(all.rows)).size).toBe(600);
    // Windows starting anywhere, including inside a run of equal timestamps, line up exactly.
    for (const start of [0, 1, 2, 3, 29, 30, 31, 299, 597]) {
      const w = await h.client.call('messages.window', { topic: 'logs', start, count: 7 });
      expect(mergeOrder(w.rows)).toEqual(expected.slice(start, start + 7));
      expect(w.rows.map((r) => r.index)).toEqual(w.rows.map((_, i) => start + i));
    }
  });

  it('names the valid partitions when one does not exist, and the topic when it is unknown', async () => {
    await threePartitions();
    const e = await rejection(
      h.client.call('messages.window', { topic: 'logs', partitions: [7], start: 0, count: 1 }),
    );
    expect(e.code).toBe('UNKNOWN_PARTITION');
    expect(e.message).toMatch(/valid partitions are 0 to 2/);
    const e2 = await rejection(
      h.client.call('messages.window', { topic: 'nope', start: 0, count: 1 }),
    );
    expect(e2.code).toBe('UNKNOWN_TOPIC');
    const e3 = await rejection(
      h.client.call('messages.window', { topic: 'logs', start: -1, count: 1 } as never),
    );
    expect(e3.code).toBe('INVALID_ARGUMENT');
  });
});

describe('messages.locate', () => {
  it('finds offsets, times, the ends and the last N in one partition', async () => {
    await threePartitions();
    const at = (target: object, partitions: number[] | null = [1]) =>
      h.client.call('messages.locate', { topic: 'logs', partitions, target: target as never });
    expect((await at({ kind: 'offset', offset: 42 })).index).toBe(42);
    expect((await at({ kind: 'earliest' })).index).toBe(0);
    expect((await at({ kind: 'latest' })).index).toBe(199);
    expect((await at({ kind: 'lastN', n: 10 })).index).toBe(190);
    // Partition 1's message i is stamped T0 + i*10 + 2 (or T0 + i*10 for every 10th).
    expect((await at({ kind: 'timestamp', timestamp: T0 + 55 })).index).toBe(6);
    const after = await at({ kind: 'timestamp', timestamp: T0 + 10 ** 9 });
    expect(after.index).toBe(199);
    expect(after.note).toMatch(/no message at or after/);
  });

  it('puts a located offset and time at the same row as the merged window shows it', async () => {
    await threePartitions();
    const all = await h.client.call('messages.window', { topic: 'logs', start: 0, count: 1000 });
    for (const row of [all.rows[0], all.rows[31], all.rows[32], all.rows[400], all.rows[599]]) {
      const loc = await h.client.call('messages.locate', {
        topic: 'logs',
        target: { kind: 'offset', partition: row.partition, offset: row.offset },
      });
      expect(loc.index).toBe(row.index);
    }
    const t = all.rows[250].timestamp;
    const byTime = await h.client.call('messages.locate', {
      topic: 'logs',
      target: { kind: 'timestamp', timestamp: t },
    });
    expect(all.rows[byTime.index].timestamp).toBe(t);
    expect(all.rows[byTime.index - 1].timestamp).toBeLessThan(t);
  });

  it('says which offsets are valid when one is outside the log', async () => {
    await threePartitions();
    const e = await rejection(
      h.client.call('messages.locate', {
        topic: 'logs',
        partitions: [0],
        target: { kind: 'offset', offset: 500 },
      }),
    );
    expect(e.code).toBe('OFFSET_OUT_OF_RANGE');
    expect(e.message).toBe(
      'offset 500 is outside partition 0 of topic logs: valid offsets are 0 to 199',
    );
    const e2 = await rejection(
      h.client.call('messages.locate', { topic: 'logs', target: { kind: 'offset', offset: 5 } }),
    );
    expect(e2.code).toBe('INVALID_ARGUMENT');
    expect(e2.message).toMatch(/say which partition/);
    const e3 = await rejection(
      h.client.call('messages.locate', {
        topic: 'logs',
        target: { kind: 'timestamp', timestamp: Number.NaN },
      }),
    );
    expect(e3.code).toBe('INVALID_ARGUMENT');
  });
});

describe('messages.get and messages.chunk', () => {
  it('returns the detail with timestamp type and JSON flag, and the full value in chunks', async () => {
    await h.broker.createTopic('d', {
      partitions: 1,
      configs: { 'max.message.bytes': 8 * 1024 * 1024 },
    });
    const big = Array.from({ length: 150_000 }, (_, i) => `é${i}`).join(',');
    await fill(h.broker, 'd', 0, [
      { timestamp: T0, value: '{"a":{"b":[1,2]}}', key: 'k1', headers: [['host', 'web-1']] },
      { timestamp: T0, value: big },
    ]);
    const d = await h.client.call('messages.get', { topic: 'd', partition: 0, offset: 0 });
    expect(d).toMatchObject({ offset: 0, timestamp: T0, timestampType: 'CreateTime', json: true });
    expect(d.key!.text).toBe('k1');
    expect(d.headers).toEqual([
      { key: 'host', value: { text: 'web-1', size: 5, truncated: false, binary: false } },
    ]);

    const size = Buffer.byteLength(big);
    let text = '';
    let at = 0;
    let calls = 0;
    while (at < size) {
      const c = await h.client.call('messages.chunk', {
        topic: 'd',
        partition: 0,
        offset: 1,
        field: 'value',
        start: at,
        length: 100_001,
      });
      expect(c.totalBytes).toBe(size);
      text += c.data;
      at = c.end;
      calls++;
    }
    expect(calls).toBeGreaterThan(5);
    expect(text).toBe(big); // no character was cut between chunks
  });

  it('refuses offsets outside the log with the valid range', async () => {
    await h.broker.createTopic('d', { partitions: 1 });
    const e = await rejection(
      h.client.call('messages.get', { topic: 'd', partition: 0, offset: 3 }),
    );
    expect(e.code).toBe('OFFSET_OUT_OF_RANGE');
    expect(e.message).toMatch(/it is empty/);
  });
});

describe('messages.produce', () => {
  it('appends a message that reads back, with headers and key', async () => {
    await h.broker.createTopic('p', { partitions: 2 });
    const res = await h.client.call('messages.produce', {
      topic: 'p',
      partition: 1,
      key: 'k',
      value: '{"ok":true}',
      headers: [{ key: 'h', value: 'v' }],
      valueFormat: 'json',
    });
    expect(res).toEqual({ partition: 1, offset: 0 });
    const d = await h.client.call('messages.get', { topic: 'p', partition: 1, offset: 0 });
    expect(d.value!.text).toBe('{"ok":true}');
    expect(d.headers[0].key).toBe('h');
  });

  it('refuses a value that is not JSON when JSON was chosen, saying where', async () => {
    await h.broker.createTopic('p', { partitions: 1 });
    const e = await rejection(
      h.client.call('messages.produce', { topic: 'p', value: '{"a": }', valueFormat: 'json' }),
    );
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/value is not valid JSON/);
    expect(h.broker.describeTopic('p').partitions[0].logEndOffset).toBe(0);
  });

  it('refuses a message or a batch for __consumer_offsets with INVALID_TOPIC, as Kafka refuses every client', async () => {
    const end = () => h.broker.describeTopic('__consumer_offsets').partitions[0].logEndOffset;
    const before = end();
    const one = await rejection(
      h.client.call('messages.produce', { topic: '__consumer_offsets', partition: 0, value: 'x' }),
    );
    expect(one.code).toBe('INVALID_TOPIC');
    expect(one.message).toMatch(/internal topic __consumer_offsets \(partition 0\)/);
    const batch = await rejection(
      h.client.call('messages.produceBatch', {
        topic: '__consumer_offsets',
        acks: 1,
        records: [{ key: null, value: 'x' }],
      }),
    );
    expect(batch.code).toBe('INVALID_TOPIC');
    expect(end()).toBe(before);
  });
});

describe('messages.search', () => {
  it('streams every match of a filter expression with progress, then done', async () => {
    await threePartitions();
    const events = await collect(
      h.client,
      'messages.search',
      {
        topic: 'logs',
        query: { filter: 'level == "ERROR" && latency_ms > 100' },
        maxResults: 10_000,
      },
      (ev) => ev.some((e) => e.type === 'done' || e.type === 'error'),
    );
    const hits = events.flatMap((e) => (e.type === 'hits' ? e.hits : []));
    // i in 101..199 with i % 7 == 0: 105, 112, ..., 196 = 14 per partition
    expect(hits).toHaveLength(42);
    for (const hit of hits) {
      const v = JSON.parse(hit.value!.text);
      expect(v.level).toBe('ERROR');
      expect(v.latency_ms).toBeGreaterThan(100);
    }
    const done = events.find((e) => e.type === 'done')!;
    expect(done).toMatchObject({ reason: 'complete', scanned: 600, matched: 42 });
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[progress.length - 1]).toMatchObject({ scanned: 600, total: 600 });
  });

  it('sends the hits of several partitions merged by time, as the merged view shows them', async () => {
    await threePartitions();
    const events = await collect(
      h.client,
      'messages.search',
      { topic: 'logs', query: { filter: 'level == "ERROR"' }, maxResults: 10_000 },
      (ev) => ev.some((e) => e.type === 'done' || e.type === 'error'),
    );
    const hits = events.flatMap((e) => (e.type === 'hits' ? e.hits : []));
    expect(hits).toHaveLength(87);
    const sorted = [...hits].sort(
      (a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset,
    );
    expect(mergeOrder(hits)).toEqual(mergeOrder(sorted));
    // i = 0 is stamped alike in every partition: partition order breaks the tie.
    expect(mergeOrder(hits.slice(0, 4))).toEqual(['0:0', '1:0', '2:0', '0:7']);
  });

  it('goes on after the last hit it sent, so a search stopped at its limit shows more', async () => {
    await threePartitions();
    const search = async (after?: { partition: number; offset: number }) => {
      const events = await collect(
        h.client,
        'messages.search',
        {
          topic: 'logs',
          query: { filter: 'level == "ERROR"' },
          maxResults: 20,
          ...(after ? { after } : {}),
        },
        (ev) => ev.some((e) => e.type === 'done'),
      );
      return events.flatMap((e) => (e.type === 'hits' ? e.hits : []));
    };
    // i % 7 == 0 of 0..199: 29 per partition, 87 in all
    const seen: string[] = [];
    let page = await search();
    while (page.length > 0) {
      seen.push(...page.map((x) => `${x.partition}:${x.offset}`));
      const last = page[page.length - 1];
      page = await search({ partition: last.partition, offset: last.offset });
    }
    // Merged by time: i ascending (stamped i * 10 + p + 1, or alike when i % 10 == 0), then partition.
    const expected = Array.from({ length: 200 }, (_, i) => i)
      .filter((i) => i % 7 === 0)
      .flatMap((i) => [0, 1, 2].map((p) => `${p}:${i}`));
    expect(seen).toEqual(expected);
  });

  it('searches only a time window or an offset range when asked', async () => {
    await threePartitions();
    const byTime = await collect(
      h.client,
      'messages.search',
      {
        topic: 'logs',
        partitions: [0],
        range: { kind: 'time', from: T0 + 500, to: T0 + 1000 },
        query: { text: 'INFO' },
      },
      (ev) => ev.some((e) => e.type === 'done'),
    );
    const hits = byTime.flatMap((e) => (e.type === 'hits' ? e.hits : []));
    expect(hits.every((x) => x.timestamp >= T0 + 500 && x.timestamp < T0 + 1000)).toBe(true);
    expect(hits.length).toBe(
      50 - Array.from({ length: 50 }, (_, k) => 50 + k).filter((i) => i % 7 === 0).length,
    );
    const byOffset = await collect(
      h.client,
      'messages.search',
      {
        topic: 'logs',
        partitions: [2],
        range: { kind: 'offsets', from: 10, to: 20 },
        query: { regex: '"i":1\\d\\b' },
      },
      (ev) => ev.some((e) => e.type === 'done'),
    );
    expect(byOffset.flatMap((e) => (e.type === 'hits' ? e.hits.map((x) => x.offset) : []))).toEqual(
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    );
  });

  it('stops at maxResults and reports the limit', async () => {
    await threePartitions();
    const events = await collect(
      h.client,
      'messages.search',
      { topic: 'logs', query: { text: 'info' }, maxResults: 5 },
      (ev) => ev.some((e) => e.type === 'done'),
    );
    expect(events.flatMap((e) => (e.type === 'hits' ? e.hits : []))).toHaveLength(5);
    expect(events.find((e) => e.type === 'done')).toMatchObject({ reason: 'limit' });
  });

  it('answers other requests while a long search runs, the scanning being in worker threads', async () => {
    await h.broker.createTopic('long', { partitions: 1 });
    const lines = Array.from({ length: 60_000 }, (_, i) => ({
      timestamp: 1000 + i,
      value: `request ${i} served in ${i % 500} ms`,
    }));
    await fill(h.broker, 'long', 0, lines);
    const events: string[] = [];
    let answered = false;
    const done = new Promise<void>((resolve, reject) => {
      const stop = h.client.subscribe(
        'messages.search',
        { topic: 'long', query: { text: 'NOT THERE' } },
        (e) => {
          events.push(e.type);
          if (e.type === 'progress' && e.scanned === 0 && events.length === 1) {
            // The scan has started: the API must still answer, before the scan ends.
            void h.client.call('topics.list', {}).then((topics) => {
              answered = topics.topics.some((t) => t.name === 'long');
              events.push('topics.list');
            });
          }
          if (e.type === 'done') {
            stop();
            resolve();
          }
        },
        (err) => reject(new Error(err.message)),
      );
    });
    await done;
    expect(answered).toBe(true);
    expect(events.indexOf('topics.list')).toBeLessThan(events.indexOf('done'));
    expect(events[events.length - 1]).toBe('done');
  });

  it('fails at once with what is wrong for an invalid regex or filter', async () => {
    await threePartitions();
    await expect(
      collect(h.client, 'messages.search', { topic: 'logs', query: { regex: '(' } }, () => true),
    ).rejects.toThrow(/regex: invalid regular expression/);
    await expect(
      collect(
        h.client,
        'messages.search',
        { topic: 'logs', query: { filter: 'level ==' } },
        () => true,
      ),
    ).rejects.toThrow(
      /filter: expected a value after ==, found the end of the expression at character 9/,
    );
    const check = await h.client.call('messages.checkQuery', { query: { filter: 'a > > 1' } });
    expect(check.error).toMatchObject({ field: 'filter', position: 4 });
  });
});

describe('messages.tail', () => {
  it('reports the new end when messages arrive', async () => {
    await h.broker.createTopic('t', { partitions: 2 });
    const events = collect(h.client, 'messages.tail', { topic: 't', partitions: null }, (ev) =>
      ev.some((e) => e.total === 3),
    );
    await h.client.call('messages.produce', { topic: 't', partition: 0, value: 'a' });
    await h.client.call('messages.produce', { topic: 't', partition: 1, value: 'b' });
    await h.client.call('messages.produce', { topic: 't', partition: 1, value: 'c' });
    const got = await events;
    expect(got[got.length - 1].partitions).toEqual([
      { partition: 0, logStartOffset: 0, logEndOffset: 1 },
      { partition: 1, logStartOffset: 0, logEndOffset: 2 },
    ]);
  });
});

describe('messages.tail for a following view (newest)', () => {
  const newest = { count: 30, pageSize: 100, previewBytes: 64 };

  it("brings the rows from the page holding the view's last `count` rows to its end", async () => {
    await h.broker.createTopic('t', { partitions: 1 });
    await h.client.call('messages.produceBatch', {
      topic: 't',
      partition: 0,
      records: Array.from({ length: 250 }, (_, i) => ({ key: null, value: `line ${i}` })),
    });
    const [first] = await collect(
      h.client,
      'messages.tail',
      { topic: 't', partitions: null, newest },
      (ev) => ev.length >= 1,
    );
    expect(first.total).toBe(250);
    expect(first.newest?.start).toBe(200);
    expect(first.newest?.rows.map((r) => r.index)).toEqual(
      Array.from({ length: 50 }, (_, i) => 200 + i),
    );
    expect(first.newest?.rows[49].value?.text).toBe('line 249');
  });

  it('sends a burst of 20,000 messages as few events, each reaching its own total with at most count + pageSize - 1 rows', async () => {
    await h.broker.createTopic('t', { partitions: 2 });
    const events = collect(
      h.client,
      'messages.tail',
      { topic: 't', partitions: null, newest },
      (ev) => ev.some((e) => e.total === 20_000),
    );
    for (let b = 0; b < 20; b++)
      await h.client.call('messages.produceBatch', {
        topic: 't',
        partition: b % 2,
        acks: 1,
        records: Array.from({ length: 1000 }, (_, i) => ({ key: null, value: `m ${b} ${i}` })),
      });
    const got = await events;
    // At most one event per 100 ms: far fewer than the 20 sends.
    expect(got.length).toBeLessThanOrEqual(21);
    for (const e of got) {
      const { start, rows } = e.newest!;
      expect(start % newest.pageSize).toBe(0);
      expect(rows.length).toBeLessThanOrEqual(newest.count + newest.pageSize - 1);
      expect(rows.length).toBe(e.total - start);
      expect(rows.map((r) => r.index)).toEqual(rows.map((_, i) => start + i));
    }
    // Events come in order: each total at least the one before.
    expect(got.map((e) => e.total)).toEqual([...got.map((e) => e.total)].sort((a, b) => a - b));
  });

  it('refuses a newest of more rows than the contract allows', async () => {
    await h.broker.createTopic('t', { partitions: 1 });
    await expect(
      collect(
        h.client,
        'messages.tail',
        { topic: 't', partitions: null, newest: { ...newest, count: 5000 } },
        () => true,
      ),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('message streams on a missing topic or partition', () => {
  it('end with UNKNOWN_TOPIC or UNKNOWN_PARTITION before any event', async () => {
    await h.broker.createTopic('t', { partitions: 2 });
    const streams = [
      ['messages.tail', {}],
      ['messages.search', { query: { text: 'x' } }],
      ['messages.export', { format: 'jsonl' }],
    ] as const;
    for (const [name, extra] of streams) {
      const events: unknown[] = [];
      const ended = (params: object) =>
        collect(h.client, name, { ...extra, ...params } as never, (ev) => {
          events.push(...ev);
          return false;
        });
      await expect(ended({ topic: 'nope', partitions: null })).rejects.toMatchObject({
        code: 'UNKNOWN_TOPIC',
      });
      await expect(ended({ topic: 't', partitions: [5] })).rejects.toMatchObject({
        code: 'UNKNOWN_PARTITION',
      });
      expect(events).toEqual([]);
    }
  });
});

describe('messages.export', () => {
  it('writes a range to JSON Lines and the matches to CSV under exports/', async () => {
    await threePartitions();
    const jsonl = await collect(
      h.client,
      'messages.export',
      { topic: 'logs', format: 'jsonl', fileName: 'all.jsonl' },
      (ev) => ev.some((e) => e.type === 'done' || e.type === 'error'),
    );
    const done = jsonl.find((e) => e.type === 'done');
    expect(done).toMatchObject({
      written: 600,
      fileName: 'all.jsonl',
      path: join(h.dir, 'exports', 'all.jsonl'),
    });
    const lines = (await readFile(join(h.dir, 'exports', 'all.jsonl'), 'utf8'))
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(600);
    expect(JSON.parse(lines[0])).toMatchObject({ topic: 'logs', partition: 0, offset: 0 });

    const csv = await collect(
      h.client,
      'messages.export',
      {
        topic: 'logs',
        partitions: [1],
        format: 'csv',
        query: { filter: 'level == "ERROR"' },
        fileName: 'errors.csv',
      },
      (ev) => ev.some((e) => e.type === 'done' || e.type === 'error'),
    );
    expect(csv.find((e) => e.type === 'done')).toMatchObject({ written: 29 });
    const rows = (await readFile(join(h.dir, 'exports', 'errors.csv'), 'utf8'))
      .trimEnd()
      .split('\r\n');
    expect(rows[0]).toBe('topic,partition,offset,timestamp,time,key,value,encoding,headers');
    expect(rows).toHaveLength(30);
    expect(await readdir(join(h.dir, 'exports'))).toEqual(['all.jsonl', 'errors.csv']);
  });

  it('exports exactly a selection', async () => {
    await threePartitions();
    await collect(
      h.client,
      'messages.export',
      {
        topic: 'logs',
        format: 'jsonl',
        fileName: 'sel.jsonl',
        range: {
          kind: 'selection',
          items: [
            { partition: 2, offset: 7 },
            { partition: 0, offset: 3 },
          ],
        },
      },
      (ev) => ev.some((e) => e.type === 'done'),
    );
    const lines = (await readFile(join(h.dir, 'exports', 'sel.jsonl'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.partition}:${l.offset}`)).toEqual(['0:3', '2:7']);
  });

  it('refuses file names with folders', async () => {
    await threePartitions();
    await expect(
      collect(
        h.client,
        'messages.export',
        { topic: 'logs', format: 'csv', fileName: '../escape.csv' },
        () => true,
      ),
    ).rejects.toThrow(/file name may only contain/);
  });
});
