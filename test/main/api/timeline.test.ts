import { readFile } from 'node:fs/promises';
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
const TOPICS = ['web', 'api', 'db'];

async function rejection(p: Promise<unknown>): Promise<LogdockError> {
  try {
    await p;
  } catch (err) {
    return err as LogdockError;
  }
  throw new Error('expected a rejection');
}

/**
 * Three services: web (2 partitions), api (1), db (3), each message stamped so that every
 * fifth timestamp is shared by all of them (the same request seen by each service).
 */
async function threeServices() {
  const partitions = [2, 1, 3];
  for (const [t, topic] of TOPICS.entries()) {
    await h.broker.createTopic(topic, { partitions: partitions[t] });
    for (let p = 0; p < partitions[t]; p++) {
      const items = Array.from({ length: 120 }, (_, i) => ({
        timestamp: T0 + (i % 5 === 0 ? i * 10 : i * 10 + t * 3 + p + 1),
        value: JSON.stringify({ service: topic, p, i, request: `r${i}` }),
      }));
      await fill(h.broker, topic, p, items);
    }
  }
}

const id = (r: MessageRow) => `${r.topic}/${r.partition}:${r.offset}`;

/** The merge order by definition: time, then topic in the order given, partition, offset. */
function expectedOrder(rows: MessageRow[]): string[] {
  return [...rows]
    .sort(
      (a, b) =>
        a.timestamp - b.timestamp ||
        TOPICS.indexOf(a.topic!) - TOPICS.indexOf(b.topic!) ||
        a.partition - b.partition ||
        a.offset - b.offset,
    )
    .map(id);
}

describe('timeline.window', () => {
  it('merges every partition of several topics by time, each row naming its topic, ties in the order the topics were given', async () => {
    await threeServices();
    const all = await h.client.call('timeline.window', { topics: TOPICS, start: 0, count: 1000 });
    expect(all.total).toBe(720);
    expect(all.rows).toHaveLength(720);
    expect(new Set(all.rows.map(id)).size).toBe(720);
    const expected = expectedOrder(all.rows);
    expect(all.rows.map(id)).toEqual(expected);
    // The first shared timestamp: web 0, web 1, api 0, db 0, db 1, db 2.
    expect(all.rows.slice(0, 6).map((r) => `${r.topic}/${r.partition}`)).toEqual([
      'web/0',
      'web/1',
      'api/0',
      'db/0',
      'db/1',
      'db/2',
    ]);
    expect(all.lanes.map((l) => `${l.topic}/${l.partition}`)).toEqual([
      'web/0',
      'web/1',
      'api/0',
      'db/0',
      'db/1',
      'db/2',
    ]);
    // Windows starting anywhere, inside runs of equal timestamps too, line up exactly.
    for (const start of [0, 1, 3, 5, 6, 7, 359, 600, 715]) {
      const w = await h.client.call('timeline.window', { topics: TOPICS, start, count: 9 });
      expect(w.rows.map(id)).toEqual(expected.slice(start, start + 9));
      expect(w.rows.map((r) => r.index)).toEqual(w.rows.map((_, i) => start + i));
    }
  });

  it('refuses an unknown topic naming it, and a topic named twice', async () => {
    await threeServices();
    const e = await rejection(
      h.client.call('timeline.window', { topics: ['web', 'nope'], start: 0, count: 1 }),
    );
    expect(e.code).toBe('UNKNOWN_TOPIC');
    expect(e.message).toMatch(/nope/);
    const e2 = await rejection(
      h.client.call('timeline.window', { topics: ['web', 'web'], start: 0, count: 1 }),
    );
    expect(e2.code).toBe('INVALID_ARGUMENT');
    expect(e2.message).toMatch(/each topic once/);
  });
});

describe('timeline.window after a seek', () => {
  it('shows the same rows a page before a located time as a read from the start, before and after the topics grow', async () => {
    await threeServices();
    const check = async () => {
      const all = await h.client.call('timeline.window', {
        topics: TOPICS,
        start: 0,
        count: 1000,
      });
      for (const at of [7, 123, 401, 655]) {
        // A seek: locate the time, then the windows a page before it (what the table asks).
        const { index } = await h.client.call('timeline.locate', {
          topics: TOPICS,
          target: { kind: 'timestamp', timestamp: all.rows[at].timestamp },
        });
        for (const back of [0, 1, 3, 37, 99]) {
          const start = Math.max(0, index - back);
          const w = await h.client.call('timeline.window', {
            topics: TOPICS,
            start,
            count: 20,
          });
          expect(w.rows.map(id)).toEqual(all.rows.slice(start, start + 20).map(id));
        }
      }
      return all.total;
    };
    expect(await check()).toBe(720);
    // Later messages in two topics: the lanes' ends move, and what was learnt of them with it.
    await fill(h.broker, 'api', 0, [{ timestamp: T0 + 5000, value: 'late api' }]);
    await fill(h.broker, 'web', 1, [
      { timestamp: T0 + 4000, value: 'late web' },
      { timestamp: T0 + 6000, value: 'later web' },
    ]);
    expect(await check()).toBe(723);
    const tail = await h.client.call('timeline.window', { topics: TOPICS, start: 720, count: 5 });
    expect(tail.rows.map((r) => r.value!.text)).toEqual(['late web', 'late api', 'later web']);
  });
});

