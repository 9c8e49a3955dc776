import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScanRange, SearchQuery } from '../../../src/common/api/messages';
import { timelineLanes } from '../../../src/main/browse/timeline';
import { scanMerged, type MergedScanOptions } from '../../../src/main/search/merged-scan';
import { keptReadBuffers } from '../../../src/main/search/read-buffers';
import { fill, openInspectHarness, type InspectHarness } from '../api/inspect-harness';

let h: InspectHarness;
beforeEach(async () => {
  h = await openInspectHarness();
});
afterEach(async () => {
  await h.close();
});

const T0 = Date.parse('2026-05-01T10:00:00Z');
const TOPICS = ['web', 'api', 'db'];

/**
 * web (2 partitions), api (1), db (2): 300 messages a partition, one every 10 ms with an
 * offset per lane, every fifth time shared by all lanes; every third message is an error.
 */
async function services() {
  const partitions = [2, 1, 2];
  for (const [t, topic] of TOPICS.entries()) {
    await h.broker.createTopic(topic, { partitions: partitions[t] });
    for (let p = 0; p < partitions[t]; p++) {
      const items = Array.from({ length: 300 }, (_, i) => ({
        timestamp: T0 + (i % 5 === 0 ? i * 10 : i * 10 + t * 2 + p + 1),
        value: JSON.stringify({ topic, p, i, level: i % 3 === 0 ? 'ERROR' : 'INFO' }),
      }));
      await fill(h.broker, topic, p, items);
    }
  }
}

interface Hit {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
}

async function run(
  query: SearchQuery | null,
  extra: Partial<MergedScanOptions> = {},
  range: ScanRange = { kind: 'all' },
) {
  const hits: Hit[] = [];
  const lanes = await timelineLanes(h.cluster, TOPICS);
  const outcome = await scanMerged({
    source: h.cluster,
    lanes,
    range,
    query,
    signal: new AbortController().signal,
    onMatch: (r, lane) =>
      void hits.push({
        topic: lane.topic,
        partition: lane.partition,
        offset: r.offset,
        timestamp: r.timestamp,
      }),
    onProgress: () => {},
    ...extra,
  });
  return { hits, outcome };
}

const id = (x: Hit) => `${x.topic}/${x.partition}:${x.offset}`;

/** The merged order by definition: time, then topic as given, partition, offset. */
function sorted(hits: Hit[]): string[] {
  return [...hits]
    .sort(
      (a, b) =>
        a.timestamp - b.timestamp ||
        TOPICS.indexOf(a.topic) - TOPICS.indexOf(b.topic) ||
        a.partition - b.partition ||
        a.offset - b.offset,
    )
    .map(id);
}

/** Tiny rounds: a slice of ~40 messages, at most 4 matches per lane and round. */
const tiny = { tuning: { sliceMessages: 40, roundHits: 4, minLaneHits: 4 } };

describe('scanMerged', () => {
  it('hands out the matches of several topics merged by time, ties in lane order, each once', async () => {
    await services();
    const { hits, outcome } = await run({ filter: 'level == "ERROR"', caseSensitive: false });
    expect(outcome).toMatchObject({ reason: 'complete', matched: 500, scanned: 1500 });
    expect(new Set(hits.map(id)).size).toBe(500);
    expect(hits.map(id)).toEqual(sorted(hits));
    // i = 0: shared by every lane, in lane order.
    expect(hits.slice(0, 5).map(id)).toEqual(['web/0:0', 'web/1:0', 'api/0:0', 'db/0:0', 'db/1:0']);
  });

  it('gives the same order over many small rounds, where lanes stop at their cap and are scanned again', async () => {
    await services();
    const whole = await run(null);
    const small = await run(null, tiny);
    expect(whole.hits).toHaveLength(1500);
    expect(small.hits.map(id)).toEqual(whole.hits.map(id));
    expect(small.hits.map(id)).toEqual(sorted(small.hits));
    const errors = await run({ filter: 'level == "ERROR"', caseSensitive: false }, tiny);
    expect(errors.hits.map(id)).toEqual(sorted(errors.hits));
    expect(errors.hits).toHaveLength(500);
  });

  it('stops at the limit and goes on after the last match handed out, missing none', async () => {
    await services();
    const all = (await run({ text: 'ERROR', caseSensitive: true })).hits.map(id);
    const seen: string[] = [];
    let after: MergedScanOptions['after'];
    for (let page = 0; page < 100; page++) {
      const taken: Hit[] = [];
      const { outcome } = await run(
        { text: 'ERROR', caseSensitive: true },
        {
          ...tiny,
          after,
          limit: 37,
          onMatch: (r, lane) => {
            taken.push({
              topic: lane.topic,
              partition: lane.partition,
              offset: r.offset,
              timestamp: r.timestamp,
            });
            return taken.length < 37;
          },
        },
      );
      seen.push(...taken.map(id));
      if (outcome.reason === 'complete') break;
      const last = taken[taken.length - 1];
      after = { topic: last.topic, partition: last.partition, offset: last.offset };
    }
    expect(seen).toEqual(all);
  });

  it('searches only a time window of every lane', async () => {
    await services();
    const from = T0 + 1000;
    const to = T0 + 2000;
    const { hits } = await run({ text: 'INFO', caseSensitive: true }, tiny, {
      kind: 'time',
      from,
      to,
    });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((x) => x.timestamp >= from && x.timestamp < to)).toBe(true);
    expect(hits.map(id)).toEqual(sorted(hits));
    // 100 messages of each of the 5 lanes fall in the window; two thirds are INFO.
    expect(hits.length).toBe(
      5 * (100 - Array.from({ length: 100 }, (_, k) => 100 + k).filter((i) => i % 3 === 0).length),
    );
  });

  it('stops at the next match once cancelled', async () => {
    await services();
    const abort = new AbortController();
    let n = 0;
    const { outcome } = await run(null, {
      ...tiny,
      signal: abort.signal,
      onMatch: () => {
        if (++n === 10) abort.abort();
      },
    });
    expect(outcome.reason).toBe('cancelled');
    expect(n).toBe(10);
  });

  it('widens its slices of time for a rare needle instead of scanning a topic in thousands of rounds', async () => {
    await services();
    // Every round asks each lane where the slice ends: count the rounds by those lookups.
    let lookups = 0;
    const source = Object.create(h.cluster) as typeof h.cluster;
    source.offsetForTimestamp = (...args) => {
      lookups++;
      return h.cluster.offsetForTimestamp(...args);
    };
    const needle = JSON.stringify({ topic: 'db', p: 1, i: 299 }).slice(1, -1);
    const { hits } = await run({ text: needle, caseSensitive: true }, { ...tiny, source });
    expect(hits.map(id)).toEqual(['db/1:299']);
    // 1500 messages at ~40 a slice would be ~38 rounds of 5 lookups; doubling takes ~6.
    expect(lookups / 5).toBeLessThan(12);
  });

  it('keeps a few read buffers for the next scan, however many small scans a search makes', async () => {
    await services();
    await run({ filter: 'level == "ERROR"', caseSensitive: false }, tiny);
    await run({ text: 'INFO', caseSensitive: true }, tiny);
    expect(keptReadBuffers()).toBeGreaterThan(0);
    expect(keptReadBuffers()).toBeLessThanOrEqual(10);
  });

  it('refuses to go on after a message of a topic that is not in the view', async () => {
    await services();
    await expect(
      run(null, { after: { topic: 'other', partition: 0, offset: 1 } }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/partition 0 of topic other is not in this view/),
    });
  });
});
