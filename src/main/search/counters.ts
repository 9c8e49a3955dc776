/**
 * The counts of `messages.aggregate`: a field's values (a facet) and messages per time
 * bucket by level. A counter counts records one by one, in a worker thread for the reads of
 * a scan (count-chunk.ts) or in the main process for a selection, and gives its counts as a
 * plain, transferable object that another counter (the main process's) adds to its own.
 */
import { LOG_LEVELS, type LogLevel } from '../../common/api/dashboard';
import {
  MAX_DISTINCT,
  MAX_VALUE_CHARS,
  type AggregateResult,
  type Facet,
} from '../../common/api/aggregate';
import { fieldOf, topCounts } from '../../common/fields';
import { recordLevel } from '../metrics/levels';
import type { StoredRecord } from '../storage/api';
import { topLevelJsonField, UNSURE } from './json-field';

/** What to count: a field, a histogram, or both. */
export interface CountSpec {
  field?: string;
  histogram?: { from: number; to: number; buckets: number };
}

/** One counter's counts, as they travel from a worker: small, whatever the records' size. */
export interface Counts {
  matched: number;
  facet: {
    values: [string, number][];
    present: number;
    missing: number;
    other: number;
  } | null;
  /** Per bucket, then per level in LOG_LEVELS order. */
  histogram: number[] | null;
}

export interface Counter {
  add(record: StoredRecord, partition: number): void;
  /** Adds another counter's counts (a worker's, for one read). */
  merge(counts: Counts): void;
  counts(): Counts;
  matched(): number;
  facet(top: number): Facet | null;
  histogram(): AggregateResult['histogram'];
}

export function createCounter(spec: CountSpec): Counter {
  const facet = spec.field !== undefined ? facetCounter(spec.field) : null;
  const histogram = spec.histogram ? levelCounter(spec.histogram) : null;
  let matched = 0;
  return {
    add(record, partition) {
      matched++;
      facet?.add(record, partition);
      histogram?.add(record);
    },
    merge(c) {
      matched += c.matched;
      if (c.facet) facet?.merge(c.facet);
      if (c.histogram) histogram?.merge(c.histogram);
    },
    counts: () => ({
      matched,
      facet: facet?.counts() ?? null,
      histogram: histogram?.counts() ?? null,
    }),
    matched: () => matched,
    facet: (top) => facet?.result(top) ?? null,
    histogram: () => histogram?.result() ?? null,
  };
}

function facetCounter(field: string) {
  const count = new Map<string, number>();
  let present = 0;
  let missing = 0;
  let other = 0;
  const read = fieldReader(field);
  /** Past MAX_DISTINCT values, further new values are counted as `other`. */
  const put = (v: string, n: number) => {
    const had = count.get(v);
    if (had !== undefined) count.set(v, had + n);
    else if (count.size < MAX_DISTINCT) count.set(v, n);
    else other += n;
  };
  return {
    add(record: StoredRecord, partition: number) {
      const v = read(record, partition);
      if (v === undefined) {
        missing++;
        return;
      }
      present++;
      put(v.length > MAX_VALUE_CHARS ? v.slice(0, MAX_VALUE_CHARS) : v, 1);
    },
    merge(c: NonNullable<Counts['facet']>) {
      present += c.present;
      missing += c.missing;
      other += c.other;
      for (const [v, n] of c.values) put(v, n);
    },
    counts: () => ({ values: [...count], present, missing, other }),
    result: (top: number): Facet => ({
      field,
      values: topCounts(count, top),
      present,
      missing,
      distinct: count.size,
      other,
    }),
  };
}

type FieldReader = (record: StoredRecord, partition: number) => string | undefined;

/**
 * How to read a field from a stored message. For a value field the record's bytes are first
 * searched for the field's last name, so that messages without it are not parsed at all.
 */
function fieldReader(field: string): FieldReader {
  if (field === '$key') return (r) => r.key?.toString('utf8');
  if (field === '$partition') return (_r, p) => String(p);
  if (field === '$level') return (r) => recordLevel(r);
  if (field.startsWith('$headers.')) {
    const name = field.slice('$headers.'.length);
    return (r) => {
      const h = r.headers.find((x) => x.key === name);
      return h === undefined ? undefined : (h.value?.toString('utf8') ?? 'null');
    };
  }
  const leaf = Buffer.from(field.slice(field.lastIndexOf('.') + 1));
  // A plain name is read from the bytes of a JSON object; paths and logfmt are parsed.
  const plain = !/[."\\]/.test(field);
  return (r) => {
    if (r.value === null || r.value.indexOf(leaf) < 0) return undefined;
    if (plain) {
      const v = topLevelJsonField(r.value, leaf);
      if (v !== UNSURE) return v;
    }
    return fieldOf(r.value.toString('utf8'), field);
  };
}

function levelCounter(h: { from: number; to: number; buckets: number }) {
  const { bucketMs, buckets } = emptyBuckets(h.from, h.to, h.buckets);
  const levels = LOG_LEVELS.length;
  const index = new Map(LOG_LEVELS.map((l, i) => [l, i]));
  // Flat [bucket][level] counts: what travels from a worker, and what is added to.
  const counts = new Array<number>(h.buckets * levels).fill(0);
  return {
    add(record: StoredRecord) {
      if (record.timestamp < h.from || record.timestamp >= h.to) return;
      const i = Math.min(h.buckets - 1, Math.floor((record.timestamp - h.from) / bucketMs));
      counts[i * levels + index.get(recordLevel(record))!]++;
    },
    merge(other: number[]) {
      for (let i = 0; i < counts.length; i++) counts[i] += other[i] ?? 0;
    },
    counts: () => counts.slice(),
    result: () => ({
      bucketMs,
      buckets: buckets.map((b, i) => ({
        start: b.start,
        counts: Object.fromEntries(LOG_LEVELS.map((l, j) => [l, counts[i * levels + j]])) as Record<
          LogLevel,
          number
        >,
      })),
    }),
  };
}

/** `n` equal time buckets over [from, to), every level counted 0. */
export function emptyBuckets(
  from: number,
  to: number,
  n: number,
): { bucketMs: number; buckets: { start: number; counts: Record<LogLevel, number> }[] } {
  const bucketMs = Math.max(1, Math.ceil((to - from) / n));
  const buckets = Array.from({ length: n }, (_, i) => ({
    start: from + i * bucketMs,
    counts: Object.fromEntries(LOG_LEVELS.map((l) => [l, 0])) as Record<LogLevel, number>,
  }));
  return { bucketMs, buckets };
}