describe('timeline.locate', () => {
  it('puts a time and a topic offset at the row the merged window shows them', async () => {
    await threeServices();
    const all = await h.client.call('timeline.window', { topics: TOPICS, start: 0, count: 1000 });
    for (const at of [0, 5, 6, 123, 400, 719]) {
      const row = all.rows[at];
      const byOffset = await h.client.call('timeline.locate', {
        topics: TOPICS,
        target: { kind: 'offset', topic: row.topic!, partition: row.partition, offset: row.offset },
      });
      expect(byOffset.index).toBe(at);
      const byTime = await h.client.call('timeline.locate', {
        topics: TOPICS,
        target: { kind: 'timestamp', timestamp: row.timestamp },
      });
      // The first row stamped that time.
      expect(byTime.index).toBe(all.rows.findIndex((r) => r.timestamp === row.timestamp));
    }
    const late = await h.client.call('timeline.locate', {
      topics: TOPICS,
      target: { kind: 'timestamp', timestamp: T0 + 3_600_000 },
    });
    expect(late).toMatchObject({ index: 719, total: 720 });
    expect(late.note).toMatch(/no message at or after/);
  });

  it('says what is wrong with an offset: no topic, a topic not shown, an offset outside the log', async () => {
    await threeServices();
    const e = await rejection(
      h.client.call('timeline.locate', {
        topics: TOPICS,
        target: { kind: 'offset', offset: 3 } as never,
      }),
    );
    expect(e.code).toBe('INVALID_ARGUMENT');
    const e2 = await rejection(
      h.client.call('timeline.locate', {
        topics: ['web', 'api'],
        target: { kind: 'offset', topic: 'db', partition: 0, offset: 3 },
      }),
    );
    expect(e2.code).toBe('UNKNOWN_TOPIC');
    expect(e2.message).toBe('topic db is not in the timeline of web, api');
    const e3 = await rejection(
      h.client.call('timeline.locate', {
        topics: TOPICS,
        target: { kind: 'offset', topic: 'api', partition: 0, offset: 500 },
      }),
    );
    expect(e3.code).toBe('OFFSET_OUT_OF_RANGE');
    expect(e3.message).toBe(
      'offset 500 is outside partition 0 of topic api: valid offsets are 0 to 119',
    );
  });
});

describe('timeline.tail', () => {
  it('reports the new total when any of the topics grows, and fails at once for an unknown topic', async () => {
    await threeServices();
    const events = collect(h.client, 'timeline.tail', { topics: TOPICS }, (ev) =>
      ev.some((e) => e.total === 721),
    );
    await fill(h.broker, 'db', 2, [{ timestamp: T0 + 5000, value: 'late' }]);
    const got = await events;
    const last = got[got.length - 1];
    expect(last.lanes.find((l) => l.topic === 'db' && l.partition === 2)?.logEndOffset).toBe(121);
    const err = await rejection(
      collect(h.client, 'timeline.tail', { topics: ['web', 'gone'] }, () => true),
    );
    expect(err.code).toBe('UNKNOWN_TOPIC');
  });
});

describe('timeline.tail for a following view (newest)', () => {
  it('brings the newest rows merged by time, each naming its topic, the same as a window of them', async () => {
    await threeServices();
    const newest = { count: 30, pageSize: 100, previewBytes: 64 };
    const events = collect(h.client, 'timeline.tail', { topics: TOPICS, newest }, (ev) =>
      ev.some((e) => e.total === 721),
    );
    await fill(h.broker, 'db', 2, [{ timestamp: T0 + 5000, value: 'late' }]);
    const last = (await events).find((e) => e.total === 721)!;
    expect(last.newest?.start).toBe(600);
    const window = await h.client.call('timeline.window', {
      topics: TOPICS,
      start: 600,
      count: 121,
      previewBytes: 64,
    });
    expect(last.newest?.rows.map(id)).toEqual(window.rows.map(id));
    expect(last.newest?.rows.at(-1)?.value?.text).toBe('late');
  });
});

