import type { ScanRange, SearchQuery } from '../../common/api/messages';
import { LogdockError } from '../../common/errors';
import type { Lane } from '../browse/lanes';
import type { MessageSource } from '../browse/partitions';
import type { StoredRecord } from '../storage/api';
import type { WorkerPool } from '../workers/pool';
import { compileQuery } from './query';
import { resolveSpans, scanSpans, type ProgressFigures, type ScanOutcome, type Span } from './scan';

/** Longest stretch of handing out matches before the event loop gets a turn. */
const SLICE_MS = 15;
/** Lanes scanned at once in a round (each keeps its own reads in flight). */
const LANES_AT_ONCE = 2;

export interface MergedScanOptions {
  source: MessageSource;
  /** The lanes in tie order (lanes.ts), with their ends when the scan starts. */
  lanes: Lane[];
  range: ScanRange;
  /** null: every message of the range matches (a plain export). */
  query: SearchQuery | null;
  signal: AbortSignal;
  /** Called for each match in merged order; return false to stop (a result limit). */
  onMatch: (record: StoredRecord, lane: Lane) => boolean | void | Promise<boolean | void>;
  onProgress: (figures: ProgressFigures) => void;
  progressIntervalMs?: number;
  /** The most matches the caller takes: bounds what each round reads. */
  limit?: number;
  pool?: WorkerPool;
  /** Go on after this message: only matches after it in merged order follow. */
  after?: { topic: string; partition: number; offset: number };
  /** Sizes of the rounds (tests make them tiny to exercise many rounds on little data). */
  tuning?: Partial<Tuning>;
}

interface Tuning {
  /** Messages one slice of time covers in all lanes, aimed at: the slice's width adapts to it. */
  sliceMessages: number;
  /** Matches held at most in one round, over all lanes: bounds memory when most match (an export). */
  roundHits: number;
  /** ... but never fewer than this per lane, or many lanes would make rounds tiny. */
  minLaneHits: number;
}

const TUNING: Tuning = { sliceMessages: 200_000, roundHits: 60_000, minLaneHits: 500 };

/** A message's place in the merged order: (timestamp, lane, offset). */
interface Key {
  t: number;
  l: number;
  o: number;
}

function compare(a: Key, b: Key): number {
  return a.t - b.t || a.l - b.l || a.o - b.o;
}

/** One lane's share of the scan: its span, how far it has been handed out, and this round's end. */
interface LaneState {
  lane: Lane;
  index: number;
  span: Span;
  cursor: number;
  end: number;
}

/** What a round found in one lane: matches in offset order, and whether it stopped at its cap. */
interface Found {
  hits: StoredRecord[];
  truncated: boolean;
}

/**
 * Scans a range of several lanes (partitions of one topic or of several) and hands the
 * matches out merged in (timestamp, lane, offset) order, as the merged view shows them.
 *
 * The scan goes through time in slices: each round scans every lane's offsets up to the
 * slice's end time (found with the time index), each lane with the plain scan (scan.ts,
 * so the testing runs in the worker pool), and sorts what it found. A lane that found more
 * than its cap stops early; its last match then bounds what can be handed out safely
 * (any later match of that lane comes after it), and the rest is scanned again in the next
 * round. Memory therefore stays bounded by the caps however dense the matches are (an
 * export matches everything). With one lane it is the plain scan.
 *
 * Timestamps that go backwards inside a partition make the order approximate (as in the
 * merged view, see time-position.ts); no match is lost or handed out twice.
 * @throws LogdockError as scanRange does; INVALID_ARGUMENT when `after` is not in a lane.
 */
