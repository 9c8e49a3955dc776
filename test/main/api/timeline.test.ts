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