describe('timeline.search', () => {
  it('streams the hits of every topic merged by time, each naming its topic, with progress, then done', async () => {
    await threeServices();
    const events = await collect(
      h.client,
      'timeline.search',
      { topics: TOPICS, query: { text: 'r1' }, maxResults: 10_000 },
      (ev) => ev.some((e) => e.type === 'done' || e.type === 'error'),
    );
    const hits = events.flatMap((e) => (e.type === 'hits' ? e.hits : []));
    // request r1, r10..r19, r100..r119 in every one of the 6 partitions
    expect(hits).toHaveLength(6 * 31);
    expect(hits.every((x) => JSON.parse(x.value!.text).request.startsWith('r1'))).toBe(true);
    expect(hits.map(id)).toEqual(expectedOrder(hits));
    expect(events.find((e) => e.type === 'done')).toMatchObject({
      reason: 'complete',
      matched: 186,
      scanned: 720,
    });
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress[progress.length - 1]).toMatchObject({ scanned: 720, total: 720 });
  });

  it('stops at maxResults and goes on after the last hit, in the same order as one search', async () => {
    await threeServices();
    const search = async (after?: { topic: string; partition: number; offset: number }) => {
      const events = await collect(
        h.client,
        'timeline.search',
        { topics: TOPICS, query: { text: 'r' }, maxResults: 100, ...(after ? { after } : {}) },
        (ev) => ev.some((e) => e.type === 'done' || e.type === 'error'),
      );
      return events.flatMap((e) => (e.type === 'hits' ? e.hits : []));
    };
    const seen: MessageRow[] = [];
    let page = await search();
    while (page.length > 0) {
      seen.push(...page);
      const last = page[page.length - 1];
      page = await search({ topic: last.topic!, partition: last.partition, offset: last.offset });
    }
    expect(seen).toHaveLength(720);
    expect(seen.map(id)).toEqual(expectedOrder(seen));
  });

  it('searches a time window only, and refuses an offset range or an unknown topic', async () => {
    await threeServices();
    const events = await collect(
      h.client,
      'timeline.search',
      {
        topics: TOPICS,
        range: { kind: 'time', from: T0 + 200, to: T0 + 400 },
        query: { filter: 'service == "api" || service == "db"' },
      },
      (ev) => ev.some((e) => e.type === 'done' || e.type === 'error'),
    );
    const hits = events.flatMap((e) => (e.type === 'hits' ? e.hits : []));
    // i in 20..39 of api (1 partition) and db (3)
    expect(hits).toHaveLength(4 * 20);
    expect(hits.map(id)).toEqual(expectedOrder(hits));
    expect(new Set(hits.map((x) => x.topic))).toEqual(new Set(['api', 'db']));
    const offsets = await rejection(
      collect(
        h.client,
        'timeline.search',
        { topics: TOPICS, range: { kind: 'offsets', from: 0, to: 5 }, query: { text: 'x' } },
        () => true,
      ),
    );
    expect(offsets.code).toBe('INVALID_ARGUMENT');
    expect(offsets.message).toMatch(/all messages or a time window/);
    const unknown = await rejection(
      collect(
        h.client,
        'timeline.search',
        { topics: ['web', 'gone'], query: { text: 'x' } },
        () => true,
      ),
    );
    expect(unknown.code).toBe('UNKNOWN_TOPIC');
  });
});

describe('timeline.export', () => {
  it('writes every topic merged by time to JSON Lines, each record naming its topic', async () => {
    await threeServices();
    const events = await collect(
      h.client,
      'timeline.export',
      { topics: TOPICS, format: 'jsonl', fileName: 'services.jsonl' },
      (ev) => ev.some((e) => e.type === 'done' || e.type === 'error'),
    );
    expect(events.find((e) => e.type === 'done')).toMatchObject({
      written: 720,
      path: join(h.dir, 'exports', 'services.jsonl'),
    });
    const records = (await readFile(join(h.dir, 'exports', 'services.jsonl'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            topic: string;
            partition: number;
            offset: number;
            timestamp: number;
            value: string;
          },
      );
    expect(records).toHaveLength(720);
    const window = await h.client.call('timeline.window', {
      topics: TOPICS,
      start: 0,
      count: 1000,
    });
    expect(records.map((r) => `${r.topic}/${r.partition}:${r.offset}`)).toEqual(
      window.rows.map(id),
    );
    expect(JSON.parse(records[0].value)).toMatchObject({ service: 'web', i: 0 });
  });

  it("writes only a search's matches in a time window to CSV", async () => {
    await threeServices();
    const events = await collect(
      h.client,
      'timeline.export',
      {
        topics: TOPICS,
        format: 'csv',
        range: { kind: 'time', from: T0, to: T0 + 100 },
        query: { text: '"request":"r5"' },
        fileName: 'r5.csv',
      },
      (ev) => ev.some((e) => e.type === 'done' || e.type === 'error'),
    );
    expect(events.find((e) => e.type === 'done')).toMatchObject({ written: 6 });
    const rows = (await readFile(join(h.dir, 'exports', 'r5.csv'), 'utf8')).trimEnd().split('\r\n');
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 2).join('/'))).toEqual([
      'web/0',
      'web/1',
      'api/0',
      'db/0',
      'db/1',
      'db/2',
    ]);
  });
});
