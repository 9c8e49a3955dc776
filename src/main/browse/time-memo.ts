import { laneKey, type Lane } from './lanes';
import type { MessageSource } from './partitions';

/** Lanes remembered per source; the least recently used go first. */
const MAX_LANES = 512;
/** Lookups remembered per lane, and totals per view, before they are dropped. */
const MAX_ENTRIES = 4096;
/** Views (sets of lanes) whose totals are remembered per source. */
const MAX_VIEWS = 64;

/**
 * What is known of one lane while its ends are unchanged: how many of its messages come
 * before a time (the answers of "first offset at or after T" lookups), and the timestamps
 * of its first and last messages. A lane's messages between fixed ends do not change (the
 * log is append-only; retention and deleteRecords move the start), so the answers hold
 * for as long as the ends do, across requests: a seek's locate and the window after it,
 * and the windows after that, ask about the same times.
 */
export interface LaneMemo {
  before: Map<number, number>;
  /** [first, last] message timestamps (null: unknown, e.g. empty), once read. */
  span?: [number | null, number | null];
}

/** The totals of a view of several lanes at times asked before: time → messages before it. */
export type ViewMemo = Map<number, number>;

interface SourceMemo {
  lanes: Map<string, LaneMemo>;
  views: Map<string, ViewMemo>;
}

const bySource = new WeakMap<MessageSource, SourceMemo>();

function memoOf(source: MessageSource): SourceMemo {
  let m = bySource.get(source);
  if (!m) {
    m = { lanes: new Map(), views: new Map() };
    bySource.set(source, m);
  }
  return m;
}

/** A lane with its ends: another end is another key, so a grown lane starts afresh. */
function keyOf(lane: Lane): string {
  return `${laneKey(lane)}\u0000${lane.logStartOffset}\u0000${lane.logEndOffset}`;
}

/** Gets (and marks as recently used) or makes the entry under `key`, dropping the oldest. */
function touch<T>(map: Map<string, T>, key: string, make: () => T, max: number): T {
  let v = map.get(key);
  if (v !== undefined) map.delete(key);
  else v = make();
  map.set(key, v);
  if (map.size > max) map.delete(map.keys().next().value!);
  return v;
}

/** What is known of `lane` with its current ends, for `source`. */
export function laneMemo(source: MessageSource, lane: Lane): LaneMemo {
  const m = touch(memoOf(source).lanes, keyOf(lane), () => ({ before: new Map() }), MAX_LANES);
  if (m.before.size > MAX_ENTRIES) m.before.clear();
  return m;
}

/** The totals known of the view made of `lanes` with their current ends, for `source`. */
export function viewMemo(source: MessageSource, lanes: Lane[]): ViewMemo {
  const m = touch(
    memoOf(source).views,
    lanes.map(keyOf).join('\u0001'),
    () => new Map(),
    MAX_VIEWS,
  );
  if (m.size > MAX_ENTRIES) m.clear();
  return m;
}
