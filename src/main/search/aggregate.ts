import {
  MAX_DISTINCT,
  MAX_VALUE_CHARS,
  type AggregateResult,
  type Facet,
} from '../../common/api/aggregate';
import type { ScanRange, SearchQuery } from '../../common/api/messages';
import { fieldOf, topCounts } from '../../common/fields';
import type { MessageSource } from '../browse/partitions';
import { emptyBuckets } from '../metrics/histogram';
import { recordLevel } from '../metrics/levels';
import type { StoredRecord } from '../storage/api';
import { topLevelJsonField, UNSURE } from './json-field';
import { compileQuery } from './query';
import { scanRange, type ProgressFigures } from './scan';

/** Longest stretch of counting before the event loop gets a turn (parsing JSON is the cost). */
const SLICE_MS = 15;
/** How often the counts so far are reported while the scan runs. */
const PARTIAL_MS = 500;

export interface AggregateRequest {
  topic: string;
  partitions: number[] | null;
  range: ScanRange;
  query?: SearchQuery;
  field?: string;
  top: number;
  histogram?: { from: number; to: number; buckets: number };
  maxMatches: number;
}

export type AggregateCounts = Omit<AggregateResult, 'type' | 'final'>;

/**
 * Counts a view's messages (or a query's hits) by the values of one field and/or by time
 * and level, scanning the range in the main process with the search's scan (batch
 * pre-filter, read-ahead, a turn for the event loop every few milliseconds), and gives the
 * event loop a turn while counting too. Stops after `maxMatches` counted messages.
 * @throws LogdockError INVALID_ARGUMENT for an invalid query, UNKNOWN_TOPIC/UNKNOWN_PARTITION.
 */
export async function aggregate(
  source: MessageSource,
  req: AggregateRequest,
  opts: {
    signal: AbortSignal;
    onProgress: (f: ProgressFigures) => void;
    onPartial: (counts: AggregateCounts) => void;
  },
): Promise<AggregateCounts | null> {
  if (req.query) compileQuery(req.query); // an invalid query fails before the scan
  const facet = req.field !== undefined ? facetCounter(req.field, req.top) : null;
  const histogram = req.histogram ? levelCounter(req.histogram) : null;
  const started = Date.now();
  let matched = 0;
  let scanned = 0;
  let sliceStart = Date.now();
  let lastPartial = Date.now();
  const counts = (truncated: boolean): AggregateCounts => ({
    facet: facet?.result() ?? null,
    histogram: histogram?.result() ?? null,
    scanned,
    matched,
    truncated,
    elapsedMs: Date.now() - started,
  });

  const outcome = await scanRange({
    source,
    topic: req.topic,
    partitions: req.partitions,
    range: req.range,
    query: req.query ?? null,
    limit: req.maxMatches,
    signal: opts.signal,
    onMatch: (record, partition) => {
      matched++;
      facet?.add(record, partition);
      histogram?.add(record);
      if (matched >= req.maxMatches) return false;
      if ((matched & 255) !== 0) return true;
      const now = Date.now();
      if (now - lastPartial >= PARTIAL_MS) {
        lastPartial = now;
        opts.onPartial(counts(false));
      }
      if (now - sliceStart < SLICE_MS) return true;
      return new Promise<boolean>((resolve) =>
        setImmediate(() => {
          sliceStart = Date.now();
          resolve(true);
        }),
      );
    },
    onProgress: (f) => {
      scanned = f.scanned;
      opts.onProgress(f);
    },
  });
  if (outcome.reason === 'cancelled') return null;
  scanned = outcome.scanned;
  return counts(outcome.reason === 'limit');
}

interface FacetCounter {
  add(record: StoredRecord, partition: number): void;
  result(): Facet;
}

function facetCounter(field: string, top: number): FacetCounter {
  const count = new Map<string, number>();
  let present = 0;
  let missing = 0;
  let other = 0;
  const read = fieldReader(field);
  return {
    add(record, partition) {
      let v = read(record, partition);
      if (v === undefined) {
        missing++;
        return;
      }
      present++;
      if (v.length > MAX_VALUE_CHARS) v = v.slice(0, MAX_VALUE_CHARS);
      const n = count.get(v);
      if (n !== undefined) count.set(v, n + 1);
      else if (count.size < MAX_DISTINCT) count.set(v, 1);
      else other++;
    },
    result: () => ({
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
  return {
    add(record: StoredRecord) {
      if (record.timestamp < h.from || record.timestamp >= h.to) return;
      const i = Math.min(h.buckets - 1, Math.floor((record.timestamp - h.from) / bucketMs));
      buckets[i].counts[recordLevel(record)]++;
    },
    result: () => ({ bucketMs, buckets: buckets.map((b) => ({ ...b, counts: { ...b.counts } })) }),
  };
}
