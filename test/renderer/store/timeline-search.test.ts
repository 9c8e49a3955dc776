// @vitest-environment jsdom
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRow } from '../../../src/common/api/messages';
import { useAppStore } from '../../../src/renderer/src/store';
import { fill, openInspectHarness, type InspectHarness } from '../../main/api/inspect-harness';
import { waitUntil } from '../wait';

let h: InspectHarness;
const T0 = Date.parse('2026-05-01T10:00:00Z');
const TOPICS = ['web', 'api'];

beforeAll(async () => {
  h = await openInspectHarness();
  // web has two partitions, api one; request r<i> is seen by each, web first.
  for (const [t, topic] of TOPICS.entries()) {
    const partitions = topic === 'web' ? 2 : 1;
    await h.broker.createTopic(topic, { partitions });
    for (let p = 0; p < partitions; p++) {
      await fill(
        h.broker,
        topic,
        p,
        Array.from({ length: 200 }, (_, i) => ({
          timestamp: T0 + i * 10 + t * 3 + p,
          value: JSON.stringify({
            service: topic,
            request: `r${i}`,
            level: i % 4 ? 'INFO' : 'ERROR',
          }),
        })),
      );
    }
  }
  useAppStore.getState().setApi(h.client, 'in-process');
  useAppStore.getState().setConnection('open');
});
afterAll(async () => {
  await h.close();
});

const state = () => useAppStore.getState();
const id = (r: MessageRow) => `${r.topic}/${r.partition}:${r.offset}`;
const byTime = (rows: MessageRow[]) =>
  [...rows]
    .sort(
      (a, b) =>
        a.timestamp - b.timestamp ||
        TOPICS.indexOf(a.topic!) - TOPICS.indexOf(b.topic!) ||
        a.partition - b.partition,
    )
    .map(id);

describe('the histogram of a timeline', () => {
  const sum = (levels: 'error' | 'info') =>
    state().timeline!.buckets.reduce((n, b) => n + b.counts[levels], 0);

  it("counts every topic by level over the timeline's span, summed bucket by bucket", async () => {
    await state().openTimeline(TOPICS);
    await state().loadTimeline();
    const t = state().timeline!;
    expect(t).toMatchObject({ view: 'timeline:web,api', whole: true, search: false, scanned: 600 });
    // The first message of web partition 0 to the last of api.
    expect(t.from).toBe(T0);
    expect(t.to).toBe(T0 + 199 * 10 + 3 + 1);
    expect(sum('error')).toBe(150);
    expect(sum('info')).toBe(450);
  });

  it("counts a search's hits in every topic while it is shown, and a range dragged across", async () => {
    state().setSearchForm({ mode: 'filter', input: 'level == "ERROR"' });
    state().startSearch({ kind: 'all' });
    await state().loadTimeline({ from: T0, to: T0 + 1000 });
    await waitUntil(() => state().timeline?.search && !state().timeline!.running);
    // Every hit counted (150), those in the range in its buckets: i = 0, 4, ..., 96 of each partition.
    expect(state().timeline).toMatchObject({ scanned: 150, whole: false, search: true });
    expect(sum('error')).toBe(75);
    expect(sum('info')).toBe(0);
    state().clearSearch();
  });
});

describe('search and export of a timeline', () => {
  it("lists the hits of every topic merged by time, going on past a page as the table's end comes near", async () => {
    await state().openTimeline(TOPICS);
    state().setSearchForm({ mode: 'filter', input: 'level == "ERROR"' });
    state().startSearch({ kind: 'all' }, 40);
    await waitUntil(() => state().search.done?.reason === 'limit');
    expect(state().search.hits).toHaveLength(40);
    for (let i = 0; i < 10 && state().search.done?.reason === 'limit'; i++) {
      state().moreHits();
      await waitUntil(() => !state().search.running);
    }
    const { hits, done } = state().search;
    expect(done?.reason).toBe('complete');
    // 50 errors in each of the three partitions, each once, in the timeline's order.
    expect(hits).toHaveLength(150);
    expect(new Set(hits.map(id)).size).toBe(150);
    expect(hits.map(id)).toEqual(byTime(hits));
    expect(hits.slice(0, 3).map(id)).toEqual(['web/0:0', 'web/1:0', 'api/0:0']);
  });

  it("shows a hit's context in its own topic's partition, the rows naming that topic", async () => {
    const hit = state().search.hits.find((r) => r.topic === 'api' && r.offset === 100)!;
    await state().showContext(hit);
    await waitUntil(() => (state().searchView.context?.rows.length ?? 0) > 0);
    const rows = state().searchView.context!.rows;
    expect(rows.map((r) => r.offset)).toEqual(Array.from({ length: 41 }, (_, i) => 80 + i));
    expect(rows.every((r) => r.topic === 'api' && r.partition === 0)).toBe(true);
    state().clearSearch();
  });

  it('exports the matches of every topic, merged by time, each record naming its topic', async () => {
    state().startExport({
      range: { kind: 'time', from: T0, to: T0 + 100 },
      format: 'jsonl',
      query: { filter: 'level == "ERROR"', caseSensitive: false },
      fileName: 'errors.jsonl',
    });
    await waitUntil(() => state().exportJob.result ?? state().exportJob.error);
    expect(state().exportJob.error).toBeNull();
    const lines = (await readFile(state().exportJob.result!.path, 'utf8')).trimEnd().split('\n');
    // i = 0, 4 and 8 (stamped before T0 + 100), in each of the three partitions.
    expect(
      lines
        .map((l) => JSON.parse(l) as { topic: string; partition: number; offset: number })
        .map((r) => `${r.topic}/${r.partition}:${r.offset}`),
    ).toEqual([
      'web/0:0',
      'web/1:0',
      'api/0:0',
      'web/0:4',
      'web/1:4',
      'api/0:4',
      'web/0:8',
      'web/1:8',
      'api/0:8',
    ]);
  });
});