export async function scanMerged(opts: MergedScanOptions): Promise<ScanOutcome> {
  const started = Date.now();
  if (opts.query) compileQuery(opts.query); // a bad query fails here
  const states = await laneStates(opts);
  const afterKey = opts.after ? await resumeAt(opts, states, opts.after) : null;
  if (states.length === 1 && afterKey === null) return scanOne(opts, states[0]);

  const tune = { ...TUNING, ...opts.tuning };
  const startAt = states.map((s) => s.cursor);
  // Counted in offsets (a selection's are sparse: its figures are rough).
  const total = states.reduce((n, s) => n + Math.max(0, s.span.to - s.cursor), 0);
  const state = { matched: 0, lastProgress: 0, sliceStart: Date.now() };
  const interval = opts.progressIntervalMs ?? 200;
  const scanned = () => states.reduce((n, s, i) => n + (s.cursor - startAt[i]), 0);
  const progress = (force: boolean) => {
    const now = Date.now();
    if (!force && now - state.lastProgress < interval) return;
    state.lastProgress = now;
    const elapsedMs = now - started;
    const done = scanned();
    const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
    opts.onProgress({
      scanned: done,
      total,
      scannedBytes: 0,
      matched: state.matched,
      rate,
      etaMs: rate > 0 ? Math.round((Math.max(0, total - done) * 1000) / rate) : null,
      elapsedMs,
    });
  };
  const finish = (reason: ScanOutcome['reason']): ScanOutcome => {
    progress(true);
    return { reason, scanned: scanned(), matched: state.matched, elapsedMs: Date.now() - started };
  };

  progress(true);
  if (total === 0) return finish('complete');
  const [oldest, newest] = await timeBounds(opts.source, states);
  let width = Math.max(1, Math.ceil(((newest - oldest + 1) * tune.sliceMessages) / total));
  let until = oldest + width;
  let sliceStart = true;
  let covered = 0;
  let sliceHits = 0;
  while (states.some((s) => s.cursor < s.span.to)) {
    if (opts.signal.aborted) return finish('cancelled');
    await placeEnds(opts.source, states, until > newest ? null : until);
    if (sliceStart) covered = states.reduce((n, s) => n + (s.end - s.cursor), 0);
    const remaining = (opts.limit ?? Infinity) - state.matched;
    const cap = Math.max(
      1,
      Math.min(remaining, Math.max(tune.minLaneHits, Math.floor(tune.roundHits / states.length))),
    );
    const found = await collect(opts, states, cap);
    if (found === null) return finish('cancelled');
    for (const { record, lane } of handOut(states, found, afterKey)) {
      if (opts.signal.aborted) return finish('cancelled');
      state.matched++;
      sliceHits++;
      if ((await opts.onMatch(record, lane)) === false) return finish('limit');
      if (Date.now() - state.sliceStart > SLICE_MS) await yieldTurn(state);
    }
    progress(false);
    // The slice is done when every lane reached its end; else its rest goes again.
    sliceStart = states.every((s) => s.cursor >= s.end);
    if (sliceStart) {
      // Slices are narrow only where matches are dense (an export, a common word): a rare
      // needle's slices widen each round, or a large topic would be thousands of rounds.
      const sparse = sliceHits < tune.roundHits / 8;
      if (covered < tune.sliceMessages / 2 || sparse) width *= 2;
      else if (covered > tune.sliceMessages * 2) width = Math.max(1, Math.floor(width / 2));
      until += width;
      sliceHits = 0;
    }
  }
  return finish('complete');
}

/** Every lane's span of the range, grouped by topic for the lookups, in lane order. */
async function laneStates(opts: MergedScanOptions): Promise<LaneState[]> {
  const topics = [...new Set(opts.lanes.map((l) => l.topic))];
  const spans = new Map<Lane, Span>();
  for (const topic of topics) {
    const lanes = opts.lanes.filter((l) => l.topic === topic);
    const resolved = await resolveSpans(opts.source, topic, lanes, opts.range);
    for (const lane of lanes) {
      const span = resolved.find((s) => s.partition === lane.partition);
      if (span) spans.set(lane, span);
    }
  }
  return opts.lanes.flatMap((lane, index) => {
    const span = spans.get(lane);
    return span ? [{ lane, index, span, cursor: span.from, end: span.from }] : [];
  });
}

/**
 * Moves every lane's cursor to the first message after `after` in merged order: in its own
 * lane the next offset, in earlier lanes the first stamped later, in later lanes the first
 * stamped the same or later. Returns its key.
 */
async function resumeAt(
  opts: MergedScanOptions,
  states: LaneState[],
  after: { topic: string; partition: number; offset: number },
): Promise<Key> {
  const own = opts.lanes.findIndex(
    (l) => l.topic === after.topic && l.partition === after.partition,
  );
  if (own < 0) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `after: partition ${after.partition} of topic ${after.topic} is not in this view`,
    );
  }
  const records = await opts.source.readRecords(after.topic, after.partition, after.offset, {
    maxRecords: 1,
  });
  // Gone (retention): the next message's time stands in for it.
  const t = records.find((r) => r.offset >= after.offset)?.timestamp ?? Infinity;
  await Promise.all(
    states.map(async (s) => {
      let at: number;
      if (s.index === own) at = after.offset + 1;
      else if (t === Infinity) at = s.span.to;
      else {
        const from = s.index < own ? t + 1 : t;
        at =
          (await opts.source.offsetForTimestamp(s.lane.topic, s.lane.partition, from)) ?? s.span.to;
      }
      s.cursor = Math.min(Math.max(at, s.span.from), s.span.to);
    }),
  );
  return { t, l: own, o: after.offset };
}

/** The oldest and newest timestamps at the lanes' cursors and ends (two reads a lane). */
async function timeBounds(source: MessageSource, states: LaneState[]): Promise<[number, number]> {
  const at = async (s: LaneState, offset: number) => {
    const records = await source.readRecords(s.lane.topic, s.lane.partition, offset, {
      maxRecords: 1,
    });
    return records.find((r) => r.offset >= offset)?.timestamp ?? null;
  };
  const times = await Promise.all(
    states
      .filter((s) => s.cursor < s.span.to)
      .flatMap((s) => [at(s, s.cursor), at(s, s.span.to - 1)]),
  );
  const known = times.filter((t): t is number => t !== null);
  if (known.length === 0) return [0, 0];
  return [Math.min(...known), Math.max(...known)];
}

/** Each lane's end for this round: its first message stamped `until` or later (null: its end). */
async function placeEnds(
  source: MessageSource,
  states: LaneState[],
  until: number | null,
): Promise<void> {
  await Promise.all(
    states.map(async (s) => {
      const found =
        until === null
          ? null
          : await source.offsetForTimestamp(s.lane.topic, s.lane.partition, until);
      s.end = Math.min(Math.max(found ?? s.span.to, s.cursor), s.span.to);
    }),
  );
}

/** Scans every lane's [cursor, end), at most `cap` matches each; null when cancelled. */
async function collect(
  opts: MergedScanOptions,
  states: LaneState[],
  cap: number,
): Promise<Found[] | null> {
  const scanLane = async (s: LaneState): Promise<Found | null> => {
    const hits: StoredRecord[] = [];
    if (s.cursor >= s.end) return { hits, truncated: false };
    const outcome = await scanSpans(
      {
        source: opts.source,
        topic: s.lane.topic,
        query: opts.query,
        signal: opts.signal,
        limit: cap,
        pool: opts.pool,
        onMatch: (r) => {
          hits.push(r);
          return hits.length < cap;
        },
        onProgress: () => {},
        progressIntervalMs: Infinity,
      },
      [sliceOf(s)],
    );
    if (outcome.reason === 'cancelled') return null;
    return { hits, truncated: outcome.reason === 'limit' };
  };
  // A few lanes at once: one lane's slice is often a single small read, which alone would
  // leave the pool's threads waiting on the disk and on this loop.
  const found: (Found | null)[] = new Array(states.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < states.length) {
      const i = next++;
      found[i] = await scanLane(states[i]);
      if (found[i] === null) next = states.length;
    }
  };
  await Promise.all(Array.from({ length: Math.min(LANES_AT_ONCE, states.length) }, worker));
  return found.some((f) => f === null) ? null : (found as Found[]);
}

function sliceOf(s: LaneState): Span {
  const offsets = s.span.offsets?.filter((o) => o >= s.cursor && o < s.end) ?? null;
  return { ...s.span, from: s.cursor, to: s.end, offsets };
}

/**
 * What of a round's matches can be handed out now, in merged order, and the lanes'
 * cursors moved past them. A lane that stopped at its cap bounds the rest: its unseen
 * matches come after its last one. What each lane hands out is a prefix of its matches in
 * offset order, so what stays is scanned again next round. Matches not after `afterKey`
 * are passed over (only timestamps going backwards put them there).
 */
function handOut(
  states: LaneState[],
  found: Found[],
  afterKey: Key | null,
): { record: StoredRecord; lane: Lane }[] {
  const bound = boundOf(states, found);
  const counts: number[] = states.map((s, i) => {
    const { hits } = found[i];
    if (bound === null) return hits.length;
    let n = 0;
    while (n < hits.length && compare(keyOf(hits[n], s.index), bound) <= 0) n++;
    return n;
  });
  if (!counts.some((n) => n > 0)) {
    // Only with timestamps going backwards: hand out the earliest lane head, so rounds advance.
    let best = -1;
    let bestKey: Key | null = null;
    for (let i = 0; i < states.length; i++) {
      const head = found[i].hits[0];
      if (!head) continue;
      const k = keyOf(head, states[i].index);
      if (bestKey === null || compare(k, bestKey) < 0) [best, bestKey] = [i, k];
    }
    if (best >= 0) counts[best] = 1;
  }
  const out: { record: StoredRecord; lane: Lane; key: Key }[] = [];
  states.forEach((s, i) => {
    const { hits, truncated } = found[i];
    const n = counts[i];
    for (let k = 0; k < n; k++) {
      const key = keyOf(hits[k], s.index);
      if (afterKey === null || compare(key, afterKey) > 0)
        out.push({ record: hits[k], lane: s.lane, key });
    }
    if (n < hits.length) s.cursor = hits[n].offset;
    else if (truncated && n > 0) s.cursor = hits[n - 1].offset + 1;
    else s.cursor = s.end;
  });
  return out.sort((a, b) => compare(a.key, b.key));
}

function keyOf(r: StoredRecord, lane: number): Key {
  return { t: r.timestamp, l: lane, o: r.offset };
}

/** The last match of the lane that stopped at its cap earliest in merged order; null if none did. */
function boundOf(states: LaneState[], found: Found[]): Key | null {
  let bound: Key | null = null;
  for (let i = 0; i < states.length; i++) {
    const { hits, truncated } = found[i];
    if (!truncated || hits.length === 0) continue;
    const last = keyOf(hits[hits.length - 1], states[i].index);
    if (bound === null || compare(last, bound) < 0) bound = last;
  }
  return bound;
}

/** One lane: the plain scan, its matches already in order. */
function scanOne(opts: MergedScanOptions, s: LaneState): Promise<ScanOutcome> {
  return scanSpans(
    {
      source: opts.source,
      topic: s.lane.topic,
      query: opts.query,
      signal: opts.signal,
      limit: opts.limit,
      pool: opts.pool,
      progressIntervalMs: opts.progressIntervalMs,
      onProgress: opts.onProgress,
      onMatch: (r) => opts.onMatch(r, s.lane),
    },
    [s.span],
  );
}

async function yieldTurn(state: { sliceStart: number }): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  state.sliceStart = Date.now();
}
